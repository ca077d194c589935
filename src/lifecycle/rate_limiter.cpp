#include <chronicle/lifecycle/rate_limiter.hpp>

#include <algorithm>
#include <thread>

namespace chronicle {

void RateLimiter::acquire(std::uint64_t bytes) {
  if (rate_ == 0) return;
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
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
}

}  // namespace chronicle
