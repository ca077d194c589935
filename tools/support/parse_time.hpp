#pragma once
// The --from and --to values of `chronicle cat`: a point in time as
//
//   ISO-8601   YYYY-MM-DDTHH:MM[:SS[.F]](Z|+HH:MM|-HH:MM)
//              F is 1 to 9 digits of the second; the offset is required, so
//              no value depends on the machine's time zone:
//              2026-01-29T14:03:07Z, 2026-01-29T14:03:07.000000001Z,
//              2026-01-29T15:03:07.5+01:00
//   integer    nanoseconds since 1970-01-01T00:00:00Z: 1769695387000000000
//
// Only what fits in a uint64_t of nanoseconds (1970 to 2554-07-21) is
// accepted; leap seconds (:60) and impossible dates (2026-02-30) are refused.

#include <cstdint>
#include <string_view>

#include <chronicle/core/error.hpp>

namespace chronicle::cli {

// Nanoseconds since the epoch, or InvalidArgument saying what was expected.
Result<std::uint64_t> parse_time_point(std::string_view text);

}  // namespace chronicle::cli
