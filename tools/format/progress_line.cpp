#include "format/progress_line.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace chronicle::cli {

std::string format_rate(double bytes_per_second) {
  static constexpr const char* kUnits[] = {"B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"};
  double v = std::max(bytes_per_second, 0.0);
  std::size_t unit = 0;
  while (v >= 1024.0 && unit + 1 < std::size(kUnits)) {
    v /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} {}", v, kUnits[0])
                   : fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::string format_duration(double seconds) {
  const auto s = static_cast<std::uint64_t>(std::llround(std::max(seconds, 0.0)));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string progress_line(const Progress& p) {
  constexpr std::size_t kWidth = 24;
  const std::uint64_t done = p.total ? std::min(p.done, p.total) : p.done;
  const std::size_t filled = p.total ? static_cast<std::size_t>(done * kWidth / p.total) : 0;
  std::string line = std::string(p.verb) + " [" + std::string(filled, '#') +
                     std::string(kWidth - filled, '-') + "] " +
                     fmt::format("{}/{} segments", done, p.total);
  const double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.bytes) / p.elapsed_seconds : 0;
  line += ", " + format_rate(rate);
  if (done > 0 && done < p.total) {
    const double eta =
        p.elapsed_seconds * static_cast<double>(p.total - done) / static_cast<double>(done);
    line += ", ETA " + format_duration(eta);
  } else if (p.total > 0 && done == p.total) {
    line += ", " + format_duration(p.elapsed_seconds);
  }
  return line;
}

}  // namespace chronicle::cli
