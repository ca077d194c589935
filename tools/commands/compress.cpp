#include "commands/compress.hpp"

#include <chronicle/core/detail/trailing_slashes.hpp>

#include "lifecycle/lifecycle_runner.hpp"

namespace chronicle::cli {

int run_compress(const CompressOptions& options) {
  std::optional<std::string> partition;
  if (options.partition) partition = detail::without_trailing_slashes(*options.partition);
  return run_lifecycle_job(options.flags, partition);
}

}  // namespace chronicle::cli
