#pragma once
// Directory paths are stored without trailing slashes ("/a/b/" -> "/a/b"),
// so that the names built from them have exactly one separator. The root
// "/" stays "/".

#include <string>

namespace chronicle::detail {

inline std::string without_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace chronicle::detail
