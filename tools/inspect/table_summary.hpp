#pragma once
// What `chronicle ls` and `chronicle stats` show of a table: per partition
// its segments (Table::segments) and their sums, and the sums over the
// table. One listing of segments per partition serves both the counts and
// the compression ratio, so they describe the same moment.
//
// The compression ratio of cold segments is the bytes they hold
// uncompressed (used_bytes: end_of_data) over the bytes of their .q.zst
// files; hot segments do not enter it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/table/table.hpp>

namespace chronicle::cli {

// Sums over some segments.
struct SegmentTotals {
  std::uint64_t segments = 0, hot = 0, cold = 0;
  std::uint64_t bytes_on_disk = 0;    // segment and index files
  std::uint64_t hot_bytes = 0;        // hot segment files (preallocated size)
  std::uint64_t cold_bytes = 0;       // cold segment files (compressed size)
  std::uint64_t index_bytes = 0;      // .idx files
  std::uint64_t cold_used_bytes = 0;  // what the cold segments hold uncompressed
  std::uint64_t records = 0;
  std::optional<std::uint64_t> min_timestamp_ns, max_timestamp_ns;

  void add(const SegmentTotals& other);
  // cold_used_bytes / cold_bytes; nullopt without cold segments.
  std::optional<double> compression_ratio() const;
};

struct PartitionSummary {
  PartitionValues values;
  std::string path;  // relative, escaped (printable ASCII)
  std::vector<SegmentInfo> segments;
  SegmentTotals totals;
  // Why the segments could not be described (then `segments` is empty).
  Error error;
};

struct TableSummary {
  std::vector<PartitionSummary> partitions;
  SegmentTotals totals;
  std::uint64_t damaged_partitions = 0;  // with an error
  // Directory entries that are not partitions of the scheme, escaped.
  std::vector<std::string> skipped;
};

// Describes the partitions of `table` that `filter` selects. Fails only when
// the table cannot be listed; a partition whose segments cannot be described
// is returned with its error.
Result<TableSummary> summarize_table(const Table& table, const PartitionFilter& filter);

// "7.23x", or "-" for none.
std::string format_ratio(const std::optional<double>& ratio);

// After `ls` or `stats` printed `summary`: flushes stdout, prints each
// partition's error once on stderr, and returns the exit status (1 if
// stdout failed or any partition could not be described).
int finish_listing(const TableSummary& summary);

}  // namespace chronicle::cli
