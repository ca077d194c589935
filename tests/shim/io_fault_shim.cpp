// An LD_PRELOAD shim for tests only (RELIABILITY HX4(b)), with two modes
// that may be combined.
//
// Faults (C2): makes the system calls chronicle uses for file output return
// short counts and EINTR at random, as a signal handler or a network
// filesystem may, on files under one directory.
//   CHRONICLE_SHIM_DIR     only files whose path starts with this are touched;
//                          unset: the shim injects nothing
//   CHRONICLE_SHIM_SEED    seed of the (deterministic) choice of faults
//   CHRONICLE_SHIM_REPORT  at exit, "<short> <eintr>" counts are written here
// pwrite/write/pread: a third of calls fail with EINTR before touching the
// file, a third transfer between 1 and n-1 bytes, the rest pass through.
// open, openat, ftruncate, fsync, fdatasync and flock: a third fail with EINTR
// first.
// Nothing else is changed, so the run must end exactly as without the shim.
//
// Log (B3): CHRONICLE_IO_LOG and CHRONICLE_IO_LOG_DIR; every open, write,
// fsync, msync, ftruncate, fallocate, mmap, rename, unlink, mkdir and close
// of a file under the directory is logged (io_log.hpp).
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "shim/io_log.hpp"

namespace {

const char* g_dir = std::getenv("CHRONICLE_SHIM_DIR");
const std::uint64_t g_seed = [] {
  const char* s = std::getenv("CHRONICLE_SHIM_SEED");
  return s ? std::strtoull(s, nullptr, 10) : 0;
}();
std::atomic<std::uint64_t> g_calls{0};
std::atomic<unsigned long> g_short{0};
std::atomic<unsigned long> g_eintr{0};

std::uint64_t next_random() {
  std::uint64_t x = g_seed * 0x9e3779b97f4a7c15ull + g_calls.fetch_add(1);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

bool under_dir(const char* path) {
  return g_dir != nullptr && *g_dir != '\0' && path != nullptr &&
         std::strncmp(path, g_dir, std::strlen(g_dir)) == 0;
}

bool targeted(int fd) {
  if (g_dir == nullptr || fd < 0) return false;
  char link[64];
  char path[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = ::readlink(link, path, sizeof path - 1);
  if (n <= 0) return false;
  path[n] = '\0';
  return under_dir(path);
}

template <class F>
F real(const char* name) {
  return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

// EINTR for a third of calls: true if the caller must fail with it.
bool interrupt() {
  if (next_random() % 3 != 0) return false;
  g_eintr.fetch_add(1);
  errno = EINTR;
  return true;
}

// For a transfer of n bytes: -1 to fail with EINTR, else the count to pass on.
ssize_t transfer_size(size_t n) {
  const std::uint64_t r = next_random();
  if (n == 0 || r % 3 == 2) return static_cast<ssize_t>(n);
  if (r % 3 == 0) {
    g_eintr.fetch_add(1);
    errno = EINTR;
    return -1;
  }
  if (n == 1) return 1;
  g_short.fetch_add(1);
  return static_cast<ssize_t>(1 + (r >> 8) % (n - 1));
}

struct Report {
  ~Report() {
    const char* path = std::getenv("CHRONICLE_SHIM_REPORT");
    if (path == nullptr) return;
    if (std::FILE* f = std::fopen(path, "w")) {
      std::fprintf(f, "%lu %lu\n", g_short.load(), g_eintr.load());
      std::fclose(f);
    }
  }
} g_report;

using chronicle::shim::FdInfo;
using chronicle::shim::from_libstdcxx;
using chronicle::shim::io_log;
using chronicle::shim::IoLog;
using chronicle::shim::log_event;
using chronicle::shim::log_fd;
using chronicle::shim::log_fd_info;
using chronicle::shim::log_name;
using chronicle::shim::log_opened;
using chronicle::shim::log_rename;
using chronicle::shim::LogLine;

void on_fork_child() { log_event("fork", static_cast<std::uint64_t>(::getppid())); }

__attribute__((constructor)) void on_load() {
  if (!io_log().on()) return;
  log_event("start", static_cast<std::uint64_t>(::getppid()));
  ::pthread_atfork(nullptr, nullptr, on_fork_child);
}

__attribute__((destructor)) void on_unload() { log_event("exit", 0); }

mode_t mode_arg(int flags, va_list args) {
  return (flags & (O_CREAT | O_TMPFILE)) ? static_cast<mode_t>(va_arg(args, int)) : 0;
}

}  // namespace

extern "C" {

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  static auto next = real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  ssize_t r;
  if (!targeted(fd)) {
    r = next(fd, buf, n, off);
  } else {
    const ssize_t len = transfer_size(n);
    r = len < 0 ? -1 : next(fd, buf, static_cast<size_t>(len), off);
  }
  if (r > 0)
    log_fd("pwrite", fd, 2, static_cast<std::uint64_t>(off), static_cast<std::uint64_t>(r));
  return r;
}

ssize_t write(int fd, const void* buf, size_t n) {
  static auto next = real<ssize_t (*)(int, const void*, size_t)>("write");
  ssize_t r;
  if (!targeted(fd)) {
    r = next(fd, buf, n);
  } else {
    const ssize_t len = transfer_size(n);
    r = len < 0 ? -1 : next(fd, buf, static_cast<size_t>(len));
  }
  // Standard streams are never under the tree; skip the readlink for them.
  if (r > 0 && fd > 2) log_fd("write", fd, 2, 0, static_cast<std::uint64_t>(r));
  return r;
}

ssize_t pread(int fd, void* buf, size_t n, off_t off) {
  static auto next = real<ssize_t (*)(int, void*, size_t, off_t)>("pread");
  if (!targeted(fd)) return next(fd, buf, n, off);
  const ssize_t len = transfer_size(n);
  return len < 0 ? -1 : next(fd, buf, static_cast<size_t>(len), off);
}

int open(const char* path, int flags, ...) {
  static auto next = real<int (*)(const char*, int, ...)>("open");
  va_list args;
  va_start(args, flags);
  const mode_t mode = mode_arg(flags, args);
  va_end(args);
  if (under_dir(path) && interrupt()) return -1;
  const int fd = next(path, flags, mode);
  log_opened(fd, flags);
  return fd;
}

int openat(int dir_fd, const char* path, int flags, ...) {
  static auto next = real<int (*)(int, const char*, int, ...)>("openat");
  va_list args;
  va_start(args, flags);
  const mode_t mode = mode_arg(flags, args);
  va_end(args);
  // chronicle also opens names relative to a directory it holds open.
  const bool relative = dir_fd != AT_FDCWD && path[0] != '/';
  if ((relative ? targeted(dir_fd) : under_dir(path)) && interrupt()) return -1;
  const int fd = next(dir_fd, path, flags, mode);
  log_opened(fd, flags);
  return fd;
}

// The fortified forms (_FORTIFY_SOURCE) take no mode.
int __open_2(const char* path, int flags) { return open(path, flags); }
int __openat_2(int dir_fd, const char* path, int flags) { return openat(dir_fd, path, flags); }

// glibc exports the 64-bit offset names as aliases too; so does the shim.
int open64(const char* path, int flags, ...) __attribute__((alias("open")));
int openat64(int dir_fd, const char* path, int flags, ...) __attribute__((alias("openat")));
int __open64_2(const char* path, int flags) __attribute__((alias("__open_2")));
int __openat64_2(int dir_fd, const char* path, int flags) __attribute__((alias("__openat_2")));
ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) __attribute__((alias("pwrite")));
ssize_t pread64(int fd, void* buf, size_t n, off_t off) __attribute__((alias("pread")));

int ftruncate(int fd, off_t len) {
  static auto next = real<int (*)(int, off_t)>("ftruncate");
  if (targeted(fd) && interrupt()) return -1;
  FdInfo before;
  io_log().describe(fd, before);
  const int r = next(fd, len);
  if (r == 0) {
    log_fd_info("ftruncate", before, 2, static_cast<std::uint64_t>(len),
                static_cast<std::uint64_t>(before.size));
  }
  return r;
}
int ftruncate64(int fd, off_t len) __attribute__((alias("ftruncate")));

int fsync(int fd) {
  static auto next = real<int (*)(int)>("fsync");
  if (targeted(fd) && interrupt()) return -1;
  const int r = next(fd);
  if (r == 0) log_fd("fsync", fd);
  return r;
}

int fdatasync(int fd) {
  static auto next = real<int (*)(int)>("fdatasync");
  if (targeted(fd) && interrupt()) return -1;
  const int r = next(fd);
  if (r == 0) log_fd("fdatasync", fd);
  return r;
}

int sync_file_range(int fd, off_t off, off_t n, unsigned int flags) {
  static auto next = real<int (*)(int, off_t, off_t, unsigned int)>("sync_file_range");
  const int r = next(fd, off, n, flags);
  if (r == 0) {
    log_fd("sync_file_range", fd, 2, static_cast<std::uint64_t>(off),
           static_cast<std::uint64_t>(n));
  }
  return r;
}

int fallocate(int fd, int mode, off_t off, off_t n) {
  static auto next = real<int (*)(int, int, off_t, off_t)>("fallocate");
  const int r = next(fd, mode, off, n);
  if (r == 0) {
    log_fd("fallocate", fd, 2, static_cast<std::uint64_t>(off), static_cast<std::uint64_t>(n));
  }
  return r;
}
int fallocate64(int fd, int mode, off_t off, off_t n) __attribute__((alias("fallocate")));

int posix_fallocate(int fd, off_t off, off_t n) {
  static auto next = real<int (*)(int, off_t, off_t)>("posix_fallocate");
  const int r = next(fd, off, n);
  if (r == 0) {
    log_fd("fallocate", fd, 2, static_cast<std::uint64_t>(off), static_cast<std::uint64_t>(n));
  }
  return r;
}
int posix_fallocate64(int fd, off_t off, off_t n) __attribute__((alias("posix_fallocate")));

void* mmap(void* addr, size_t n, int prot, int flags, int fd, off_t off) {
  static auto next = real<void* (*)(void*, size_t, int, int, int, off_t)>("mmap");
  void* r = next(addr, n, prot, flags, fd, off);
  if (r != MAP_FAILED && fd >= 0 && io_log().on()) {
    FdInfo info;
    io_log().describe(fd, info);
    if (info.under) {
      LogLine l("mmap");
      l.num(reinterpret_cast<std::uintptr_t>(r)).num(n).num(static_cast<unsigned>(prot));
      l.num(static_cast<unsigned>(flags)).num(static_cast<std::uint64_t>(off));
      io_log().write(IoLog::node(l, info));
    }
  }
  return r;
}
void* mmap64(void* addr, size_t n, int prot, int flags, int fd, off_t off)
    __attribute__((alias("mmap")));

int munmap(void* addr, size_t n) {
  static auto next = real<int (*)(void*, size_t)>("munmap");
  const int r = next(addr, n);
  if (r == 0 && io_log().on()) {
    LogLine l("munmap");
    io_log().write(l.num(reinterpret_cast<std::uintptr_t>(addr)).num(n));
  }
  return r;
}

int msync(void* addr, size_t n, int flags) {
  static auto next = real<int (*)(void*, size_t, int)>("msync");
  const int r = next(addr, n, flags);
  if (r == 0 && io_log().on()) {
    LogLine l("msync");
    l.num(reinterpret_cast<std::uintptr_t>(addr)).num(n).num(static_cast<unsigned>(flags));
    io_log().write(l);
  }
  return r;
}

int close(int fd) {
  static auto next = real<int (*)(int)>("close");
  FdInfo info;
  if (fd > 2) io_log().describe(fd, info);
  const int r = next(fd);
  if (r == 0) log_fd_info("close", info, 0, 0, 0);
  return r;
}

int rename(const char* from, const char* to) {
  static auto next = real<int (*)(const char*, const char*)>("rename");
  const int r = next(from, to);
  if (r == 0) log_rename(AT_FDCWD, from, AT_FDCWD, to, 0);
  return r;
}

int renameat(int from_dir, const char* from, int to_dir, const char* to) {
  static auto next = real<int (*)(int, const char*, int, const char*)>("renameat");
  const int r = next(from_dir, from, to_dir, to);
  if (r == 0) log_rename(from_dir, from, to_dir, to, 0);
  return r;
}

int renameat2(int from_dir, const char* from, int to_dir, const char* to, unsigned flags) {
  static auto next = real<int (*)(int, const char*, int, const char*, unsigned)>("renameat2");
  const int r = next(from_dir, from, to_dir, to, flags);
  if (r == 0) log_rename(from_dir, from, to_dir, to, flags);
  return r;
}

int unlink(const char* path) {
  static auto next = real<int (*)(const char*)>("unlink");
  const int r = next(path);
  if (r == 0) log_name("unlink", AT_FDCWD, path, 0, from_libstdcxx(__builtin_return_address(0)));
  return r;
}

int unlinkat(int dir_fd, const char* path, int flags) {
  static auto next = real<int (*)(int, const char*, int)>("unlinkat");
  const int r = next(dir_fd, path, flags);
  if (r == 0)
    log_name("unlink", dir_fd, path, (flags & AT_REMOVEDIR) ? 1 : 0,
             from_libstdcxx(__builtin_return_address(0)));
  return r;
}

int rmdir(const char* path) {
  static auto next = real<int (*)(const char*)>("rmdir");
  const int r = next(path);
  if (r == 0) log_name("unlink", AT_FDCWD, path, 1, from_libstdcxx(__builtin_return_address(0)));
  return r;
}

int remove(const char* path) {
  static auto next = real<int (*)(const char*)>("remove");
  struct stat st {};
  const bool isdir = ::lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
  const int r = next(path);
  if (r == 0)
    log_name("unlink", AT_FDCWD, path, isdir ? 1 : 0, from_libstdcxx(__builtin_return_address(0)));
  return r;
}

int mkdir(const char* path, mode_t mode) {
  static auto next = real<int (*)(const char*, mode_t)>("mkdir");
  const int r = next(path, mode);
  if (r == 0) log_name("mkdir", AT_FDCWD, path, -1, -1);
  return r;
}

int mkdirat(int dir_fd, const char* path, mode_t mode) {
  static auto next = real<int (*)(int, const char*, mode_t)>("mkdirat");
  const int r = next(dir_fd, path, mode);
  if (r == 0) log_name("mkdir", dir_fd, path, -1, -1);
  return r;
}

int flock(int fd, int op) {
  static auto next = real<int (*)(int, int)>("flock");
  if (targeted(fd) && interrupt()) return -1;
  return next(fd, op);
}

__attribute__((noreturn)) void _exit(int status) {
  static auto next = real<void (*)(int)>("_exit");
  log_event("exit", static_cast<std::uint64_t>(status));
  next(status);
  __builtin_unreachable();
}

__attribute__((noreturn)) void _Exit(int status) {
  static auto next = real<void (*)(int)>("_Exit");
  log_event("exit", static_cast<std::uint64_t>(status));
  next(status);
  __builtin_unreachable();
}

}  // extern "C"
