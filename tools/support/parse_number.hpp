#pragma once
// Numbers on the command line: plain decimal only, so that "010" is ten (not
// octal eight, as strtoull with base 0 would read it) and "-1" is an error
// (not 2^64 - 1).

#include <cstdint>
#include <optional>
#include <string_view>

namespace chronicle::cli {

// The value of `text` if it is 1 to 20 decimal digits that fit in uint64_t.
std::optional<std::uint64_t> parse_decimal_u64(std::string_view text) noexcept;

// The value of `text` if it is an optional '-' and 1 to 19 decimal digits
// that fit in int64_t ("+5", " 5" and "-" are refused).
std::optional<std::int64_t> parse_decimal_i64(std::string_view text) noexcept;

}  // namespace chronicle::cli
