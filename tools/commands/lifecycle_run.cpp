#include "commands/lifecycle_run.hpp"

#include "lifecycle/lifecycle_runner.hpp"

namespace chronicle::cli {

int run_lifecycle_run(const LifecycleFlags& flags) {
  return run_lifecycle_job(flags, std::nullopt);
}

}  // namespace chronicle::cli
