#pragma once
// Time as nanoseconds since the Unix epoch (UTC). Every decision chronicle
// makes from the current time (segment creation stamps, lifecycle policies)
// asks a Clock, so tests inject a manual one and never sleep.

#include <time.h>

#include <cstdint>

namespace chronicle {

// Wall-clock time now, in nanoseconds since the epoch.
inline std::uint64_t wall_clock_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

// A source of the current time. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::uint64_t now_ns() const noexcept = 0;

  // The process-wide clock that reads CLOCK_REALTIME.
  static const Clock& system() noexcept;
};

}  // namespace chronicle
