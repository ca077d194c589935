#pragma once
// A token bucket shared by compression workers: acquire(n) returns once n
// more bytes fit in `bytes_per_second` (with up to one second of burst).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace chronicle {

class RateLimiter {
 public:
  // 0 means unlimited.
  explicit RateLimiter(std::uint64_t bytes_per_second) : rate_(bytes_per_second) {}

  // Blocks the calling thread until `bytes` may pass. Thread-safe. Returns
  // false, within kCancelCheck, once `*cancel` is set (null: never).
  bool acquire(std::uint64_t bytes, const std::atomic<bool>* cancel = nullptr);

  // How often a waiting acquire() looks at its cancel flag.
  static constexpr std::chrono::milliseconds kCancelCheck{20};

 private:
  const std::uint64_t rate_;
  std::mutex mu_;
  double tokens_ = 0;  // guarded by mu_; may go negative (debt)
  std::chrono::steady_clock::time_point last_{};  // guarded by mu_
  bool started_ = false;  // guarded by mu_
};

}  // namespace chronicle
