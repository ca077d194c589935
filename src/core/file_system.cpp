#include <chronicle/core/file_system.hpp>

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <chronicle/core/errors.hpp>

#include "retry_eintr.hpp"

namespace chronicle {

std::string_view fs_op_name(FsOp op) noexcept {
  switch (op) {
    case FsOp::Open: return "open";
    case FsOp::Fallocate: return "fallocate";
    case FsOp::Ftruncate: return "ftruncate";
    case FsOp::Mmap: return "mmap";
    case FsOp::Msync: return "msync";
    case FsOp::Fsync: return "fsync";
    case FsOp::SyncRange: return "sync_file_range";
    case FsOp::Rename: return "rename";
    case FsOp::Unlink: return "unlink";
    case FsOp::Mkdir: return "mkdir";
    case FsOp::DirSync: return "fsync(dir)";
    case FsOp::Pread: return "pread";
    case FsOp::Pwrite: return "pwrite";
    case FsOp::Lock: return "flock";
  }
  return "?";
}

FileSystem& FileSystem::system() noexcept {
  static FileSystem instance;
  return instance;
}

using detail::retry_eintr;

namespace {

// A descriptor 0-2 the process has closed is the next one open() hands out,
// to any thread: a data file opened there, even for the moment before it is
// moved up, takes what a stray write to stdout sends. So each one closed is
// first pointed at /dev/null (inherited like a standard descriptor, hence no
// O_CLOEXEC); open_in's move-up remains for one closed in between.
void occupy_closed_standard_descriptors() noexcept {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int null_fd = ::open("/dev/null", O_RDWR);  // takes the lowest closed one
    if (null_fd > 2) ::close(null_fd);
    if (null_fd < 0 || null_fd > 2) return;
  }
}

}  // namespace

Result<UniqueFd> FileSystem::open(const std::string& path, int flags, mode_t mode) {
  return open_in(AT_FDCWD, path, path.c_str(), flags, mode);
}

Result<UniqueFd> FileSystem::open_at(int dir_fd, const std::string& dir, const std::string& name,
                                     int flags, mode_t mode) {
  return open_in(dir_fd, dir + "/" + name, name.c_str(), flags, mode);
}

Result<UniqueFd> FileSystem::open_in(int dir_fd, const std::string& path, const char* name,
                                     int flags, mode_t mode) {
  if (int e = inject(FsOp::Open, path)) return io_error("open", path, e);
  occupy_closed_standard_descriptors();
  int fd = retry_eintr([&] { return ::openat(dir_fd, name, flags | O_CLOEXEC, mode); });
  if (fd < 0) return io_error("open", path, errno);
  UniqueFd owned(fd);
  // Descriptors 0-2 are never kept for data files: a stray write to stdout
  // must not land in a segment.
  while (owned.get() <= 2) {
    int moved = ::fcntl(owned.get(), F_DUPFD_CLOEXEC, 3);
    if (moved < 0) return io_error("fcntl(F_DUPFD)", path, errno);
    owned.reset(moved);
  }
  observe({.op = FsOp::Open, .path = path, .fd = owned.get(), .flags = flags});
  return owned;
}

Status FileSystem::allocate(int fd, const std::string& path, std::uint64_t len) {
  if (int e = inject(FsOp::Fallocate, path)) return io_error("fallocate", path, e);
  int r = retry_eintr([&] { return ::posix_fallocate(fd, 0, static_cast<off_t>(len)); });
  // posix_fallocate returns the error number instead of setting errno.
  if (r != 0) return io_error("fallocate", path, r);
  observe({.op = FsOp::Fallocate, .path = path, .fd = fd, .len = len});
  return {};
}

Status FileSystem::truncate(int fd, const std::string& path, std::uint64_t len) {
  if (int e = inject(FsOp::Ftruncate, path)) return io_error("ftruncate", path, e);
  if (retry_eintr([&] { return ::ftruncate(fd, static_cast<off_t>(len)); }) != 0)
    return io_error("ftruncate", path, errno);
  observe({.op = FsOp::Ftruncate, .path = path, .fd = fd, .len = len});
  return {};
}

Result<void*> FileSystem::map(int fd, const std::string& path, std::size_t len, bool writable) {
  if (int e = inject(FsOp::Mmap, path)) return io_error("mmap", path, e);
  int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
  void* addr = ::mmap(nullptr, len, prot, MAP_SHARED, fd, 0);
  if (addr == MAP_FAILED) return io_error("mmap", path, errno);
  observe({.op = FsOp::Mmap, .path = path, .fd = fd, .addr = addr, .len = len,
           .flags = writable ? 1 : 0});
  return addr;
}

Status FileSystem::msync(void* addr, std::size_t len, const std::string& path) {
  if (int e = inject(FsOp::Msync, path)) return io_error("msync", path, e);
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  auto start = reinterpret_cast<std::uintptr_t>(addr);
  auto aligned = start & ~(page - 1);
  if (::msync(reinterpret_cast<void*>(aligned), len + (start - aligned), MS_SYNC) != 0)
    return io_error("msync", path, errno);
  observe({.op = FsOp::Msync, .path = path, .addr = addr, .len = len});
  return {};
}

Status FileSystem::fsync(int fd, const std::string& path) {
  if (int e = inject(FsOp::Fsync, path)) return io_error("fsync", path, e);
  if (retry_eintr([&] { return ::fsync(fd); }) != 0) return io_error("fsync", path, errno);
  observe({.op = FsOp::Fsync, .path = path, .fd = fd});
  return {};
}

Status FileSystem::fdatasync(int fd, const std::string& path) {
  if (int e = inject(FsOp::Fsync, path)) return io_error("fdatasync", path, e);
  if (retry_eintr([&] { return ::fdatasync(fd); }) != 0)
    return io_error("fdatasync", path, errno);
  observe({.op = FsOp::Fsync, .path = path, .fd = fd, .flags = 1});
  return {};
}

Status FileSystem::start_writeback(int fd, const std::string& path, std::uint64_t offset,
                                   std::uint64_t len) {
  if (int e = inject(FsOp::SyncRange, path)) return io_error("sync_file_range", path, e);
  if (retry_eintr([&] {
        return ::sync_file_range(fd, static_cast<off_t>(offset), static_cast<off_t>(len),
                                 SYNC_FILE_RANGE_WRITE);
      }) != 0)
    return io_error("sync_file_range", path, errno);
  observe({.op = FsOp::SyncRange, .path = path, .fd = fd, .offset = offset, .len = len});
  return {};
}

Status FileSystem::rename_noreplace(const std::string& from, const std::string& to) {
  if (int e = inject(FsOp::Rename, to)) return io_error("rename " + from + " to", to, e);
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0)
    return io_error("rename " + from + " to", to, errno);
  observe({.op = FsOp::Rename, .path = to, .from = from});
  return {};
}

Status FileSystem::rename_replace(const std::string& from, const std::string& to) {
  if (int e = inject(FsOp::Rename, to)) return io_error("rename " + from + " to", to, e);
  if (::rename(from.c_str(), to.c_str()) != 0)
    return io_error("rename " + from + " to", to, errno);
  observe({.op = FsOp::Rename, .path = to, .from = from, .flags = 1});
  return {};
}

Status FileSystem::unlink(const std::string& path) {
  if (int e = inject(FsOp::Unlink, path)) return io_error("unlink", path, e);
  if (::unlink(path.c_str()) != 0) return io_error("unlink", path, errno);
  observe({.op = FsOp::Unlink, .path = path});
  return {};
}

Status FileSystem::unlink_at(int dir_fd, const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  if (int e = inject(FsOp::Unlink, path)) return io_error("unlink", path, e);
  if (::unlinkat(dir_fd, name.c_str(), 0) != 0) return io_error("unlink", path, errno);
  observe({.op = FsOp::Unlink, .path = path});
  return {};
}

Status FileSystem::remove_dir(const std::string& path) {
  if (int e = inject(FsOp::Unlink, path)) return io_error("rmdir", path, e);
  if (::rmdir(path.c_str()) != 0) return io_error("rmdir", path, errno);
  observe({.op = FsOp::Unlink, .path = path});
  return {};
}

Status FileSystem::mkdir(const std::string& path, mode_t mode) {
  if (int e = inject(FsOp::Mkdir, path)) return io_error("mkdir", path, e);
  if (::mkdir(path.c_str(), mode) != 0) {
    int err = errno;
    struct stat st {};
    if (err == EEXIST && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      observe({.op = FsOp::Mkdir, .path = path});
      return {};
    }
    return io_error("mkdir", path, err);
  }
  observe({.op = FsOp::Mkdir, .path = path, .flags = 1});
  return {};
}

Status FileSystem::sync_dir(const std::string& path) {
  if (int e = inject(FsOp::DirSync, path)) return io_error("fsync(dir)", path, e);
  int fd = retry_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
  if (fd < 0) return io_error("open(dir)", path, errno);
  UniqueFd owned(fd);
  if (retry_eintr([&] { return ::fsync(fd); }) != 0) return io_error("fsync(dir)", path, errno);
  observe({.op = FsOp::DirSync, .path = path});
  return {};
}

Status FileSystem::pread_exact(int fd, const std::string& path, void* buf, std::size_t len,
                               std::uint64_t offset) {
  if (int e = inject(FsOp::Pread, path)) return io_error("pread", path, e);
  auto* out = static_cast<char*>(buf);
  std::size_t done = 0;
  while (done < len) {
    ssize_t n = ::pread(fd, out + done, len - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("pread", path, errno);
    }
    if (n == 0) {
      return Error(Errc::Corruption,
                   fmt::format("{}: file ends at offset {}: expected {} more bytes",
                               escape_bytes(path), offset + done, len - done));
    }
    done += static_cast<std::size_t>(n);
  }
  observe({.op = FsOp::Pread, .path = path, .fd = fd, .offset = offset, .len = len});
  return {};
}

Status FileSystem::pwrite_all(int fd, const std::string& path, const void* buf, std::size_t len,
                              std::uint64_t offset) {
  if (int e = inject(FsOp::Pwrite, path)) return io_error("pwrite", path, e);
  const auto* in = static_cast<const char*>(buf);
  std::size_t done = 0;
  while (done < len) {
    ssize_t n = ::pwrite(fd, in + done, len - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("pwrite", path, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  observe({.op = FsOp::Pwrite, .path = path, .fd = fd, .offset = offset, .len = len});
  return {};
}

Status FileSystem::lock_exclusive(int fd, const std::string& path) {
  if (int e = inject(FsOp::Lock, path)) return io_error("flock", path, e);
  if (retry_eintr([&] { return ::flock(fd, LOCK_EX | LOCK_NB); }) != 0)
    return io_error("flock", path, errno);
  observe({.op = FsOp::Lock, .path = path, .fd = fd});
  return {};
}

}  // namespace chronicle
