#pragma once
// Records when segments were last read, so that IdleAfter{track_reads} can
// leave segments that are still being read hot.
//
// Readers report each segment they open (never each record): a Table given
// this tracker as its ReadObserver does it automatically when its config has
// track_access. Reports are kept in memory and merged into a small file per
// partition, `<partition>/.access`, by flush(), which a background thread
// calls every `flush_interval`. Any number of reader processes may track the
// same partitions: a flush merges under an exclusive flock
// (`<partition>/.access.lock`), keeping the latest read time and adding the
// counts, and replaces the file atomically.
//
// The data is advisory: it is not fsynced, a damaged file reads as "unknown"
// (reported by load(), rebuilt by the next flush), and a failing flush (for
// example a read-only partition) is counted and never affects a read.
//
// Thread safety: all members may be called from any thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include <chronicle/core/clock.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/table/read_observer.hpp>

namespace chronicle {

struct SegmentAccess {
  std::uint64_t last_read_ns = 0;
  std::uint64_t read_count = 0;
};

struct AccessTrackerOptions {
  // How often the background thread flushes, 0 to kMaxFlushInterval; zero:
  // no thread, call flush(). When the thread cannot be started (thread or
  // address-space limit), the tracker works as with zero.
  std::chrono::milliseconds flush_interval{1000};
  static constexpr std::chrono::milliseconds kMaxFlushInterval = std::chrono::hours(24);
  const Clock* clock = nullptr;  // null: the system clock
  FileSystem* fs = nullptr;      // the filesystem seam for flushes; null: the system
};

// InvalidArgument naming the value for a flush_interval outside
// 0..kMaxFlushInterval.
Status validate(const AccessTrackerOptions& options);

class AccessTracker final : public ReadObserver {
 public:
  // Shared: a Table holds it as its ReadObserver. Errors as validate().
  static Result<std::shared_ptr<AccessTracker>> create(AccessTrackerOptions options = {});
  // Stops the background thread and flushes what is pending.
  ~AccessTracker() override;
  AccessTracker(const AccessTracker&) = delete;
  AccessTracker& operator=(const AccessTracker&) = delete;

  // ReadObserver: remembers the read in memory (a map update under a lock).
  void segment_opened(const std::string& dir, std::uint64_t segment_id) noexcept override;

  // Merges every pending report into its partition's .access file. Returns
  // the first error (all partitions are attempted); errors are also counted.
  Status flush();
  std::uint64_t flush_errors() const;
  // False when flush_interval is zero or the thread could not be started:
  // reads are then persisted only by flush() and the destructor.
  bool flushes_in_background() const noexcept { return thread_.joinable(); }

  // The persisted access data of a partition. A missing file is empty; a
  // damaged one is Corruption naming the file (callers treat it as unknown).
  static Result<std::map<std::uint64_t, SegmentAccess>> load(const std::string& partition_dir);

 private:
  explicit AccessTracker(AccessTrackerOptions options);
  void run();

  const AccessTrackerOptions options_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  // partition dir -> segment id -> reads since the last flush
  std::map<std::string, std::map<std::uint64_t, SegmentAccess>> pending_;  // guarded by mu_
  std::uint64_t flush_errors_ = 0;                                         // guarded by mu_
  bool stop_ = false;                                                      // guarded by mu_
  std::mutex flush_mu_;  // one flush at a time
  std::thread thread_;
};

}  // namespace chronicle
