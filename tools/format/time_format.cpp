#include "format/time_format.hpp"

#include <fmt/format.h>

namespace chronicle::cli {
namespace {

struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// civil_from_days), so no time zone database or gmtime_r range limit is
// involved.
CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  return {y, m, d};
}

}  // namespace

std::string format_iso8601_ns(std::uint64_t ns) {
  constexpr std::uint64_t kNsPerSecond = 1'000'000'000;
  constexpr std::uint64_t kSecondsPerDay = 86'400;
  const std::uint64_t seconds = ns / kNsPerSecond;
  const std::uint64_t fraction = ns % kNsPerSecond;
  const std::uint64_t of_day = seconds % kSecondsPerDay;
  const CivilDate date = civil_from_days(static_cast<std::int64_t>(seconds / kSecondsPerDay));
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", date.year, date.month, date.day,
                     of_day / 3600, of_day / 60 % 60, of_day % 60, fraction);
}

}  // namespace chronicle::cli
