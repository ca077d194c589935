#include "support/parse_time.hpp"

#include <chronicle/core/errors.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/partition/partition_value.hpp>

#include "support/parse_number.hpp"

namespace chronicle::cli {
namespace {

constexpr std::uint64_t kNsPerSecond = 1'000'000'000;

// Reads exactly `n` digits at `pos` of `text`, advancing `pos`.
bool digits(std::string_view text, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += n;
  return true;
}

bool literal(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

Error bad_form(std::string_view text) {
  return invalid_argument(
      "'{}' is not a time: expected ISO-8601 with an offset, like 2026-01-29T14:03:07Z, "
      "2026-01-29T14:03:07.123456789Z or 2026-01-29T15:03:07+01:00, or nanoseconds since "
      "1970-01-01T00:00:00Z",
      escape_bytes(text));
}

}  // namespace

Result<std::uint64_t> parse_time_point(std::string_view text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    if (auto ns = parse_decimal_u64(text)) return *ns;
    return invalid_argument("'{}' is out of range: at most 18446744073709551615 nanoseconds",
                            escape_bytes(text));
  }
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, pos, 4, year) || !literal(text, pos, '-') || !digits(text, pos, 2, month) ||
      !literal(text, pos, '-') || !digits(text, pos, 2, day) || !literal(text, pos, 'T') ||
      !digits(text, pos, 2, hour) || !literal(text, pos, ':') || !digits(text, pos, 2, minute)) {
    return bad_form(text);
  }
  if (literal(text, pos, ':') && !digits(text, pos, 2, second)) return bad_form(text);
  std::uint64_t fraction = 0;
  if (literal(text, pos, '.')) {
    std::size_t n = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++n > 9) {
        return invalid_argument("'{}': at most 9 digits of a second (nanoseconds)",
                                escape_bytes(text));
      }
      fraction = fraction * 10 + static_cast<std::uint64_t>(text[pos++] - '0');
    }
    if (n == 0) return bad_form(text);
    for (; n < 9; ++n) fraction *= 10;
  }
  std::int64_t offset_minutes = 0;
  if (literal(text, pos, 'Z')) {
    if (pos != text.size()) return bad_form(text);
  } else {
    if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return bad_form(text);
    auto offset = PartitionScheme::parse_utc_offset(text.substr(pos));
    if (!offset) return bad_form(text);
    offset_minutes = *offset;
  }
  auto date = make_date(year, month, day);
  if (!date) return invalid_argument("'{}': {}", escape_bytes(text), date.error().message());
  if (hour > 23 || minute > 59 || second > 59) {
    return invalid_argument("'{}': the time of day is out of range (00:00:00 to 23:59:59)",
                            escape_bytes(text));
  }
  const std::int64_t seconds =
      date->days * 86'400 + hour * 3'600 + minute * 60 + second - offset_minutes * 60;
  constexpr std::int64_t kMaxSeconds = static_cast<std::int64_t>(UINT64_MAX / kNsPerSecond);
  const bool too_late =
      seconds > kMaxSeconds || (seconds == kMaxSeconds && fraction > UINT64_MAX % kNsPerSecond);
  if (seconds < 0 || too_late) {
    return invalid_argument(
        "'{}' is out of range: expected 1970-01-01T00:00:00Z to 2554-07-21T23:34:33.709551615Z",
        escape_bytes(text));
  }
  return static_cast<std::uint64_t>(seconds) * kNsPerSecond + fraction;
}

}  // namespace chronicle::cli
