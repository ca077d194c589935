#pragma once
// Seeds and trial counts of the randomized tests: CHRONICLE_SEED replays a
// run, CHRONICLE_TRIALS scales every trial count (200, the default, is the
// CI size; soak runs use 1,000 and more).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

namespace chronicle::test {

// A test whose CI count is `ci` runs ci * CHRONICLE_TRIALS / 200 trials.
inline int scaled_trials(int ci) {
  const char* env = std::getenv("CHRONICLE_TRIALS");
  if (env == nullptr || *env == '\0') return ci;
  const long long trials = std::strtoll(env, nullptr, 10);
  return static_cast<int>(std::max<long long>(1, trials * ci / 200));
}

// CHRONICLE_SEED replays a run; otherwise a fresh seed, printed by the caller.
inline std::uint64_t test_seed() {
  if (const char* env = std::getenv("CHRONICLE_SEED"); env != nullptr && *env != '\0') {
    return std::strtoull(env, nullptr, 10);
  }
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32 | rd()) % 1'000'000'000ull;
}

// Prints the seed so a failure can be replayed, and records it in the XML.
inline void announce_seed(std::uint64_t seed, int trials) {
  std::printf("[   seed   ] CHRONICLE_SEED=%llu, %d trials\n",
              static_cast<unsigned long long>(seed), trials);
  std::fflush(stdout);
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
}

}  // namespace chronicle::test
