#pragma once
// Counts of this process's open descriptors and memory mappings, to check
// that an error path released what it took (RELIABILITY HX8), and resource
// limits to run out of them on purpose (C3, C4).

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace chronicle::test {

inline int open_fd_count() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (::readdir(d) != nullptr) ++n;
    ::closedir(d);
  }
  return n;
}

// Where descriptor `fd` points, or "" if it is closed.
inline std::string fd_target(int fd) {
  char buf[4096];
  const ssize_t n = ::readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// Open descriptors of files whose path starts with `prefix`.
inline int open_fds_under(const std::string& prefix) {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (const dirent* e = ::readdir(d)) {
      if (e->d_name[0] != '.' && fd_target(std::atoi(e->d_name)).rfind(prefix, 0) == 0) ++n;
    }
    ::closedir(d);
  }
  return n;
}

// File-backed mappings only: anonymous ones (malloc arenas, cached thread
// stacks) come and go with the threads of earlier runs and would make the
// count flaky; the mappings the library must release are all of files.
inline int mapping_count() {
  std::ifstream maps("/proc/self/maps");
  int n = 0;
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields(line);
    std::string range, perms, offset, device, inode;
    fields >> range >> perms >> offset >> device >> inode;
    if (inode != "0") ++n;
  }
  return n;
}

// Mappings whose line in /proc/self/maps contains `text` (a path, or a path
// followed by " (deleted)" for files unlinked since).
inline int mappings_naming(const std::string& text) {
  std::ifstream maps("/proc/self/maps");
  int n = 0;
  for (std::string line; std::getline(maps, line);) {
    if (line.find(text) != std::string::npos) ++n;
  }
  return n;
}

// Bytes of address space this process has mapped (VmSize), or 0 if unknown.
inline std::uint64_t address_space_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;
  }
  return 0;
}

// Lowers the soft limit of `resource` (RLIMIT_AS, RLIMIT_NOFILE) until
// raise() or destruction puts the old one back. Meant for forked children:
// the limit is process-wide.
class ScopedLimit {
 public:
  ScopedLimit(int resource, rlim_t soft) : resource_(resource) {
    ::getrlimit(resource_, &old_);
    rlimit lowered = old_;
    lowered.rlim_cur = soft;
    ok_ = ::setrlimit(resource_, &lowered) == 0;
  }
  ~ScopedLimit() { raise(); }
  ScopedLimit(const ScopedLimit&) = delete;
  ScopedLimit& operator=(const ScopedLimit&) = delete;

  bool ok() const { return ok_; }
  void raise() {
    if (ok_) ::setrlimit(resource_, &old_);
    ok_ = false;
  }

 private:
  int resource_;
  rlimit old_{};
  bool ok_ = false;
};

}  // namespace chronicle::test
