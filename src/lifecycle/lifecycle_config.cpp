#include <chronicle/lifecycle/lifecycle_config.hpp>

#include <chronicle/compression/seekable_writer.hpp>
#include <chronicle/core/errors.hpp>

namespace chronicle {

Status LifecycleConfig::validate() const {
  if (parallel_workers < 1 || parallel_workers > 64) {
    return invalid_argument("parallel_workers {} is invalid: expected 1..64", parallel_workers);
  }
  if (policy) {
    if (auto ok = policy->validate(); !ok) return ok;
  }
  SeekableOptions seekable;
  if (compression_level) seekable.codec.level = *compression_level;
  if (block_size) seekable.block_size = *block_size;
  if (auto ok = chronicle::validate(seekable); !ok) return ok;
  auto days_ok = [](const std::optional<std::uint32_t>& d, const char* name) -> Status {
    if (d && (*d < 1 || *d > 36'500)) {
      return invalid_argument("retention.{} {} is invalid: expected 1..36500", name, *d);
    }
    return {};
  };
  if (auto ok = days_ok(retention.max_age_days, "max_age_days"); !ok) return ok;
  if (auto ok = days_ok(retention.delete_partitions_after_days, "delete_partitions_after_days"); !ok) {
    return ok;
  }
  if (retention.max_partition_bytes && *retention.max_partition_bytes == 0) {
    return invalid_argument("retention.max_partition_bytes 0 is invalid: expected at least 1");
  }
  if (max_bytes_per_second != 0 && max_bytes_per_second < kMinBytesPerSecond) {
    return invalid_argument("max_bytes_per_second {} is invalid: expected 0 (no cap) or at least {} "
                            "(the unit is bytes per second)",
                            max_bytes_per_second, kMinBytesPerSecond);
  }
  return {};
}

}  // namespace chronicle
