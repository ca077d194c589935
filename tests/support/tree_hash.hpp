#pragma once
// A hash of a directory tree (names, sizes, modification times, contents),
// to show that an operation changed nothing (RELIABILITY K4).

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <chronicle/core/checksum.hpp>

#include "support/files.hpp"

namespace chronicle::test {

// With `files_only`, directories' own modification times (which any file
// created and removed again changes) are left out.
inline std::uint64_t tree_hash(const std::string& root, bool files_only = false) {
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::string acc;
  for (const auto& p : paths) {
    struct stat st {};
    ::lstat(p.c_str(), &st);
    if (files_only && S_ISDIR(st.st_mode)) {
      acc += p + ";";
      continue;
    }
    acc += p + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec) + ";";
    if (S_ISREG(st.st_mode)) {
      const auto bytes = read_file(p);
      acc += std::to_string(xxh64(bytes.data(), bytes.size())) + ";";
    }
  }
  return xxh64(acc.data(), acc.size());
}

}  // namespace chronicle::test
