#include "commands/decompress.hpp"

#include <sys/stat.h>

#include <fmt/format.h>

#include <chronicle/core/detail/trailing_slashes.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/table/partition/partition_path.hpp>

#include "lifecycle/lifecycle_report.hpp"
#include "lifecycle/lifecycle_runner.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {

int run_decompress(const DecompressOptions& options) {
  LifecycleConfig config;
  config.dry_run = options.dry_run;
  auto manager = StorageLifecycleManager::open(options.dir, config);
  if (!manager) {
    print_error(manager.error());
    return kExitDataError;
  }
  const std::string partition = detail::without_trailing_slashes(options.partition);
  if (auto values = parse_partition_path(manager->table().scheme(), partition); !values) {
    print_error(fmt::format("--partition '{}' is not a partition path of this table: {}",
                            escape_bytes(partition), values.error().message()));
    return kExitUsage;
  }
  // The library takes the partition's lifecycle lock first (creating the
  // lock file), and a dry run looks no further: check here that there is a
  // cold segment to restore, so that a typo fails the same with --dry-run.
  const std::string dir = manager->table().root() + "/" + partition;
  const std::string cold = segment_path(dir, options.segment, SegmentTier::Cold);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    print_error(file_error(Errc::NotFound, dir, "is not a partition of this table"));
    return kExitDataError;
  }
  if (::lstat(cold.c_str(), &st) != 0) {
    print_error(file_error(
        Errc::NotFound, cold, "no cold segment {} in this partition{}", options.segment,
        ::lstat(segment_path(dir, options.segment).c_str(), &st) == 0 ? " (it is hot already)"
                                                                      : ""));
    return kExitDataError;
  }
  auto stats = manager->decompress_segment(partition, options.segment);
  if (!stats) {
    print_error(stats.error());
    return kExitDataError;
  }
  return report_lifecycle_stats(*stats, options.json);
}

}  // namespace chronicle::cli
