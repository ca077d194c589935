#include "inspect/table_summary.hpp"

#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include <chronicle/table/segment_index.hpp>

#include "format/safe_text.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {
namespace {

std::uint64_t file_size_or_zero(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

SegmentTotals totals_of(const std::string& dir, const std::vector<SegmentInfo>& segments) {
  SegmentTotals t;
  for (const SegmentInfo& s : segments) {
    ++t.segments;
    const std::uint64_t index = file_size_or_zero(segment_index_path(dir, s.segment_id));
    t.index_bytes += index;
    t.bytes_on_disk += s.size_on_disk + index;
    if (s.tier == SegmentTier::Hot) {
      ++t.hot;
      t.hot_bytes += s.size_on_disk;
    } else {
      ++t.cold;
      t.cold_bytes += s.size_on_disk;
      t.cold_used_bytes += s.used_bytes;
    }
    if (s.record_count == 0) continue;
    t.records += s.record_count;
    t.min_timestamp_ns = std::min(t.min_timestamp_ns.value_or(UINT64_MAX), s.min_timestamp_ns);
    t.max_timestamp_ns = std::max(t.max_timestamp_ns.value_or(0), s.max_timestamp_ns);
  }
  return t;
}

}  // namespace

void SegmentTotals::add(const SegmentTotals& o) {
  segments += o.segments;
  hot += o.hot;
  cold += o.cold;
  bytes_on_disk += o.bytes_on_disk;
  hot_bytes += o.hot_bytes;
  cold_bytes += o.cold_bytes;
  index_bytes += o.index_bytes;
  cold_used_bytes += o.cold_used_bytes;
  records += o.records;
  if (o.min_timestamp_ns) {
    min_timestamp_ns = std::min(min_timestamp_ns.value_or(UINT64_MAX), *o.min_timestamp_ns);
    max_timestamp_ns = std::max(max_timestamp_ns.value_or(0), *o.max_timestamp_ns);
  }
}

std::optional<double> SegmentTotals::compression_ratio() const {
  if (cold == 0 || cold_bytes == 0) return std::nullopt;
  return static_cast<double>(cold_used_bytes) / static_cast<double>(cold_bytes);
}

Result<TableSummary> summarize_table(const Table& table, const PartitionFilter& filter) {
  TableSummary out;
  ListOptions list;
  list.stats = false;
  list.skipped = &out.skipped;
  auto partitions = table.partitions(filter, list);
  if (!partitions) return std::move(partitions).error();
  for (PartitionInfo& p : *partitions) {
    PartitionSummary s;
    s.values = std::move(p.values);
    s.path = sanitize_line(p.path);
    auto segments = table.segments(s.values);
    if (segments) {
      s.segments = std::move(*segments);
      s.totals = totals_of(table.root() + "/" + p.path, s.segments);
      out.totals.add(s.totals);
    } else {
      s.error = std::move(segments).error();
      ++out.damaged_partitions;
    }
    out.partitions.push_back(std::move(s));
  }
  return out;
}

std::string format_ratio(const std::optional<double>& ratio) {
  return ratio ? fmt::format("{:.2f}x", *ratio) : "-";
}

int finish_listing(const TableSummary& summary) {
  int status = finish_stdout() ? kExitOk : kExitDataError;
  for (const PartitionSummary& p : summary.partitions) {
    if (p.error) {
      print_error(p.error);
      status = kExitDataError;
    }
  }
  return status;
}

}  // namespace chronicle::cli
