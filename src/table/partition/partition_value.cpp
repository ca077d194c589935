#include <chronicle/table/partition/partition_value.hpp>

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include <chronicle/core/errors.hpp>

namespace chronicle {
namespace {

constexpr int kMinYear = 1;
constexpr int kMaxYear = 9999;

bool is_leap_year(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int days_in_month(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

// Howard Hinnant's days_from_civil: counting years from March 1 puts the leap
// day at the end of the year, so a day of the year is a closed formula of the
// month; 400-year eras of 146097 days repeat exactly. REQUIRES: a valid date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Floor quotient and non-negative remainder for b > 0. Nothing is multiplied
// back, so no input overflows (Hour{INT64_MIN} formats, as a bad date).
struct FloorDivMod {
  std::int64_t quot;
  std::int64_t rem;
};
FloorDivMod floor_divmod(std::int64_t a, std::int64_t b) {
  FloorDivMod r{a / b, a % b};
  if (r.rem < 0) {
    r.quot -= 1;
    r.rem += b;
  }
  return r;
}

// Reads exactly n ASCII digits at pos. REQUIRES: pos + n <= text.size().
std::optional<int> read_digits(std::string_view text, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

// `-?(0|[1-9][0-9]*)` within int64.
std::optional<std::int64_t> parse_int(std::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view digits = text.substr(negative ? 1 : 0);
  // 19 digits cannot overflow the uint64 accumulator (10^19 < 2^64).
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  if (digits[0] == '0' && (digits.size() > 1 || negative)) return std::nullopt;
  std::uint64_t magnitude = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    magnitude = magnitude * 10 + static_cast<std::uint64_t>(c - '0');
  }
  const std::uint64_t limit = (std::uint64_t{1} << 63) - (negative ? 0 : 1);
  if (magnitude > limit) return std::nullopt;
  // A negative magnitude is 1..2^63 ("-0" is refused above), so
  // magnitude - 1 fits an int64 and nothing wraps, not even for INT64_MIN.
  return negative ? -static_cast<std::int64_t>(magnitude - 1) - 1
                  : static_cast<std::int64_t>(magnitude);
}

// YYYY-MM-DD, then for hours THH, then for minutes :MM; the count of whole
// units since 1970-01-01T00:00 in the same (local) calendar.
std::optional<std::int64_t> parse_calendar(KeyType type, std::string_view text) {
  const std::size_t length = type == KeyType::Date ? 10 : type == KeyType::Hour ? 13 : 16;
  if (text.size() != length || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = read_digits(text, 0, 4);
  const auto m = read_digits(text, 5, 2);
  const auto d = read_digits(text, 8, 2);
  if (!y || !m || !d || *y < kMinYear || *m < 1 || *m > 12) return std::nullopt;
  if (*d < 1 || *d > days_in_month(*y, *m)) return std::nullopt;
  const std::int64_t days =
      days_from_civil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
  if (type == KeyType::Date) return days;

  if (text[10] != 'T') return std::nullopt;
  const auto hh = read_digits(text, 11, 2);
  if (!hh || *hh > 23) return std::nullopt;
  if (type == KeyType::Hour) return days * 24 + *hh;

  if (text[13] != ':') return std::nullopt;
  const auto mm = read_digits(text, 14, 2);
  if (!mm || *mm > 59) return std::nullopt;
  return days * 1440 + *hh * 60 + *mm;
}

std::string_view expected_form(KeyType type) {
  switch (type) {
    case KeyType::String:
      return "any bytes";
    case KeyType::Int:
      return "a decimal integer from -9223372036854775808 to 9223372036854775807 "
             "(optional '-', no '+', no leading zeros, no \"-0\")";
    case KeyType::Date:
      return "YYYY-MM-DD (a real calendar date, years 0001-9999)";
    case KeyType::Hour:
      return "YYYY-MM-DDTHH (a real calendar date, years 0001-9999, hour 00-23)";
    case KeyType::Minute:
      return "YYYY-MM-DDTHH:MM (a real calendar date, years 0001-9999, hour 00-23, "
             "minute 00-59)";
  }
  return "a known key type";
}

std::string format_date(std::int64_t days) {
  int y = 0, m = 0, d = 0;
  civil_from_days(days, y, m, d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

}  // namespace

std::string_view key_type_name(KeyType type) noexcept {
  switch (type) {
    case KeyType::String:
      return "string";
    case KeyType::Int:
      return "int";
    case KeyType::Date:
      return "date";
    case KeyType::Hour:
      return "hour";
    case KeyType::Minute:
      return "minute";
  }
  return "unknown";
}

Result<KeyType> parse_key_type(std::string_view name) {
  for (KeyType t : {KeyType::String, KeyType::Int, KeyType::Date, KeyType::Hour, KeyType::Minute}) {
    if (name == key_type_name(t)) return t;
  }
  return invalid_argument("key type \"{}\" is invalid: expected string, int, date, hour or minute",
                          escape_bytes(name));
}

Result<Date> make_date(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month)) {
    return invalid_argument(
        "date {:04d}-{:02d}-{:02d} is invalid: expected a real calendar date, years 0001-9999",
        year, month, day);
  }
  return Date{days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day))};
}

// Howard Hinnant's civil_from_days, the inverse of days_from_civil.
void civil_from_days(std::int64_t days, int& year, int& month, int& day) noexcept {
  // Clamping keeps every intermediate and the year within range for any input;
  // the result is exact for about a billion years either side of 1970.
  constexpr std::int64_t kLimit = std::int64_t{1} << 39;
  const std::int64_t z = std::clamp(days, -kLimit, kLimit) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0));
}

std::string PartitionValue::to_string() const {
  switch (type()) {
    case KeyType::String:
      return as_string();
    case KeyType::Int:
      return fmt::format("{}", as_int());
    case KeyType::Date:
      return format_date(as_date().days);
    case KeyType::Hour: {
      const auto [days, hour] = floor_divmod(as_hour().hours, 24);
      return fmt::format("{}T{:02d}", format_date(days), hour);
    }
    case KeyType::Minute: {
      const auto [days, minute] = floor_divmod(as_minute().minutes, 1440);
      return fmt::format("{}T{:02d}:{:02d}", format_date(days), minute / 60, minute % 60);
    }
  }
  return {};
}

Result<PartitionValue> PartitionValue::parse(KeyType type, std::string_view text) {
  switch (type) {
    case KeyType::String:
      return PartitionValue(std::string(text));
    case KeyType::Int:
      if (auto i = parse_int(text)) return PartitionValue(*i);
      break;
    case KeyType::Date:
      if (auto n = parse_calendar(type, text)) return PartitionValue(Date{*n});
      break;
    case KeyType::Hour:
      if (auto n = parse_calendar(type, text)) return PartitionValue(Hour{*n});
      break;
    case KeyType::Minute:
      if (auto n = parse_calendar(type, text)) return PartitionValue(Minute{*n});
      break;
    default:
      return invalid_argument("key type {} is invalid: expected string, int, date, hour or minute",
                              static_cast<unsigned>(type));
  }
  return invalid_argument("{} value \"{}\" is invalid: expected {}", key_type_name(type),
                          escape_bytes(text), expected_form(type));
}

std::strong_ordering PartitionValue::operator<=>(const PartitionValue& other) const noexcept {
  if (v_.index() != other.v_.index()) return v_.index() <=> other.v_.index();
  return std::visit(
      [&other](const auto& a) -> std::strong_ordering {
        // Strings compare as unsigned bytes (char_traits<char>::compare is memcmp).
        return a <=> *std::get_if<std::decay_t<decltype(a)>>(&other.v_);
      },
      v_);
}

}  // namespace chronicle
