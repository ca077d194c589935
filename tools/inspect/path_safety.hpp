#pragma once
// Whether the directories leading to a log or table can be changed by
// someone other than its owner (RELIABILITY S5): a directory on the path
// that is world-writable without the sticky bit, or owned by a uid other
// than root and the user running the check, lets that someone rename or
// replace what lies below it, whatever the modes of chronicle's own files.

#include <string>
#include <vector>

#include <chronicle/core/error.hpp>

namespace chronicle::cli {

struct UnsafeDir {
  std::string path;    // escaped
  std::string reason;  // one line
};

// Checks `dir` (resolved with realpath, so the directories checked are the
// ones the data really lives under) and each of its parents up to `/`.
// Errors: `dir` cannot be resolved (NotFound, Io).
Result<std::vector<UnsafeDir>> unsafe_dirs_on_path(const std::string& dir);

}  // namespace chronicle::cli
