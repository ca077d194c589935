#include "commands/stats.hpp"

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

bool date_like(KeyType type) {
  return type == KeyType::Date || type == KeyType::Hour || type == KeyType::Minute;
}

std::string mode_text(mode_t mode) { return fmt::format("{:04o}", static_cast<unsigned>(mode)); }

// The policy as _table.json stores it; a table's policy is never Custom.
Json policy_json(const CompressionPolicy& policy) {
  auto text = policy.to_json();
  if (!text) return Json(nullptr);
  return Json::parse(*text, nullptr, false);
}

void print_text(const Table& table, const TableSummary& summary) {
  constexpr auto kField = "  {:<26} {}\n";
  fmt::print("table: {}\n", escape_bytes(table.root()));
  fmt::print("created: {}\n", format_iso8601_ns(table.created_ns()));
  fmt::print("scheme:\n");
  for (const PartitionKey& k : table.scheme().keys()) {
    std::string type(key_type_name(k.type));
    if (date_like(k.type))
      type += " utc_offset " + PartitionScheme::format_utc_offset(k.utc_offset_minutes);
    fmt::print(kField, escape_bytes(k.name), type);
  }
  const TableConfig& c = table.config();
  fmt::print("config:\n");
  fmt::print(kField, "segment_size", c.segment_size);
  fmt::print(kField, "index_stride", c.index_stride);
  fmt::print(kField, "validate_partition_order", c.validate_partition_order);
  fmt::print(kField, "timestamp_order", timestamp_order_name(c.timestamp_order));
  fmt::print(kField, "compression_policy", c.compression_policy.to_string());
  fmt::print(kField, "compression_level", c.compression_level);
  fmt::print(kField, "compression_block_size", c.compression_block_size);
  fmt::print(kField, "track_access", c.track_access);
  fmt::print(kField, "sync_on_seal", c.sync_on_seal);
  fmt::print(kField, "file_mode", mode_text(c.file_mode));
  fmt::print(kField, "dir_mode", mode_text(c.dir_mode));
  const SegmentTotals& t = summary.totals;
  fmt::print("totals:\n");
  fmt::print(kField, "partitions", summary.partitions.size());
  if (summary.damaged_partitions) {
    fmt::print(kField, "unreadable_partitions", summary.damaged_partitions);
  }
  fmt::print(kField, "segments", fmt::format("{} ({} hot, {} cold)", t.segments, t.hot, t.cold));
  fmt::print(kField, "bytes_on_disk",
             fmt::format("{} (hot segments {}, cold segments {}, indexes {})", t.bytes_on_disk,
                         t.hot_bytes, t.cold_bytes, t.index_bytes));
  fmt::print(kField, "records", t.records);
  if (const auto ratio = t.compression_ratio()) {
    fmt::print(kField, "compression_ratio",
               fmt::format("{} ({} bytes in {} on disk)", format_ratio(ratio), t.cold_used_bytes,
                           t.cold_bytes));
  } else {
    fmt::print(kField, "compression_ratio", "- (no cold segment)");
  }
  fmt::print(kField, "time",
             t.min_timestamp_ns ? format_iso8601_ns(*t.min_timestamp_ns) + ".." +
                                      format_iso8601_ns(*t.max_timestamp_ns)
                                : "-");
  for (const std::string& s : summary.skipped)
    fmt::print("not a partition: {}\n", sanitize_line(s));
}

void print_json(const Table& table, const TableSummary& summary) {
  Json j;
  j["table"] = escape_bytes(table.root());
  j["created_ns"] = table.created_ns();
  j["created"] = format_iso8601_ns(table.created_ns());
  Json keys = Json::array();
  for (const PartitionKey& k : table.scheme().keys()) {
    Json key;
    key["name"] = escape_bytes(k.name);
    key["type"] = key_type_name(k.type);
    if (date_like(k.type))
      key["utc_offset"] = PartitionScheme::format_utc_offset(k.utc_offset_minutes);
    keys.push_back(std::move(key));
  }
  j["scheme"]["keys"] = std::move(keys);
  const TableConfig& c = table.config();
  Json config;
  config["segment_size"] = c.segment_size;
  config["index_stride"] = c.index_stride;
  config["validate_partition_order"] = c.validate_partition_order;
  config["timestamp_order"] = timestamp_order_name(c.timestamp_order);
  config["compression_policy"] = policy_json(c.compression_policy);
  config["compression_level"] = c.compression_level;
  config["compression_block_size"] = c.compression_block_size;
  config["track_access"] = c.track_access;
  config["sync_on_seal"] = c.sync_on_seal;
  config["file_mode"] = mode_text(c.file_mode);
  config["dir_mode"] = mode_text(c.dir_mode);
  j["config"] = std::move(config);
  Json totals;
  totals["partitions"] = summary.partitions.size();
  totals["unreadable_partitions"] = summary.damaged_partitions;
  add_totals_json(totals, summary.totals);
  j["totals"] = std::move(totals);
  j["skipped"] = Json::array();
  for (const std::string& s : summary.skipped) j["skipped"].push_back(sanitize_line(s));
  fmt::print("{}\n", j.dump());
}

}  // namespace

int run_stats(const StatsOptions& options) {
  auto table = Table::open(options.dir);
  if (!table) {
    print_error(table.error());
    return kExitDataError;
  }
  auto summary = summarize_table(*table, PartitionFilter::all());
  if (!summary) {
    print_error(summary.error());
    return kExitDataError;
  }
  if (options.json) {
    print_json(*table, *summary);
  } else {
    print_text(*table, *summary);
  }
  return finish_listing(*summary);
}

}  // namespace chronicle::cli
