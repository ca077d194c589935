#pragma once
// The options `chronicle compress` and `chronicle lifecycle run` share, and
// the LifecycleConfig they make. Unset options take the table's settings
// from _table.json (policy, level, block size).

#include <cstdint>
#include <optional>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/lifecycle/lifecycle_config.hpp>
#include <chronicle/table/compression_policy.hpp>

namespace chronicle::cli {

struct LifecycleFlags {
  std::string dir;
  std::optional<CompressionPolicy> policy;  // --policy
  std::optional<std::int64_t> level;        // --level
  std::optional<std::uint64_t> block_size;  // --block-size
  std::optional<std::uint64_t> workers;     // --workers
  std::optional<std::uint64_t> rate;        // --rate, bytes per second
  bool dry_run = false;                     // --dry-run
  bool json = false;                        // --json
  // `lifecycle run` only.
  std::optional<std::uint64_t> max_age_days;                  // --max-age-days
  std::optional<std::uint64_t> max_partition_bytes;           // --max-partition-bytes
  std::optional<std::uint64_t> delete_partitions_after_days;  // --delete-partitions-after-days
};

// The config; InvalidArgument naming the option whose value is out of range.
Result<LifecycleConfig> lifecycle_config(const LifecycleFlags& flags);

}  // namespace chronicle::cli
