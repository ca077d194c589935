#include <chronicle/core/crash_point.hpp>

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace chronicle::detail {

namespace {
struct CrashTarget {
  std::string name;
  long hit = 1;
  std::atomic<long> seen{0};
  CrashTarget() {
    if (const char* at = std::getenv("CHRONICLE_CRASH_AT")) name = at;
    if (const char* n = std::getenv("CHRONICLE_CRASH_HIT")) hit = std::strtol(n, nullptr, 10);
  }
};
}  // namespace

void crash_point_hit(std::string_view name) noexcept {
  static CrashTarget target;
  if (target.name.empty() || name != target.name) return;
  if (target.seen.fetch_add(1) + 1 == target.hit) ::raise(SIGKILL);
}

}  // namespace chronicle::detail
