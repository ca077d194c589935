#pragma once
// Timestamps as text: ISO-8601 in UTC with all nine digits of the
// nanoseconds, e.g. 2026-01-29T14:03:07.000000001Z. Fixed width, so columns
// line up and text order equals time order.

#include <cstdint>
#include <string>

namespace chronicle::cli {

// `ns` nanoseconds after 1970-01-01T00:00:00Z. Every uint64_t value has a
// spelling (the largest is in the year 2554).
std::string format_iso8601_ns(std::uint64_t ns);

}  // namespace chronicle::cli
