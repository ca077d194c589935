#pragma once
// What a sync() still owes for a log whose writer has been closed: segment
// files to fdatasync and directories to fsync. SegmentWriter::close(PendingSync&)
// hands it over, so that a caller that moves on to another log (the table's
// RollingWriter) makes the closed log's records durable in its own next
// sync(), as that log's sync() would have.
//
// Thread safety: one thread at a time.

#include <cstdint>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/core/unique_fd.hpp>

namespace chronicle {

class PendingSync {
 public:
  PendingSync() = default;
  PendingSync(PendingSync&&) noexcept = default;
  PendingSync& operator=(PendingSync&&) noexcept = default;

  bool empty() const noexcept { return files_.empty() && dirs_.empty() && !error_; }

  // A file to fdatasync. Without a descriptor (`fd` invalid) it is opened by
  // `path` when run; if it is gone by then it was compressed or deleted,
  // whose own steps synced or removed it, and it is skipped. A non-zero
  // `synced_watermark` is then written to the segment header's synced
  // offset and synced too, after the data (as SegmentWriter::sync() stamps
  // its live segment), so recovery knows the log was synced up to there.
  // Beyond kMaxDescriptors held files a file is synced right here instead
  // of held, so a caller that never syncs does not collect descriptors
  // without bound; a failure is kept for run().
  void add_file(FileSystem& fs, UniqueFd fd, std::string path, std::uint64_t synced_watermark = 0);
  // A directory whose new or removed names must be made durable.
  void add_dir(FileSystem& fs, std::string path);
  // A failure the closed writer's own syncs had met: run() reports it.
  void add_error(Error error);

  // Starts write-back of the files it holds a descriptor for (as
  // SegmentWriter::flush() does for its own), without waiting and without
  // forgetting them: run() still syncs them. Returns the first failure; the
  // other files are still started. Closed in a forked child, as run().
  Status start_writeback();
  // fdatasyncs the files, then fsyncs the directories, and forgets them all.
  // Returns the first failure (a recorded one first); the work after a
  // failure is still done, so that one bad file does not leave the others
  // unsynced. In a forked child it does nothing and returns Closed: a sync
  // there would consume the parent's pending write-back errors.
  Status run();

  static constexpr std::size_t kMaxDescriptors = 64;

 private:
  struct File {
    FileSystem* fs;
    UniqueFd fd;
    std::string path;
    std::uint64_t synced_watermark;
  };
  static Status sync_file(File& f);
  // Closed when work was added in another process (before a fork).
  Status check_same_process(const char* call) const;
  struct Dir {
    FileSystem* fs;
    std::string path;
  };
  std::vector<File> files_;
  std::vector<Dir> dirs_;
  std::size_t descriptors_ = 0;
  Error error_;
  std::uint64_t fork_gen_ = 0;  // of the process that added the work
};

}  // namespace chronicle
