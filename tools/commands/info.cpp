#include "commands/info.hpp"

#include <cstdio>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chronicle/core/errors.hpp>
#include <chronicle/segment/segment_store.hpp>

#include "format/safe_text.hpp"
#include "format/time_format.hpp"
#include "inspect/segment_summary.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string or_dash(const std::optional<std::uint64_t>& v) { return v ? std::to_string(*v) : "-"; }

bool has_records(const SegmentSummary& s) { return s.record_count && *s.record_count > 0; }

std::string seq_range(const SegmentSummary& s) {
  if (!has_records(s)) return "-";
  return fmt::format("{}..{}", s.base_seq, s.base_seq + *s.record_count - 1);
}

std::string time_range(std::uint64_t min_ns, std::uint64_t max_ns) {
  return format_iso8601_ns(min_ns) + ".." + format_iso8601_ns(max_ns);
}

void print_table(const std::string& dir, const std::vector<SegmentSummary>& segments) {
  constexpr auto kRow = "{:<12} {:<4} {:>10} {:>10} {:<7} {:>9} {:<23} {}\n";
  fmt::print("log: {}\n", escape_bytes(dir));
  fmt::print(kRow, "SEGMENT", "TIER", "FILE_SIZE", "USED", "STATE", "RECORDS", "SEQ", "TIME");
  for (const SegmentSummary& s : segments) {
    fmt::print(kRow, fmt::format("{:09}", s.id), tier_name(s.tier), s.file_size,
               or_dash(s.used_bytes), state_name(s.state), or_dash(s.record_count), seq_range(s),
               has_records(s) ? time_range(s.min_timestamp_ns, s.max_timestamp_ns) : "-");
  }
  const LogTotals t = total_of(segments);
  std::string line = fmt::format(
      "total: {} segments ({} hot, {} cold; {} sealed, {} live, {} damaged), {} bytes on disk, "
      "{} bytes used, {} records",
      t.segments, t.hot, t.cold, t.sealed, t.live, t.damaged, t.file_size, t.used_bytes, t.records);
  if (t.first_seq) line += fmt::format(", seq {}..{}", *t.first_seq, *t.last_seq);
  if (t.min_timestamp_ns) line += ", time " + time_range(*t.min_timestamp_ns, *t.max_timestamp_ns);
  fmt::print("{}\n", line);
}

Json optional_json(const std::optional<std::uint64_t>& v) { return v ? Json(*v) : Json(nullptr); }

Json segment_json(const SegmentSummary& s) {
  Json j;
  j["id"] = s.id;
  j["file"] = escape_bytes(s.path.substr(s.path.rfind('/') + 1));
  j["tier"] = tier_name(s.tier);
  j["state"] = state_name(s.state);
  j["file_size"] = s.file_size;
  j["used_bytes"] = optional_json(s.used_bytes);
  j["record_count"] = optional_json(s.record_count);
  const bool any = has_records(s);
  j["first_seq"] = any ? Json(s.base_seq) : Json(nullptr);
  j["last_seq"] = any ? Json(s.base_seq + *s.record_count - 1) : Json(nullptr);
  j["min_timestamp_ns"] = any ? Json(s.min_timestamp_ns) : Json(nullptr);
  j["max_timestamp_ns"] = any ? Json(s.max_timestamp_ns) : Json(nullptr);
  j["min_time"] = any ? Json(format_iso8601_ns(s.min_timestamp_ns)) : Json(nullptr);
  j["max_time"] = any ? Json(format_iso8601_ns(s.max_timestamp_ns)) : Json(nullptr);
  if (s.error) j["error"] = sanitize_line(s.error.message());
  return j;
}

Json totals_json(const LogTotals& t) {
  Json j;
  j["segments"] = t.segments;
  j["hot"] = t.hot;
  j["cold"] = t.cold;
  j["sealed"] = t.sealed;
  j["live"] = t.live;
  j["damaged"] = t.damaged;
  j["file_size"] = t.file_size;
  j["used_bytes"] = t.used_bytes;
  j["record_count"] = t.records;
  j["first_seq"] = optional_json(t.first_seq);
  j["last_seq"] = optional_json(t.last_seq);
  j["min_timestamp_ns"] = optional_json(t.min_timestamp_ns);
  j["max_timestamp_ns"] = optional_json(t.max_timestamp_ns);
  j["min_time"] = t.min_timestamp_ns ? Json(format_iso8601_ns(*t.min_timestamp_ns)) : Json(nullptr);
  j["max_time"] = t.max_timestamp_ns ? Json(format_iso8601_ns(*t.max_timestamp_ns)) : Json(nullptr);
  return j;
}

void print_json(const std::string& dir, const std::vector<SegmentSummary>& segments) {
  Json j;
  j["dir"] = escape_bytes(dir);
  j["segments"] = Json::array();
  for (const SegmentSummary& s : segments) j["segments"].push_back(segment_json(s));
  j["total"] = totals_json(total_of(segments));
  // Every string above is printable ASCII, so dump() cannot meet bad UTF-8.
  fmt::print("{}\n", j.dump());
}

}  // namespace

int run_info(const InfoOptions& options) {
  auto entries = list_segments(options.dir);
  if (!entries) {
    print_error(entries.error());
    return kExitDataError;
  }
  std::vector<SegmentSummary> segments;
  segments.reserve(entries->size());
  for (const SegmentEntry& e : *entries) segments.push_back(summarize_segment(options.dir, e));

  if (options.json) {
    print_json(options.dir, segments);
  } else {
    print_table(options.dir, segments);
  }
  int status = finish_stdout() ? kExitOk : kExitDataError;
  for (const SegmentSummary& s : segments) {
    if (s.error) {
      print_error(s.error);
      status = kExitDataError;
    }
  }
  return status;
}

}  // namespace chronicle::cli
