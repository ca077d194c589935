#pragma once
// `chronicle bench`: the headline figures of docs/BENCHMARKS.md, each next
// to its baseline measured in the same run on the same bytes, so that the
// ratio holds on a noisy machine. A quick check of a machine or a build; the
// Google Benchmark binaries in benches/ are the reference.

#include <cstdint>
#include <optional>
#include <string>

namespace chronicle::cli {

struct BenchOptions {
  std::string dir;  // scratch directory's parent; default $TMPDIR or /tmp
  std::optional<std::uint64_t> records;  // default 2,000,000
  std::optional<std::int64_t> level;     // zstd level of the cold rows; default 3
  bool json = false;
};

// Returns 0, or 1 when a step failed (the error is printed).
int run_bench(const BenchOptions& options);

}  // namespace chronicle::cli
