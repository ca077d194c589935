#pragma once
// Prepares segment files ahead of use, so that a roll neither allocates and
// faults in a whole segment nor waits for a rename: in background mode the
// prepared file is also named ahead, and the roll only writes its header.
// Internal to the writer.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
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

// A segment file allocated, mapped writable and pre-faulted, with every
// identity field written except base_seq and the identity checksum, which the
// roll fills in. Its name is the temporary NNNNNNNNN.q.prep, or, once named
// ahead, its final NNNNNNNNN.q with start_state kSegmentNamedAhead.
struct PreparedSegment {
  std::uint64_t id = 0;
  std::string path;  // its current name
  bool named_ahead = false;
  UniqueFd fd;
  MmapFile map;
};

// Whether `seg.path` still names `seg`'s file (same device and inode). A
// prepared segment is renamed and deleted by name; if its directory was
// replaced (RELIABILITY I5), that name may now be another writer's file.
bool still_named(const PreparedSegment& seg) noexcept;
// Releases `seg` and deletes its file, if its name is still its own.
void discard_segment(FileSystem& fs, PreparedSegment& seg) noexcept;

// Creates and prepares segment `id` in `dir`. A stale file of the same
// temporary name (from a crash) is replaced. On failure nothing is left.
// With `prefault` false the pages are left to fault later (or to the
// caller: SegmentPreparer faults them in after naming the file).
Result<PreparedSegment> prepare_segment(FileSystem& fs, const std::string& dir, std::uint64_t id,
                                        const LogOptions& options, std::uint64_t created_ns,
                                        bool prefault = true);

// Gives a prepared segment its final name `NNNNNNNNN.q` (never replacing an
// existing file) while its header still says "named ahead", so readers skip
// it until the roll starts it.
Status name_ahead(FileSystem& fs, const std::string& dir, PreparedSegment& seg);

// Makes a prepared segment the live one: fills in base_seq and the identity
// checksum (start_named_segment), then, unless it was named ahead, renames it
// to its final name (never replacing an existing file).
Status publish_segment(FileSystem& fs, const std::string& dir, PreparedSegment& seg,
                       std::uint64_t base_seq);

// Makes `spare`, a segment prepared for another log and never started,
// segment `id` of the log in `dir`: renames it there under the temporary
// name (replacing a stale file of that name), syncs both directories, and
// rewrites its id and creation time, ready for publish_segment(). Nullopt,
// `spare` untouched and still where it was, if its size is not
// `options.segment_size` or it cannot be renamed (across filesystems, say).
// An error if the directories cannot be synced; `spare` is then deleted.
Result<std::optional<PreparedSegment>> adopt_spare(FileSystem& fs, PreparedSegment& spare,
                                                   const std::string& dir, std::uint64_t id,
                                                   const LogOptions& options,
                                                   std::uint64_t created_ns);

class SegmentPreparer {
 public:
  // With `background`, a thread prepares and names ahead requested segments
  // and unmaps retired ones; without, take() prepares inline (the roll then
  // renames) and retire() unmaps inline. A thread that cannot be started
  // (std::system_error) means inline too.
  //
  // `dir_in_place` (may be empty) tells whether `dir` is still the writer's
  // directory (RELIABILITY I5); a segment prepared while it says no is
  // discarded and take() returns its error. Checking here, off the
  // appending thread, keeps a path lookup (30-50 us with the kernel's caches
  // cold) out of the roll.
  SegmentPreparer(FileSystem& fs, const Clock& clock, std::string dir, LogOptions options,
                  bool background, std::function<Status()> dir_in_place = {});
  // Stops the thread, cancelling a preparation or populate in progress, and
  // removes a prepared segment that was never taken (under either name).
  ~SegmentPreparer();
  SegmentPreparer(const SegmentPreparer&) = delete;
  SegmentPreparer& operator=(const SegmentPreparer&) = delete;

  // Starts preparing segment `id` (background mode only): creating and
  // naming it, then faulting it in. Asked for before a populate() still
  // waiting, it is created first; after one, created after it. It is
  // always faulted in after the live segment.
  void request(std::uint64_t id);
  // Faults in the pages of [data, data + len) of the live segment on the
  // background thread, so that opening a writer does not wait for it
  // (background mode only; a no-op inline).
  // REQUIRES: the mapping outlives this preparer or a later retire() of it.
  void populate(std::byte* data, std::size_t len);
  // Segment `id`, prepared: waits for the background work, or prepares it
  // now if it was not requested or the background attempt failed. A segment
  // still being faulted in is taken as it is (the wait ends within one
  // chunk): the writer's own stores fault in the rest, which costs the roll
  // nothing, where waiting for the whole segment could cost it tens of ms.
  Result<PreparedSegment> take(std::uint64_t id);
  // The segment prepared ahead, for a writer that is about to close: stops
  // its pre-faulting where it is (within one chunk) rather than waiting for
  // it, but lets a requested one be created. Nullopt if none was requested
  // or preparing it failed. The writer prepares another at its next roll.
  std::optional<PreparedSegment> take_spare();
  // Hands over a sealed segment's mapping and descriptor to be released off
  // the caller's thread (unmapping 64 MiB takes a while), and requests
  // segment `next_id` as request() does: one wake-up of the thread for both,
  // and no allocation, as this is on the roll's path.
  void retire_and_request(MmapFile map, UniqueFd fd, std::uint64_t next_id);
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
  // `prepared`, or dir_in_place_'s error (a prepared segment discarded).
  Result<PreparedSegment> in_place(Result<PreparedSegment> prepared);

  FileSystem& fs_;
  const Clock& clock_;
  const std::string dir_;
  const LogOptions options_;
  const std::function<Status()> dir_in_place_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::uint64_t> requested_;         // guarded by mu_
  std::optional<std::pair<std::byte*, std::size_t>> to_populate_;  // guarded by mu_
  bool busy_ = false;                              // guarded by mu_
  std::optional<Result<PreparedSegment>> ready_;   // guarded by mu_
  bool ready_unfaulted_ = false;  // guarded by mu_: ready_ holds a segment still to fault in
  bool create_first_ = false;     // guarded by mu_: requested_ came before to_populate_
  std::vector<MmapFile> retired_maps_;             // guarded by mu_
  std::vector<UniqueFd> retired_fds_;              // guarded by mu_
  // Swapped with the two above to release them unlocked; swapping (rather
  // than moving) keeps both pairs' capacity, so retiring never allocates.
  std::vector<MmapFile> releasing_maps_;           // the thread's own
  std::vector<UniqueFd> releasing_fds_;            // the thread's own
  std::vector<std::pair<UniqueFd, std::string>> to_sync_;  // guarded by mu_
  std::size_t syncing_ = 0;                        // guarded by mu_: taken, not done
  Error sync_error_;                               // guarded by mu_
  bool stop_ = false;                              // guarded by mu_
  // Set with stop_, or for a moment by take() and take_spare(): ends a
  // populate or prefault early.
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

}  // namespace chronicle::detail
