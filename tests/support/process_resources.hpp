#pragma once
// Counts of this process's open descriptors and memory mappings, to check
// that an error path released what it took (RELIABILITY HX8).

#include <dirent.h>

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

}  // namespace chronicle::test
