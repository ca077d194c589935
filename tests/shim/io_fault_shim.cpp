// An LD_PRELOAD shim for tests only (RELIABILITY C2): makes the system calls
// chronicle uses for file output return short counts and EINTR at random, as
// a signal handler or a network filesystem may, on files under one directory.
//
// Environment:
//   CHRONICLE_SHIM_DIR     only files whose path starts with this are touched;
//                          unset: the shim passes every call through
//   CHRONICLE_SHIM_SEED    seed of the (deterministic) choice of faults
//   CHRONICLE_SHIM_REPORT  at exit, "<short> <eintr>" counts are written here
//
// pwrite/write/pread: a third of calls fail with EINTR before touching the
// file, a third transfer between 1 and n-1 bytes, the rest pass through.
// open, openat, ftruncate, fsync, fdatasync and flock: a third fail with EINTR
// first.
// Nothing else is changed, so the run must end exactly as without the shim.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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

}  // namespace

extern "C" {

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  static auto next = real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  if (!targeted(fd)) return next(fd, buf, n, off);
  const ssize_t len = transfer_size(n);
  return len < 0 ? -1 : next(fd, buf, static_cast<size_t>(len), off);
}

ssize_t write(int fd, const void* buf, size_t n) {
  static auto next = real<ssize_t (*)(int, const void*, size_t)>("write");
  if (!targeted(fd)) return next(fd, buf, n);
  const ssize_t len = transfer_size(n);
  return len < 0 ? -1 : next(fd, buf, static_cast<size_t>(len));
}

ssize_t pread(int fd, void* buf, size_t n, off_t off) {
  static auto next = real<ssize_t (*)(int, void*, size_t, off_t)>("pread");
  if (!targeted(fd)) return next(fd, buf, n, off);
  const ssize_t len = transfer_size(n);
  return len < 0 ? -1 : next(fd, buf, static_cast<size_t>(len), off);
}

int open(const char* path, int flags, ...) {
  static auto next = real<int (*)(const char*, int, ...)>("open");
  mode_t mode = 0;
  if (flags & (O_CREAT | O_TMPFILE)) {
    va_list args;
    va_start(args, flags);
    mode = static_cast<mode_t>(va_arg(args, int));
    va_end(args);
  }
  if (under_dir(path) && interrupt()) return -1;
  return next(path, flags, mode);
}

// chronicle also opens names relative to a directory it holds open.
int openat(int dir_fd, const char* path, int flags, ...) {
  static auto next = real<int (*)(int, const char*, int, ...)>("openat");
  mode_t mode = 0;
  if (flags & (O_CREAT | O_TMPFILE)) {
    va_list args;
    va_start(args, flags);
    mode = static_cast<mode_t>(va_arg(args, int));
    va_end(args);
  }
  const bool relative = dir_fd != AT_FDCWD && path[0] != '/';
  if ((relative ? targeted(dir_fd) : under_dir(path)) && interrupt()) return -1;
  return next(dir_fd, path, flags, mode);
}

// glibc exports the 64-bit offset names as aliases too; so does the shim.
int open64(const char* path, int flags, ...) __attribute__((alias("open")));
int openat64(int dir_fd, const char* path, int flags, ...) __attribute__((alias("openat")));
ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) __attribute__((alias("pwrite")));
ssize_t pread64(int fd, void* buf, size_t n, off_t off) __attribute__((alias("pread")));

int ftruncate(int fd, off_t len) {
  static auto next = real<int (*)(int, off_t)>("ftruncate");
  if (targeted(fd) && interrupt()) return -1;
  return next(fd, len);
}

int fsync(int fd) {
  static auto next = real<int (*)(int)>("fsync");
  if (targeted(fd) && interrupt()) return -1;
  return next(fd);
}

int fdatasync(int fd) {
  static auto next = real<int (*)(int)>("fdatasync");
  if (targeted(fd) && interrupt()) return -1;
  return next(fd);
}

int flock(int fd, int op) {
  static auto next = real<int (*)(int, int)>("flock");
  if (targeted(fd) && interrupt()) return -1;
  return next(fd, op);
}

}  // extern "C"
