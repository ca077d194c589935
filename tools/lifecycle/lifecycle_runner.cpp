#include "lifecycle/lifecycle_runner.hpp"

#include <memory>
#include <vector>

#include <fmt/format.h>

#include <chronicle/core/errors.hpp>
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>
#include <chronicle/table/partition/partition_path.hpp>

#include "lifecycle/lifecycle_report.hpp"
#include "lifecycle/progress_monitor.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {
namespace {

Result<LifecycleStats> run_job(StorageLifecycleManager& manager,
                               const std::optional<std::string>& partition) {
  return partition ? manager.compress_partition(*partition) : manager.run_once();
}

// The progress bar, when it is wanted: on a terminal, for a real run. A dry
// run first counts the segments the job will compress; without a count (the
// dry run failed, or there is nothing to do) there is no bar.
std::unique_ptr<ProgressMonitor> start_progress(const LifecycleConfig& config,
                                                StorageLifecycleManager& manager,
                                                const std::optional<std::string>& partition) {
  if (config.dry_run || !stderr_is_terminal()) return nullptr;
  LifecycleConfig dry = config;
  dry.dry_run = true;
  auto probe = StorageLifecycleManager::open(manager.table().root(), dry);
  if (!probe) return nullptr;
  auto planned = run_job(*probe, partition);
  if (!planned || planned->eligible == 0) return nullptr;
  std::vector<std::string> dirs;
  const Table& table = manager.table();
  if (partition) {
    dirs.push_back(table.root() + "/" + *partition);
  } else {
    ListOptions list;
    list.stats = false;
    auto partitions = table.partitions(PartitionFilter::all(), list);
    if (!partitions) return nullptr;
    for (const PartitionInfo& p : *partitions) dirs.push_back(table.root() + "/" + p.path);
  }
  return std::make_unique<ProgressMonitor>(std::move(dirs), planned->eligible);
}

}  // namespace


int run_lifecycle_job(const LifecycleFlags& flags, const std::optional<std::string>& partition) {
  auto config = lifecycle_config(flags);
  if (!config) {
    print_error(config.error());
    return kExitUsage;
  }
  auto manager = StorageLifecycleManager::open(flags.dir, *config);
  if (!manager) {
    print_error(manager.error());
    return kExitDataError;
  }
  if (partition) {
    if (auto values = parse_partition_path(manager->table().scheme(), *partition); !values) {
      print_error(fmt::format("--partition '{}' is not a partition path of this table: {}",
                              escape_bytes(*partition), values.error().message()));
      return kExitUsage;
    }
  }
  auto progress = start_progress(*config, *manager, partition);
  auto stats = run_job(*manager, partition);
  if (progress) progress->finish();
  if (!stats) {
    print_error(stats.error());
    return kExitDataError;
  }
  return report_lifecycle_stats(*stats, flags.json);
}

}  // namespace chronicle::cli
