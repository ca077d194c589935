#pragma once
// File helpers for damage tests: read and write whole files, flip a bit,
// truncate (leveldb db/corruption_test.cc does the same by hand), and take
// a snapshot of a tree to compare.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace chronicle::test {

inline std::vector<char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline void flip_bit(const std::string& path, std::uint64_t offset, int bit) {
  auto bytes = read_file(path);
  bytes.at(offset) = static_cast<char>(bytes.at(offset) ^ (1 << bit));
  write_file(path, bytes);
}

inline void set_bytes(const std::string& path, std::uint64_t offset, const void* data,
                      std::size_t len) {
  auto bytes = read_file(path);
  if (offset + len > bytes.size()) throw std::runtime_error("set_bytes past end of " + path);
  std::memcpy(bytes.data() + offset, data, len);
  write_file(path, bytes);
}

inline void truncate_file(const std::string& path, std::uint64_t size) {
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0)
    throw std::runtime_error("cannot truncate " + path);
}

inline std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path);
  return static_cast<std::uint64_t>(st.st_size);
}

inline bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// Every regular file under `root`, by relative path, with its bytes. Lock
// files hold the pid of their last holder, so they are listed empty.
inline std::map<std::string, std::string> files_under(const std::string& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const auto bytes = e.path().filename() == ".lock" ? std::vector<char>()
                                                      : read_file(e.path().string());
    out.emplace(std::filesystem::relative(e.path(), root).string(),
                std::string(bytes.begin(), bytes.end()));
  }
  return out;
}

}  // namespace chronicle::test
