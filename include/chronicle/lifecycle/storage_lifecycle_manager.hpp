#pragma once
// Applies a table's compression policy and retention rules: compresses
// eligible sealed segments (through compress_segment, which verifies every
// byte before the hot file goes), deletes what retention selects, cleans up
// what crashed runs left behind, and reports it all in LifecycleStats.
//
// Safe to run while writers append and readers read, in this process or
// others: only sealed segments are touched, never a partition's newest
// segment by retention, and each partition is worked on by one lifecycle run
// at a time (an flock on `<partition>/.lifecycle.lock`; a run that finds it
// held skips the partition and counts it as "busy"). Running run_once twice
// compresses nothing the second time.
//
// Thread safety: one thread calls a manager's methods at a time; the
// background mode runs run_once on its own thread until stop_background().

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/lifecycle/lifecycle_config.hpp>
#include <chronicle/lifecycle/lifecycle_stats.hpp>
#include <chronicle/table/table.hpp>

namespace chronicle {

class StorageLifecycleManager {
 public:
  // Opens the table at `table_root` and validates the config.
  static Result<StorageLifecycleManager> open(std::string table_root, LifecycleConfig config = {});
  StorageLifecycleManager(StorageLifecycleManager&&) noexcept;
  StorageLifecycleManager& operator=(StorageLifecycleManager&&) noexcept;
  // Stops the background mode, if running.
  ~StorageLifecycleManager();

  // One pass over every partition. Errors of single segments or partitions
  // are in the stats; the result is an error only if the table cannot be
  // listed at all. Only what Table::partitions() lists is visited (never an
  // entry reached through a symlink); inside a partition, a symlink,
  // directory or FIFO under a segment's name is reported in the stats' errors
  // and never opened, compressed or deleted, and deleting a whole partition
  // removes only the names chronicle creates (a symlink among them as a
  // link): anything else, and then the directory, stays and is reported.
  Result<LifecycleStats> run_once();
  // Compresses every sealed hot segment of one partition (relative path as
  // listed), whatever the policy, except the live one. A symlink or file in
  // place of a directory of the path is refused (Table::existing_partition_dir).
  Result<LifecycleStats> compress_partition(const std::string& relative_path);
  // Restores one cold segment of a partition as a hot one.
  Result<LifecycleStats> decompress_segment(const std::string& relative_path, std::uint64_t id);

  // Runs run_once every `interval` on a background thread until
  // stop_background(); `on_run` (if set) gets each run's result. Io when
  // the thread cannot be started. (run_once's workers degrade instead: the
  // threads that could be started, or the calling thread, do every job.)
  using RunCallback = std::function<void(const Result<LifecycleStats>&)>;
  Status start_background(std::chrono::milliseconds interval, RunCallback on_run = {});
  // Stops the background mode and returns once its thread has ended. A run
  // in progress is cut short: it plans no further partition and starts no
  // further job, and each compression in progress stops after the frame it
  // is writing (within RateLimiter::kCancelCheck when the byte-rate cap is
  // holding it back); its temporary file is removed and the segment stays
  // hot. The run reports these as skipped "stopped".
  void stop_background();

  const Table& table() const noexcept;
  // The policy in force: the config's, else the table's.
  const CompressionPolicy& policy() const noexcept;

 private:
  struct Impl;
  explicit StorageLifecycleManager(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chronicle
