#pragma once
// `chronicle lifecycle run <table-root>`: one pass of the storage lifecycle:
// compression by policy, as `compress`, plus the retention rules given
// (deleting old segments and partitions).

#include "lifecycle/lifecycle_flags.hpp"

namespace chronicle::cli {

// Returns the exit status (lifecycle_runner.hpp).
int run_lifecycle_run(const LifecycleFlags& flags);

}  // namespace chronicle::cli
