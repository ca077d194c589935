#pragma once
// What a sync() still owes for a log whose writer has been closed: segment
// files to fdatasync and directories to fsync. SegmentWriter::close(PendingSync&)
// hands it over, so that a caller that moves on to another log (the table's
// RollingWriter) makes the closed log's records durable in its own next
// sync(), as that log's sync() would have.
//
// Thread safety: one thread at a time.

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
  // whose own steps synced or removed it, and it is skipped. Beyond
  // kMaxDescriptors held files later ones keep only their path, so a caller
  // that never syncs does not collect descriptors without bound.
  void add_file(FileSystem& fs, UniqueFd fd, std::string path);
  // A directory whose new or removed names must be made durable.
  void add_dir(FileSystem& fs, std::string path);
  // A failure the closed writer's own syncs had met: run() reports it.
  void add_error(Error error);
  // Takes over everything `other` owes.
  void append(PendingSync&& other);

  // fdatasyncs the files, then fsyncs the directories, and forgets them all.
  // Returns the first failure (a recorded one first); the work after a
  // failure is still done, so that one bad file does not leave the others
  // unsynced.
  Status run();

  static constexpr std::size_t kMaxDescriptors = 64;

 private:
  struct File {
    FileSystem* fs;
    UniqueFd fd;
    std::string path;
  };
  struct Dir {
    FileSystem* fs;
    std::string path;
  };
  std::vector<File> files_;
  std::vector<Dir> dirs_;
  std::size_t descriptors_ = 0;
  Error error_;
};

}  // namespace chronicle
