#pragma once
// Seeds of randomized tests: CHRONICLE_SEED replays a run; every run prints
// its seed, so a failure can be replayed.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace chronicle::test {

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
