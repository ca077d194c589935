#pragma once
// Small file-system helpers the power-loss model's files share.

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "powerloss/power_loss_fs.hpp"

namespace chronicle::powerloss::util {

inline constexpr std::uint64_t kPage = 4096;

inline bool node_of(const std::string& path, NodeId* id, bool* is_dir = nullptr) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return false;
  *id = {st.st_dev, st.st_ino};
  if (is_dir != nullptr) *is_dir = S_ISDIR(st.st_mode);
  return true;
}

inline bool node_of_fd(int fd, NodeId* id) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  *id = {st.st_dev, st.st_ino};
  return true;
}

inline std::vector<std::byte> read_all(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw std::runtime_error("power-loss model: fstat failed");
  std::vector<std::byte> out(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      out.resize(done);  // shrunk meanwhile
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  return out;
}

inline std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

inline std::string dir_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

inline std::map<std::string, bool> list_dir(const std::string& path) {
  std::map<std::string, bool> out;
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    out[name] = true;
  }
  ::closedir(d);
  return out;
}

}  // namespace chronicle::powerloss::util
