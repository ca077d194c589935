#pragma once
// A partition as listed by Table::partitions().
//
// Thread safety: a plain value.

#include <cstdint>
#include <string>

#include <chronicle/table/partition/partition_values.hpp>

namespace chronicle {

struct PartitionInfo {
  PartitionValues values;
  std::string path;  // relative to the table root, escaped: "venue=XNAS/date=2026-01-29"
  // The rest is filled when listing with stats (the default).
  std::uint64_t segment_count = 0;
  std::uint64_t hot_segments = 0;
  std::uint64_t cold_segments = 0;
  std::uint64_t bytes_on_disk = 0;   // segment and index files
  std::uint64_t record_count = 0;
  std::uint64_t min_timestamp_ns = 0;  // 0 when the partition holds no record
  std::uint64_t max_timestamp_ns = 0;
};

}  // namespace chronicle
