#pragma once
// What one lifecycle run did: counts, bytes, time, and every error with the
// path it concerns. Errors stay per segment and partition: a run goes on
// with the rest.
//
// Thread safety: a plain value.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>

namespace chronicle {

struct LifecycleError {
  std::string path;
  std::string message;
  bool operator==(const LifecycleError&) const = default;
};

struct LifecycleStats {
  bool dry_run = false;
  std::uint64_t partitions_scanned = 0;
  std::uint64_t segments_scanned = 0;
  std::uint64_t eligible = 0;     // segments the policy selected
  std::uint64_t retention_eligible = 0;  // segments the retention rules selected
  std::uint64_t compressed = 0;
  std::uint64_t decompressed = 0;
  std::uint64_t deleted_segments = 0;
  std::uint64_t deleted_partitions = 0;
  // Segments not compressed, by reason: "live", "cold", "not_eligible",
  // "busy" (another lifecycle run holds the partition), "unsealed",
  // "stopped" (stop_background() ended the run first; jobs of retention too).
  std::map<std::string, std::uint64_t> skipped;
  std::uint64_t bytes_before = 0;   // on disk, of the segments compressed
  std::uint64_t bytes_after = 0;    // on disk, of what they became
  std::uint64_t bytes_deleted = 0;
  std::uint64_t temp_files_removed = 0;
  std::vector<LifecycleError> errors;
  std::chrono::nanoseconds duration{0};

  // Adds another run's (or partition's) counts to these.
  void merge(const LifecycleStats& other);
  // A few readable lines.
  std::string to_string() const;
  // One JSON object with every field above.
  std::string to_json() const;
  static Result<LifecycleStats> from_json(std::string_view json);

  bool operator==(const LifecycleStats&) const = default;
};

}  // namespace chronicle
