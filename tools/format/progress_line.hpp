#pragma once
// The progress line `chronicle compress` (and `verify`) draws on a terminal:
//
//   compressing [#########---------------] 12/32 segments, 48.0 MiB/s, ETA 0:07
//
// Pure formatting; lifecycle/progress_monitor.hpp measures and draws.

#include <cstdint>
#include <string>

namespace chronicle::cli {

struct Progress {
  std::uint64_t done = 0;   // segments done so far
  std::uint64_t total = 0;  // segments expected (0: unknown)
  std::uint64_t bytes = 0;  // bytes done so far
  double elapsed_seconds = 0;
  const char* verb = "compressing";  // the line's first word
};

// The line, without '\r' or newline; printable ASCII.
std::string progress_line(const Progress& p);

// 512 B/s, 1.5 KiB/s, 48.0 MiB/s, 2.1 GiB/s.
std::string format_rate(double bytes_per_second);

// 0:07, 12:34, 1:02:03.
std::string format_duration(double seconds);

}  // namespace chronicle::cli
