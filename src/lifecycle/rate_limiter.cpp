#include <chronicle/lifecycle/rate_limiter.hpp>

#include <algorithm>
#include <thread>

namespace chronicle {

bool RateLimiter::acquire(std::uint64_t bytes, const std::atomic<bool>* cancel) {
  const auto cancelled = [cancel] { return cancel != nullptr && cancel->load(); };
  if (rate_ == 0) return !cancelled();
  std::chrono::duration<double> wait{0};
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (!started_) {
      started_ = true;
      last_ = now;
      tokens_ = static_cast<double>(rate_);  // one second of burst
    }
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(static_cast<double>(rate_), tokens_ + elapsed * static_cast<double>(rate_));
    last_ = now;
    // Take the bytes now (possibly into debt) and sleep off the debt, so
    // concurrent callers queue up fairly behind each other.
    tokens_ -= static_cast<double>(bytes);
    if (tokens_ < 0) wait = std::chrono::duration<double>(-tokens_ / static_cast<double>(rate_));
  }
  // In slices, so that a cancel (the manager stopping) is seen soon even
  // when a small cap makes the wait long.
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait);
  for (auto now = std::chrono::steady_clock::now(); now < until && !cancelled();
       now = std::chrono::steady_clock::now()) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, kCancelCheck));
  }
  return !cancelled();
}

}  // namespace chronicle
