#include <chronicle/lifecycle/rate_limiter.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace chronicle {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

TEST(RateLimiterTest, NoCapNeverWaits) {
  RateLimiter unlimited(0);
  const auto t0 = Clock::now();
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(unlimited.acquire(1ull << 30));
  EXPECT_LT(seconds_since(t0), 0.5);
}

TEST(RateLimiterTest, BytesBeyondTheFirstSecondsBurstWaitForTheRate) {
  RateLimiter limiter(100'000);
  const auto t0 = Clock::now();
  EXPECT_TRUE(limiter.acquire(100'000));  // the burst
  EXPECT_LT(seconds_since(t0), 0.1);
  EXPECT_TRUE(limiter.acquire(30'000));  // 0.3 s of debt
  EXPECT_GE(seconds_since(t0), 0.29);
}

TEST(RateLimiterTest, ACancelEndsALongWaitPromptly) {
  RateLimiter limiter(4096);
  std::atomic<bool> cancel{false};
  EXPECT_TRUE(limiter.acquire(4096, &cancel));
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel = true;
  });
  const auto t0 = Clock::now();
  EXPECT_FALSE(limiter.acquire(1 << 20, &cancel));  // would wait 256 s
  const double waited = seconds_since(t0);
  stopper.join();
  EXPECT_GE(waited, 0.04);
  EXPECT_LT(waited, 2.0);
  // Once cancelled, it stays so, even without a wait.
  EXPECT_FALSE(RateLimiter(0).acquire(1, &cancel));
}

}  // namespace
}  // namespace chronicle
