#pragma once
// The single-writer lock of a log directory: an exclusive flock(2) on
// `<dir>/.lock`. flock locks belong to the open file description, so a second
// writer in the same process conflicts too (unlike POSIX fcntl locks), and the
// kernel drops the lock when its holder dies, so a SIGKILLed writer never
// leaves a stale lock. The holder's pid is written into the file for error
// messages only; it is never the lock itself.
//
// Thread safety: a DirLock object is owned by one thread at a time; the lock
// itself excludes other threads, descriptors and processes (flock).

#include <sys/types.h>

#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/core/unique_fd.hpp>

namespace chronicle {

class DirLock {
 public:
  DirLock() noexcept = default;

  // Takes the lock on `dir` (which must exist). On conflict returns Locked
  // naming the holder's pid.
  static Result<DirLock> acquire(FileSystem& fs, const std::string& dir, mode_t mode = 0644);

  // OK while `<dir>/.lock` is still the file this lock holds. An Io error
  // naming `dir` once the directory was removed, renamed or replaced, or its
  // lock file removed: the holder would then be writing into files no one
  // else can find, and another writer could take a new lock on the path.
  // REQUIRES: held().
  Status check_in_place(const std::string& dir) const;

  // Drops the lock (also done by the destructor).
  void release() noexcept { fd_.reset(); }
  bool held() const noexcept { return static_cast<bool>(fd_); }

 private:
  explicit DirLock(UniqueFd fd) noexcept : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace chronicle
