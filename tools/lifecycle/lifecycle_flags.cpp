#include "lifecycle/lifecycle_flags.hpp"

#include <climits>

#include <chronicle/core/errors.hpp>

namespace chronicle::cli {
namespace {

constexpr std::uint64_t kMaxDays = 36'500;

Result<std::optional<std::uint32_t>> days(const std::optional<std::uint64_t>& value,
                                          const char* option) {
  if (!value) return std::optional<std::uint32_t>();
  if (*value < 1 || *value > kMaxDays) {
    return invalid_argument("{} {}: expected 1 to {} days", option, *value, kMaxDays);
  }
  return std::optional<std::uint32_t>(static_cast<std::uint32_t>(*value));
}

// Checks one setting alone, so that the error names the option.
Status check(const LifecycleConfig& probe, const std::string& option) {
  if (auto ok = probe.validate(); !ok)
    return invalid_argument("{}: {}", option, ok.error().message());
  return {};
}

}  // namespace

Result<LifecycleConfig> lifecycle_config(const LifecycleFlags& f) {
  LifecycleConfig c;
  c.policy = f.policy;
  c.dry_run = f.dry_run;
  if (f.level) {
    if (*f.level < INT_MIN || *f.level > INT_MAX) {
      return invalid_argument("--level {}: not a zstd compression level", *f.level);
    }
    LifecycleConfig probe;
    probe.compression_level = static_cast<int>(*f.level);
    if (auto ok = check(probe, fmt::format("--level {}", *f.level)); !ok)
      return std::move(ok).error();
    c.compression_level = probe.compression_level;
  }
  if (f.block_size) {
    LifecycleConfig probe;
    probe.block_size = *f.block_size;
    if (auto ok = check(probe, fmt::format("--block-size {}", *f.block_size)); !ok) {
      return std::move(ok).error();
    }
    c.block_size = f.block_size;
  }
  if (f.workers) {
    if (*f.workers < 1 || *f.workers > 64) {
      return invalid_argument("--workers {}: expected 1 to 64", *f.workers);
    }
    c.parallel_workers = static_cast<unsigned>(*f.workers);
  }
  c.max_bytes_per_second = f.rate.value_or(0);
  auto max_age = days(f.max_age_days, "--max-age-days");
  if (!max_age) return std::move(max_age).error();
  c.retention.max_age_days = *max_age;
  auto delete_after = days(f.delete_partitions_after_days, "--delete-partitions-after-days");
  if (!delete_after) return std::move(delete_after).error();
  c.retention.delete_partitions_after_days = *delete_after;
  if (f.max_partition_bytes) {
    if (*f.max_partition_bytes == 0) {
      return invalid_argument("--max-partition-bytes 0: expected at least 1 byte");
    }
    c.retention.max_partition_bytes = f.max_partition_bytes;
  }
  if (auto ok = c.validate(); !ok) return std::move(ok).error();
  return c;
}

}  // namespace chronicle::cli
