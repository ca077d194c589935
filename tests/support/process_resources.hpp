#pragma once
// Counts of this process's open descriptors and memory mappings, to check
// that an error path released what it took (RELIABILITY HX8).

#include <dirent.h>

#include <fstream>
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

inline int mapping_count() {
  std::ifstream maps("/proc/self/maps");
  int n = 0;
  for (std::string line; std::getline(maps, line);) ++n;
  return n;
}

}  // namespace chronicle::test
