#pragma once
// Runs one lifecycle job for `chronicle compress` and `chronicle lifecycle
// run`: makes the manager, draws a progress bar while the job runs (only
// when stderr is a terminal and the run is not a dry run), and reports the
// stats.

#include <optional>
#include <string>

#include "lifecycle/lifecycle_flags.hpp"

namespace chronicle::cli {

// Without `partition`: StorageLifecycleManager::run_once over the table.
// With it: compress_partition(*partition), whatever the policy. Returns the
// exit status: 0; 1 when the table cannot be opened or the run reports
// errors; 2 when an option is out of range or `partition` is not a
// partition path of the table's scheme.
int run_lifecycle_job(const LifecycleFlags& flags, const std::optional<std::string>& partition);

}  // namespace chronicle::cli
