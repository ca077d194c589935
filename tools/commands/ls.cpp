#include "commands/ls.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include <chronicle/core/errors.hpp>
#include <chronicle/table/table.hpp>

#include "format/safe_text.hpp"
#include "format/table_json.hpp"
#include "format/time_format.hpp"
#include "inspect/table_summary.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {
namespace {

std::string time_range(const SegmentTotals& t) {
  if (!t.min_timestamp_ns) return "-";
  return format_iso8601_ns(*t.min_timestamp_ns) + ".." + format_iso8601_ns(*t.max_timestamp_ns);
}

std::string time_range(const SegmentInfo& s) {
  if (s.record_count == 0) return "-";
  return format_iso8601_ns(s.min_timestamp_ns) + ".." + format_iso8601_ns(s.max_timestamp_ns);
}

void print_segments(const std::vector<SegmentInfo>& segments) {
  constexpr auto kRow = "  {:<9} {:<4} {:>12} {:>12} {:>10} {:<6} {}\n";
  for (const SegmentInfo& s : segments) {
    fmt::print(kRow, fmt::format("{:09}", s.segment_id),
               s.tier == SegmentTier::Hot ? "hot" : "cold", s.size_on_disk, s.used_bytes,
               s.record_count, s.sealed ? "sealed" : "live", time_range(s));
  }
}

std::string total_line(const TableSummary& summary) {
  const SegmentTotals& t = summary.totals;
  std::string line = fmt::format(
      "total: {} partitions, {} segments ({} hot, {} cold), {} bytes on disk, {} records",
      summary.partitions.size(), t.segments, t.hot, t.cold, t.bytes_on_disk, t.records);
  if (const auto ratio = t.compression_ratio()) {
    line += fmt::format(", cold segments {} bytes in {} on disk (ratio {})", t.cold_used_bytes,
                        t.cold_bytes, format_ratio(ratio));
  }
  if (t.min_timestamp_ns) line += ", time " + time_range(t);
  if (summary.damaged_partitions) {
    line += fmt::format(", {} partitions unreadable", summary.damaged_partitions);
  }
  return line;
}

void print_table(const Table& table, const TableSummary& summary, bool segments) {
  std::size_t width = 9;
  for (const PartitionSummary& p : summary.partitions) width = std::max(width, p.path.size());
  const auto row = [width](std::string_view path, auto&&... rest) {
    fmt::print("{:<{}} {:>8} {:>4} {:>4} {:>12} {:>10} {:>7} {}\n", path, width, rest...);
  };
  fmt::print("table: {}\n", escape_bytes(table.root()));
  row("PARTITION", "SEGMENTS", "HOT", "COLD", "BYTES", "RECORDS", "RATIO", "TIME");
  if (segments) {
    fmt::print("  {:<9} {:<4} {:>12} {:>12} {:>10} {:<6} {}\n", "SEGMENT", "TIER", "SIZE", "USED",
               "RECORDS", "STATE", "TIME");
  }
  for (const PartitionSummary& p : summary.partitions) {
    if (p.error) {
      row(p.path, "-", "-", "-", "-", "-", "-", "unreadable (see the error below)");
      continue;
    }
    const SegmentTotals& t = p.totals;
    row(p.path, t.segments, t.hot, t.cold, t.bytes_on_disk, t.records,
        format_ratio(t.compression_ratio()), time_range(t));
    if (segments) print_segments(p.segments);
  }
  fmt::print("{}\n", total_line(summary));
  for (const std::string& s : summary.skipped)
    fmt::print("not a partition: {}\n", sanitize_line(s));
}

void print_json(const Table& table, const TableSummary& summary, bool segments) {
  Json j;
  j["table"] = escape_bytes(table.root());
  j["partitions"] = Json::array();
  for (const PartitionSummary& p : summary.partitions) {
    Json part;
    part["path"] = p.path;
    part["values"] = values_json(table.scheme(), p.values);
    if (p.error) {
      part["error"] = sanitize_line(p.error.message());
    } else {
      add_totals_json(part, p.totals);
      if (segments) {
        part["segments"] = Json::array();
        for (const SegmentInfo& s : p.segments) part["segments"].push_back(segment_json(s));
      }
    }
    j["partitions"].push_back(std::move(part));
  }
  j["skipped"] = Json::array();
  for (const std::string& s : summary.skipped) j["skipped"].push_back(sanitize_line(s));
  Json total;
  total["partitions"] = summary.partitions.size();
  total["unreadable_partitions"] = summary.damaged_partitions;
  add_totals_json(total, summary.totals);
  j["total"] = std::move(total);
  fmt::print("{}\n", j.dump());
}

}  // namespace

int run_ls(const LsOptions& options) {
  auto table = Table::open(options.dir);
  if (!table) {
    print_error(table.error());
    return kExitDataError;
  }
  auto filter = where_filter(table->scheme(), options.where);
  if (!filter) {
    print_error(filter.error());
    return kExitUsage;
  }
  auto summary = summarize_table(*table, *filter);
  if (!summary) {
    print_error(summary.error());
    return kExitDataError;
  }
  if (options.json) {
    print_json(*table, *summary, options.segments);
  } else {
    print_table(*table, *summary, options.segments);
  }
  return finish_listing(*summary);
}

}  // namespace chronicle::cli
