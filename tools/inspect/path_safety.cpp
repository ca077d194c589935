#include "inspect/path_safety.hpp"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

#include <chronicle/core/errors.hpp>

namespace chronicle::cli {
namespace {

// The reason `st` makes its directory unsafe for data owned by `me`, or "".
std::string unsafe_because(const struct stat& st, uid_t me) {
  if ((st.st_mode & S_IWOTH) != 0 && (st.st_mode & S_ISVTX) == 0) {
    return fmt::format("world-writable without the sticky bit (mode {:04o}): any user can rename "
                       "or replace what is in it",
                       st.st_mode & 07777);
  }
  if (st.st_uid != 0 && st.st_uid != me) {
    return fmt::format("owned by uid {}, neither root nor you (uid {}): its owner can rename or "
                       "replace what is in it",
                       st.st_uid, me);
  }
  return {};
}

}  // namespace

Result<std::vector<UnsafeDir>> unsafe_dirs_on_path(const std::string& dir) {
  char resolved[PATH_MAX];
  if (::realpath(dir.c_str(), resolved) == nullptr) return io_error("realpath", dir, errno);
  const uid_t me = ::geteuid();
  std::vector<UnsafeDir> out;
  for (std::string path = resolved;;) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return io_error("stat", path, errno);
    if (std::string why = unsafe_because(st, me); !why.empty()) {
      out.push_back({escape_bytes(path), std::move(why)});
    }
    if (path == "/") break;
    const auto slash = path.find_last_of('/');
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return out;
}

}  // namespace chronicle::cli
