#pragma once
// `chronicle compress <table-root>`: turns sealed hot segments cold, as the
// table's compression policy (or --policy) selects, or every sealed segment
// of one partition (--partition).

#include <optional>
#include <string>

#include "lifecycle/lifecycle_flags.hpp"

namespace chronicle::cli {

struct CompressOptions {
  LifecycleFlags flags;                  // retention fields unused
  std::optional<std::string> partition;  // relative path, as `ls` prints it
};

// Returns the exit status (lifecycle_runner.hpp): 1 when the run reports an
// error (each is printed), 2 for an option out of range.
int run_compress(const CompressOptions& options);

}  // namespace chronicle::cli
