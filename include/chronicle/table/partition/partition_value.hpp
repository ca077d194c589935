#pragma once
// Typed partition values. Each key of a PartitionScheme has a type; values of
// that type compare in their natural order (ints numerically, dates, hours
// and minutes chronologically, strings byte-wise), never as text.
//
// Text forms (used in directory names, _table.json and the CLI):
//   String  any bytes (escaped in paths, see partition_path.hpp)
//   Int     decimal, optional '-', no '+', no leading zeros ("0", "-12", "907")
//   Date    YYYY-MM-DD            (proleptic Gregorian, years 0001-9999)
//   Hour    YYYY-MM-DDTHH         (HH 00-23)
//   Minute  YYYY-MM-DDTHH:MM      (MM 00-59)
// A date-like key may carry a fixed UTC offset (e.g. +05:30): the value then
// names the local calendar date/hour/minute at that offset; a timestamp maps
// to the value in which it falls at that offset.
//
// Thread safety: a value type; const use from any number of threads is safe.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <chronicle/core/error.hpp>

namespace chronicle {

enum class KeyType : std::uint8_t { String, Int, Date, Hour, Minute };

// "string", "int", "date", "hour", "minute".
std::string_view key_type_name(KeyType type) noexcept;
Result<KeyType> parse_key_type(std::string_view name);

// Whole days / hours / minutes since 1970-01-01 (local to the key's offset).
struct Date {
  std::int64_t days;
  auto operator<=>(const Date&) const = default;
};
struct Hour {
  std::int64_t hours;
  auto operator<=>(const Hour&) const = default;
};
struct Minute {
  std::int64_t minutes;
  auto operator<=>(const Minute&) const = default;
};

class PartitionValue {
 public:
  PartitionValue() : v_(std::string()) {}
  PartitionValue(std::string s) : v_(std::move(s)) {}  // NOLINT: implicit by design
  PartitionValue(const char* s) : v_(std::string(s)) {}  // NOLINT
  PartitionValue(std::int64_t i) : v_(i) {}  // NOLINT
  PartitionValue(int i) : v_(static_cast<std::int64_t>(i)) {}  // NOLINT
  PartitionValue(Date d) : v_(d) {}  // NOLINT
  PartitionValue(Hour h) : v_(h) {}  // NOLINT
  PartitionValue(Minute m) : v_(m) {}  // NOLINT

  KeyType type() const noexcept { return static_cast<KeyType>(v_.index()); }
  // REQUIRES: type() matches.
  const std::string& as_string() const { return std::get<std::string>(v_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  Date as_date() const { return std::get<Date>(v_); }
  Hour as_hour() const { return std::get<Hour>(v_); }
  Minute as_minute() const { return std::get<Minute>(v_); }

  // The text form above (strings unescaped).
  std::string to_string() const;
  // Parses the text form of `type`. InvalidArgument quoting the text (escaped)
  // and the expected form: "-0", "+5", "007", "1e3", " 5", an int that
  // overflows, "2026-02-30", "2023-02-29", "0000-01-01", hour 24, minute 60
  // are all refused.
  static Result<PartitionValue> parse(KeyType type, std::string_view text);

  // Values of the same type compare naturally; values of different types
  // order by type (callers validate types first).
  std::strong_ordering operator<=>(const PartitionValue& other) const noexcept;
  bool operator==(const PartitionValue& other) const noexcept = default;

 private:
  std::variant<std::string, std::int64_t, Date, Hour, Minute> v_;
};

// Calendar helpers, exact for years 0001-9999.
Result<Date> make_date(int year, int month, int day);
void civil_from_days(std::int64_t days, int& year, int& month, int& day) noexcept;

}  // namespace chronicle
