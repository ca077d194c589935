#pragma once
// Per-table settings, stored in _table.json and honoured by every writer and
// reader the table creates.
//
// Thread safety: a value type; const use from any number of threads is safe.

#include <sys/types.h>

#include <cstdint>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/table/compression_policy.hpp>

namespace chronicle {

// What a partition does with a record whose timestamp is below the previous
// record's.
enum class TimestampOrder : std::uint8_t {
  // Refused with InvalidArgument naming both timestamps.
  Strict,
  // Accepted; the segment is marked unordered in its index, and
  // seek_timestamp scans it instead of using the index ("the first record,
  // in sequence order, whose timestamp is >= the target").
  Permissive,
};

struct TableConfig {
  std::uint64_t segment_size = 64ull << 20;       // bytes per segment file
  std::uint32_t index_stride = 64;                // one index entry per this many records
  bool validate_partition_order = true;           // RollingWriter refuses to roll backwards
  TimestampOrder timestamp_order = TimestampOrder::Strict;
  CompressionPolicy compression_policy = CompressionPolicy::never();
  int compression_level = 3;                      // zstd level for cold segments
  std::uint64_t compression_block_size = 1ull << 20;  // bytes per seekable frame
  bool track_access = false;                      // readers report segment reads
  bool sync_on_seal = false;                      // fdatasync each segment when sealed
  mode_t file_mode = 0644;                        // before the umask
  mode_t dir_mode = 0755;

  // InvalidArgument naming the field, its value and the accepted range.
  Status validate() const;
};

std::string_view timestamp_order_name(TimestampOrder order) noexcept;

}  // namespace chronicle
