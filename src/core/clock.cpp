#include <chronicle/core/clock.hpp>

namespace chronicle {

namespace {
class SystemClock final : public Clock {
 public:
  std::uint64_t now_ns() const noexcept override { return wall_clock_ns(); }
};
}  // namespace

const Clock& Clock::system() noexcept {
  static const SystemClock clock;
  return clock;
}

}  // namespace chronicle
