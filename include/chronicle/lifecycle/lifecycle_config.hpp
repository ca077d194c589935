#pragma once
// Settings of a StorageLifecycleManager. Fields left unset take the table's
// own setting from _table.json.
//
// Thread safety: a value type; the clock and filesystem it points to must
// outlive the manager and be safe to call from its worker threads.

#include <chrono>
#include <cstdint>
#include <optional>

#include <chronicle/core/clock.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/table/compression_policy.hpp>

namespace chronicle {

// Deletion of old data, beyond compression. Only sealed segments are ever
// deleted, never a partition's live segment. A reader that has a deleted
// segment open keeps reading it (its mapping holds the data); new readers
// start after it.
struct RetentionRules {
  // Delete sealed segments whose newest record is at least this many days
  // old (by record timestamps, as AgeAfter).
  std::optional<std::uint32_t> max_age_days;
  // Per partition: delete the oldest sealed segments while the partition's
  // segment files take more than this many bytes.
  std::optional<std::uint64_t> max_partition_bytes;
  // Delete a whole partition directory once every segment in it is sealed,
  // no writer holds it, and its newest record is at least this many days old.
  std::optional<std::uint32_t> delete_partitions_after_days;
};

struct LifecycleConfig {
  std::optional<CompressionPolicy> policy;     // default: the table's compression_policy
  std::optional<int> compression_level;        // default: the table's
  std::optional<std::uint64_t> block_size;     // default: the table's compression_block_size
  unsigned parallel_workers = 1;               // segments compressed at once, 1..64
  // Cap on the bytes compressed per second, across all workers, so that
  // compression leaves disk bandwidth to a latency-sensitive writer. 0: none;
  // otherwise at least kMinBytesPerSecond (a smaller cap is refused as the
  // likely unit mistake it is).
  std::uint64_t max_bytes_per_second = 0;
  static constexpr std::uint64_t kMinBytesPerSecond = 4096;
  // Decide and report, change nothing.
  bool dry_run = false;
  RetentionRules retention;
  const Clock* clock = nullptr;                // null: the system clock
  FileSystem* fs = nullptr;                    // the filesystem seam; null: the system

  // InvalidArgument naming the field.
  Status validate() const;
};

}  // namespace chronicle
