#pragma once
// Prepares segment files ahead of use, so that a roll costs a rename instead
// of allocating and faulting in a whole segment. Internal to the writer.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/core/mmap_file.hpp>
#include <chronicle/core/unique_fd.hpp>
#include <chronicle/segment/log_options.hpp>

namespace chronicle::detail {

// A segment file under its temporary name (NNNNNNNNN.q.prep): allocated,
// mapped writable, pre-faulted, with every identity field written except
// base_seq and the identity checksum, which the roll fills in.
struct PreparedSegment {
  std::uint64_t id = 0;
  std::string prep_path;
  UniqueFd fd;
  MmapFile map;
};

// Creates and prepares segment `id` in `dir`. A stale file of the same
// temporary name (from a crash) is replaced. On failure nothing is left.
Result<PreparedSegment> prepare_segment(FileSystem& fs, const std::string& dir, std::uint64_t id,
                                        const LogOptions& options, std::uint64_t created_ns);

// Names a prepared segment as the live segment `NNNNNNNNN.q` after filling in
// its base_seq: sets the identity checksum, then renames (never replacing an
// existing file).
Status publish_segment(FileSystem& fs, const std::string& dir, PreparedSegment& seg,
                       std::uint64_t base_seq);

class SegmentPreparer {
 public:
  // With `background`, a thread prepares requested segments and unmaps
  // retired ones; without, take() prepares inline and retire() unmaps inline.
  // A thread that cannot be started (std::system_error) means inline too.
  SegmentPreparer(FileSystem& fs, const Clock& clock, std::string dir, LogOptions options,
                  bool background);
  // Stops the thread and removes a prepared segment that was never taken.
  ~SegmentPreparer();
  SegmentPreparer(const SegmentPreparer&) = delete;
  SegmentPreparer& operator=(const SegmentPreparer&) = delete;

  // Starts preparing segment `id` (background mode only).
  void request(std::uint64_t id);
  // Segment `id`, prepared: waits for the background work, or prepares it
  // now if it was not requested or the background attempt failed.
  Result<PreparedSegment> take(std::uint64_t id);
  // Hands over a sealed segment's mapping and descriptor to be released off
  // the caller's thread (unmapping 64 MiB takes a while).
  void retire(MmapFile map, UniqueFd fd);
  // Hands over a sealed segment that no sync() has covered yet: fdatasync it
  // (on the background thread, or here without one), then close it. The
  // first failure is kept for take_sync_error().
  void sync_and_close(UniqueFd fd, std::string path);
  // Waits for the syncs handed over so far; returns the first failure of any
  // sync since the last call (and forgets it).
  Error take_sync_error();

 private:
  void run();
  void discard(PreparedSegment& seg) noexcept;

  FileSystem& fs_;
  const Clock& clock_;
  const std::string dir_;
  const LogOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::uint64_t> requested_;         // guarded by mu_
  bool busy_ = false;                              // guarded by mu_
  std::optional<Result<PreparedSegment>> ready_;   // guarded by mu_
  std::vector<MmapFile> retired_maps_;             // guarded by mu_
  std::vector<UniqueFd> retired_fds_;              // guarded by mu_
  std::vector<std::pair<UniqueFd, std::string>> to_sync_;  // guarded by mu_
  std::size_t syncing_ = 0;                        // guarded by mu_: taken, not done
  Error sync_error_;                               // guarded by mu_
  bool stop_ = false;                              // guarded by mu_
  std::thread thread_;
};

}  // namespace chronicle::detail
