#include "commands/compress.hpp"

#include "lifecycle/lifecycle_runner.hpp"

namespace chronicle::cli {

int run_compress(const CompressOptions& options) {
  std::optional<std::string> partition;
  if (options.partition) partition = trim_partition_path(*options.partition);
  return run_lifecycle_job(options.flags, partition);
}

}  // namespace chronicle::cli
