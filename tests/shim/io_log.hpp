#pragma once
// The logging mode of io_fault_shim (RELIABILITY HX4(b), used by B3): one
// line per file-system call on a file or directory under one tree, with the
// path and the (device, inode) behind each descriptor, appended to one log
// file that every process of a test run shares.
//
// Environment:
//   CHRONICLE_IO_LOG      the log file (opened O_APPEND; keep it outside the tree)
//   CHRONICLE_IO_LOG_DIR  the tree whose calls are logged; both unset: no log
//
// Each line is written with one write(2) to an O_APPEND descriptor, so lines
// of threads and forked processes never interleave. Fields are separated by
// spaces; paths are the last fields, with bytes outside '!'..'~' and '%'
// written as %XX. Every line starts "<pid> <tid> <op>":
//
//   start <ppid>                  the shim was loaded (a new process or an exec)
//   fork <ppid>                   a child of fork(2)
//   exit <status>                 _exit(2) or _Exit; exit(3) logs 0 (from the
//                                 shim's destructor, which does not see the status)
//   open <flags> <dev> <ino> <isdir> <path>
//   fsync|fdatasync|close <dev> <ino> <isdir> <path>
//   pwrite|write|fallocate|sync_file_range <offset> <len> <dev> <ino> <isdir> <path>
//   ftruncate <len> <size before> <dev> <ino> <isdir> <path>
//   mmap <addr> <len> <prot> <flags> <offset> <dev> <ino> <isdir> <path>
//   munmap <addr> <len>           every munmap: the checker keeps the mappings
//   msync <addr> <len> <flags>    every msync
//   rename <flags> <dev> <ino> <isdir> <from> <to>
//   unlink <isdir> <by> <path>    unlink, unlinkat, rmdir, remove; by: 1 when
//                                 called from libstdc++ (std::filesystem)
//   mkdir <path>
//   lost <n>                      n lines could not be written (the log could not be opened)
//
// Only calls that succeeded are logged, after they returned. The shim sees
// calls made through the dynamic symbol table only: not raw system calls,
// nor those glibc makes inside itself (fopen's open, remove's unlink).
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace chronicle::shim {

// A line under construction, on the stack of the logging thread.
class LogLine {
 public:
  explicit LogLine(const char* op) {
    num(static_cast<std::uint64_t>(::getpid()));
    num(static_cast<std::uint64_t>(::syscall(SYS_gettid)));
    str(op);
  }
  LogLine& num(std::uint64_t v) {
    char digits[24];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    sep();
    while (n > 0 && len_ < sizeof buf_ - 2) buf_[len_++] = digits[--n];
    return *this;
  }
  LogLine& str(const char* s) {
    sep();
    static const char kHex[] = "0123456789ABCDEF";
    for (; *s != '\0'; ++s) {
      const auto c = static_cast<unsigned char>(*s);
      if (c > ' ' && c <= '~' && c != '%') {
        put(static_cast<char>(c));
      } else {
        put('%');
        put(kHex[c >> 4]);
        put(kHex[c & 15]);
      }
    }
    return *this;
  }
  const char* data() {
    buf_[len_] = '\n';
    return buf_;
  }
  std::size_t size() const { return len_ + 1; }

 private:
  void sep() {
    if (len_ != 0) put(' ');
  }
  void put(char c) {
    if (len_ < sizeof buf_ - 2) buf_[len_++] = c;
  }
  char buf_[3 * PATH_MAX];
  std::size_t len_ = 0;
};

// What a descriptor refers to.
struct FdInfo {
  bool under = false;  // a file or directory under the logged tree
  dev_t dev = 0;
  ino_t ino = 0;
  bool isdir = false;
  off_t size = 0;
  char path[PATH_MAX];
};

class IoLog {
 public:
  IoLog() {
    const char* log = std::getenv("CHRONICLE_IO_LOG");
    const char* dir = std::getenv("CHRONICLE_IO_LOG_DIR");
    if (log == nullptr || dir == nullptr || *log == '\0' || *dir == '\0') return;
    if (std::strlen(log) >= sizeof log_path_ || ::realpath(dir, dir_) == nullptr) return;
    std::strcpy(log_path_, log);
    dir_len_ = std::strlen(dir_);
    on_ = true;
  }
  bool on() const { return on_; }

  bool under(const char* path) const {
    return on_ && std::strncmp(path, dir_, dir_len_) == 0 &&
           (path[dir_len_] == '/' || path[dir_len_] == '\0');
  }

  // Fills `info` for `fd`; info.under says whether to log.
  void describe(int fd, FdInfo& info) const {
    info.under = false;
    if (!on_ || fd < 0) return;
    char link[40];
    std::strcpy(link, "/proc/self/fd/");
    format_int(link + std::strlen(link), fd);
    const ssize_t n = ::readlink(link, info.path, sizeof info.path - 1);
    if (n <= 0) return;
    info.path[n] = '\0';
    if (!under(info.path)) return;
    struct stat st {};
    if (::fstat(fd, &st) != 0) return;
    info.dev = st.st_dev;
    info.ino = st.st_ino;
    info.isdir = S_ISDIR(st.st_mode);
    info.size = st.st_size;
    info.under = true;
  }
  static LogLine& node(LogLine& l, const FdInfo& info) {
    return l.num(info.dev).num(info.ino).num(info.isdir ? 1 : 0).str(info.path);
  }

  // The absolute path of `name` relative to `dir_fd`, with the directory
  // part resolved (symlinks, "." and ".."), the last component as given.
  // False if it cannot be resolved.
  bool resolve(int dir_fd, const char* name, char* out) const {
    char joined[2 * PATH_MAX];
    if (name[0] == '/') {
      if (std::strlen(name) >= sizeof joined) return false;
      std::strcpy(joined, name);
    } else {
      char base[PATH_MAX];
      if (dir_fd == AT_FDCWD) {
        if (::getcwd(base, sizeof base) == nullptr) return false;
      } else {
        char link[40];
        std::strcpy(link, "/proc/self/fd/");
        format_int(link + std::strlen(link), dir_fd);
        const ssize_t n = ::readlink(link, base, sizeof base - 1);
        if (n <= 0) return false;
        base[n] = '\0';
      }
      if (std::strlen(base) + std::strlen(name) + 2 > sizeof joined) return false;
      std::strcpy(joined, base);
      std::strcat(joined, "/");
      std::strcat(joined, name);
    }
    std::size_t len = std::strlen(joined);
    while (len > 1 && joined[len - 1] == '/') joined[--len] = '\0';
    char* slash = std::strrchr(joined, '/');
    const char* last = slash + 1;
    char parent[PATH_MAX];
    *slash = '\0';
    if (::realpath(slash == joined ? "/" : joined, parent) == nullptr) return false;
    if (std::strlen(parent) + std::strlen(last) + 2 > PATH_MAX) return false;
    std::strcpy(out, parent);
    if (std::strcmp(parent, "/") != 0) std::strcat(out, "/");
    std::strcat(out, last);
    return true;
  }

  void write(LogLine& line) {
    const char* data = line.data();
    const int fd = log_fd();
    if (fd < 0 || ::syscall(SYS_write, fd, data, line.size()) != static_cast<long>(line.size())) {
      lost_.fetch_add(1);
      return;
    }
    if (const unsigned long lost = lost_.exchange(0); lost != 0) {
      LogLine l("lost");
      l.num(lost);
      const char* d = l.data();
      ::syscall(SYS_write, fd, d, l.size());
    }
  }

 private:
  static void format_int(char* out, int v) {
    char digits[16];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) *out++ = digits[--n];
    *out = '\0';
  }

  // The log's descriptor, checked on every line: a test may close
  // descriptors it did not open, and the number may then name another file.
  int log_fd() {
    int fd = fd_.load();
    struct stat st {};
    if (fd >= 0 && ::fstat(fd, &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) return fd;
    const long opened =
        ::syscall(SYS_openat, AT_FDCWD, log_path_, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (opened < 0) return -1;
    fd = static_cast<int>(opened);
    // Out of the way of tests that expect the lowest free numbers.
    const int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 700);
    if (high >= 0) {
      ::syscall(SYS_close, fd);
      fd = high;
    }
    if (::fstat(fd, &st) != 0) return -1;
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    fd_.store(fd);
    return fd;
  }

  bool on_ = false;
  char dir_[PATH_MAX] = {};
  std::size_t dir_len_ = 0;
  char log_path_[PATH_MAX] = {};
  std::atomic<int> fd_{-1};
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  std::atomic<unsigned long> lost_{0};
};

// The one log of the process, and the calls that write to it.
inline IoLog& io_log() {
  static IoLog log;
  return log;
}

// Logs `op` on `fd` with `a` and `b` before the node (pwrite: offset and
// length), or without them when `fields` is 0.
inline void log_fd_info(const char* op, const FdInfo& info, int fields, std::uint64_t a,
                        std::uint64_t b) {
  if (!info.under) return;
  LogLine l(op);
  if (fields > 0) l.num(a);
  if (fields > 1) l.num(b);
  io_log().write(IoLog::node(l, info));
}

inline void log_fd(const char* op, int fd, int fields = 0, std::uint64_t a = 0,
                   std::uint64_t b = 0) {
  if (!io_log().on()) return;
  FdInfo info;
  io_log().describe(fd, info);
  log_fd_info(op, info, fields, a, b);
}

inline void log_event(const char* op, std::uint64_t value) {
  if (!io_log().on()) return;
  LogLine l(op);
  l.num(value);
  io_log().write(l);
}

inline void log_opened(int fd, int flags) {
  if (fd < 0 || !io_log().on()) return;
  FdInfo info;
  io_log().describe(fd, info);
  if (!info.under) return;
  LogLine l("open");
  l.num(static_cast<unsigned>(flags));
  io_log().write(IoLog::node(l, info));
}

// 1 if `caller` (a return address) lies in libstdc++: the call came from
// std::filesystem (a test's cleanup), not from chronicle's own code.
inline int from_libstdcxx(const void* caller) {
  Dl_info info{};
  return ::dladdr(caller, &info) != 0 && info.dli_fname != nullptr &&
                 std::strstr(info.dli_fname, "libstdc++") != nullptr
             ? 1
             : 0;
}

// Logs a name operation on `name` (relative to `dir_fd`); `isdir` and `by`
// (from_libstdcxx) are logged unless negative.
inline void log_name(const char* op, int dir_fd, const char* name, int isdir, int by) {
  if (!io_log().on() || name == nullptr) return;
  char path[PATH_MAX];
  if (!io_log().resolve(dir_fd, name, path) || !io_log().under(path)) return;
  LogLine l(op);
  if (isdir >= 0) l.num(static_cast<unsigned>(isdir));
  if (by >= 0) l.num(static_cast<unsigned>(by));
  io_log().write(l.str(path));
}

inline void log_rename(int from_dir, const char* from, int to_dir, const char* to, unsigned flags) {
  if (!io_log().on()) return;
  char from_path[PATH_MAX];
  char to_path[PATH_MAX];
  if (!io_log().resolve(from_dir, from, from_path) || !io_log().resolve(to_dir, to, to_path)) {
    return;
  }
  if (!io_log().under(from_path) && !io_log().under(to_path)) return;
  struct stat st {};
  if (::lstat(to_path, &st) != 0) return;
  LogLine l("rename");
  l.num(flags).num(st.st_dev).num(st.st_ino).num(S_ISDIR(st.st_mode) ? 1 : 0);
  io_log().write(l.str(from_path).str(to_path));
}

}  // namespace chronicle::shim
