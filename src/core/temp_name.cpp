#include <chronicle/core/temp_name.hpp>

#include <sys/random.h>
#include <unistd.h>

#include <atomic>
#include <chrono>

#include <fmt/format.h>

namespace chronicle {

std::string temp_path_for(const std::string& final_path) {
  std::uint64_t r = 0;
  if (::getrandom(&r, sizeof r, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof r)) {
    // No entropy yet (early boot): a clock reading and a process-wide counter
    // still differ between calls.
    static std::atomic<std::uint64_t> counter{0};
    r = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
        (counter.fetch_add(1) << 48);
  }
  return fmt::format("{}{}{}-{:016x}", final_path, kTempMarker, ::getpid(), r);
}

}  // namespace chronicle
