#pragma once
// The one seam through which chronicle's cold paths touch the filesystem:
// creating, preallocating, mapping, syncing, renaming and removing files. The
// hot append and read paths (stores into and loads from a mapping) never pass
// through it.
//
// The default instance calls the system directly. Tests derive from FileSystem
// and override inject() to fail the n-th call of a kind with a chosen errno
// (see tests/support/fault_fs.hpp), or observe() to record what each call did
// (tests/powerloss/: the I/O ordering audit and the power-loss model). Every
// operation names its path in the error it returns. All descriptors are
// opened O_CLOEXEC.
//
// Thread safety: the default instance is stateless and may be shared by any
// number of threads; a derived instance must make inject() and observe()
// thread-safe.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <chronicle/core/error.hpp>
#include <chronicle/core/unique_fd.hpp>

namespace chronicle {

// The kinds of operation a test can fail.
enum class FsOp : std::uint8_t {
  Open,
  Fallocate,
  Ftruncate,
  Mmap,
  Msync,
  Fsync,
  SyncRange,
  Rename,
  Unlink,
  Mkdir,
  DirSync,
  Pread,
  Pwrite,
  Lock,
};
inline constexpr int kFsOpCount = static_cast<int>(FsOp::Lock) + 1;
std::string_view fs_op_name(FsOp op) noexcept;

// What a call that succeeded did, as FileSystem::observe() is told. The
// views are valid during the observe() call only.
struct FsCall {
  FsOp op = FsOp::Open;
  std::string_view path;        // the file or directory; Rename: the new name
  std::string_view from;        // Rename: the old name; otherwise empty
  int fd = -1;                  // the descriptor used (Open: the one opened), or -1
  const void* addr = nullptr;   // Mmap: the mapping; Msync: the start given
  std::uint64_t offset = 0;     // SyncRange, Pread, Pwrite
  std::uint64_t len = 0;        // Fallocate, Ftruncate: the file length; Mmap,
                                // Msync, SyncRange, Pread, Pwrite: the range length
  int flags = 0;                // Open: the open(2) flags; Mmap: 1 when writable;
                                // Fsync: 1 for fdatasync; Mkdir: 1 when it created
                                // the directory; Rename: 1 when it may replace
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The process-wide instance that calls the system directly.
  static FileSystem& system() noexcept;

  // open(2) with O_CLOEXEC added. Use O_NOFOLLOW in flags for names chronicle
  // creates, so that a planted symlink is an error instead of a redirection.
  // Reads of files found on disk also pass O_NONBLOCK: a FIFO planted under
  // such a name then fails to read instead of blocking open() forever (on a
  // regular file the flag changes nothing).
  // The descriptor returned is never 0-2: any of those the process has
  // closed is first reopened on /dev/null, so that no file (ours or another
  // thread's) takes the writes meant for stdin, stdout or stderr.
  Result<UniqueFd> open(const std::string& path, int flags, mode_t mode = 0644);
  // The same for `name` in the directory open as `dir_fd` (`dir` names it in
  // errors and in observe()): the name is looked up in that directory only,
  // without resolving the directory's path again.
  Result<UniqueFd> open_at(int dir_fd, const std::string& dir, const std::string& name, int flags,
                           mode_t mode = 0644);
  // posix_fallocate over [0, len): blocks are reserved now, so a full disk is
  // NoSpace here and never a SIGBUS on a later store into the mapping.
  Status allocate(int fd, const std::string& path, std::uint64_t len);
  Status truncate(int fd, const std::string& path, std::uint64_t len);
  // Maps [0, len) MAP_SHARED, read-only or read-write.
  Result<void*> map(int fd, const std::string& path, std::size_t len, bool writable);
  // msync(MS_SYNC) of a mapped range; addr is rounded down to its page.
  Status msync(void* addr, std::size_t len, const std::string& path);
  Status fsync(int fd, const std::string& path);
  Status fdatasync(int fd, const std::string& path);
  // Starts write-back of [offset, offset+len) without waiting for it.
  Status start_writeback(int fd, const std::string& path, std::uint64_t offset,
                         std::uint64_t len);
  // renameat2(RENAME_NOREPLACE): fails with EEXIST rather than replace `to`.
  Status rename_noreplace(const std::string& from, const std::string& to);
  // rename(2): atomically replaces `to`.
  Status rename_replace(const std::string& from, const std::string& to);
  Status unlink(const std::string& path);
  // unlinkat(2) of `name` in the directory open as `dir_fd` (`dir` names it
  // in errors and in observe()): the name is looked up in that directory
  // only, whatever has happened to the path since, and a symlink is
  // removed itself, never its target. Counts as FsOp::Unlink.
  Status unlink_at(int dir_fd, const std::string& dir, const std::string& name);
  // rmdir(2) of an empty directory. Counts as FsOp::Unlink (a name leaves
  // its parent); a directory that is not empty is an error.
  Status remove_dir(const std::string& path);
  // mkdir(2); an existing directory is not an error.
  Status mkdir(const std::string& path, mode_t mode = 0755);
  // Opens a directory and fsyncs it, making the names created or renamed in
  // it durable.
  Status sync_dir(const std::string& path);
  // Reads exactly len bytes at offset; a short file is Corruption.
  Status pread_exact(int fd, const std::string& path, void* buf, std::size_t len,
                     std::uint64_t offset);
  // Writes all len bytes at offset, retrying short writes and EINTR.
  Status pwrite_all(int fd, const std::string& path, const void* buf, std::size_t len,
                    std::uint64_t offset);
  // flock(LOCK_EX | LOCK_NB); EWOULDBLOCK becomes Locked.
  Status lock_exclusive(int fd, const std::string& path);

 protected:
  // Called before every operation; a non-zero return fails the operation with
  // that errno, as if the system had returned it.
  virtual int inject(FsOp op, std::string_view path) {
    (void)op;
    (void)path;
    return 0;
  }
  // Called after every operation that succeeded, on the thread that made it,
  // before the operation returns.
  virtual void observe(const FsCall& call) { (void)call; }

 private:
  // openat(dir_fd, name); `path` names the file in errors and observe().
  Result<UniqueFd> open_in(int dir_fd, const std::string& path, const char* name, int flags,
                           mode_t mode);
};

}  // namespace chronicle
