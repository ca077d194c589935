#pragma once
// Deciding what a lifecycle run does to one partition: which segments to
// compress and which to delete, without changing anything yet.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/core/unique_fd.hpp>
#include <chronicle/lifecycle/lifecycle_config.hpp>
#include <chronicle/lifecycle/lifecycle_stats.hpp>
#include <chronicle/table/table.hpp>

#include "seal_cache.hpp"

namespace chronicle::detail {

// An exclusive flock on `<partition>/.lifecycle.lock`, held while a run works
// on the partition; released when the last job holding it ends.
struct PartitionLock {
  UniqueFd fd;
};
// The lock, or nullptr when another run holds it.
Result<std::shared_ptr<PartitionLock>> try_lock_partition(FileSystem& fs, const std::string& dir);

struct SegmentJob {
  enum class Kind { Compress, Delete };
  Kind kind;
  std::string dir;
  SegmentInfo segment;
  std::shared_ptr<PartitionLock> lock;
};

struct PlanInput {
  const Table& table;
  const CompressionPolicy& policy;
  const RetentionRules& retention;
  std::uint64_t now_ns;
  bool compress_all;  // compress_partition(): every sealed hot segment
  SealCache& seals;   // kept by the manager across runs
};

// Describes the partition's segments and decides. Counts what it sees in
// `stats`; returns the jobs. `delete_partition` is set when retention wants
// the whole partition gone.
Result<std::vector<SegmentJob>> plan_partition(const PlanInput& in, const PartitionInfo& partition,
                                               const std::shared_ptr<PartitionLock>& lock,
                                               LifecycleStats& stats, bool* delete_partition);

// Deletes a partition's files and directory (and empty parent directories up
// to the table root) if no writer holds it. False when a writer does. Only
// the names chronicle creates are removed (partition_files.hpp), a symlink
// among them as a link; directories and other names are left alone and
// listed, escaped, in `kept`, and the partition directory then stays.
Result<bool> delete_partition_dir(const Table& table, const PartitionInfo& partition,
                                  std::uint64_t* bytes, std::vector<std::string>* kept);

}  // namespace chronicle::detail
