// libFuzzer target: partition directory names, the text chronicle reads back
// from disk to learn a partition's values. The first input byte picks one of
// the schemes of fuzz_schemes.hpp; the rest is a relative path
// `key=value/...`. Checked:
//   - parse_partition_path accepts only canonical paths: what it accepts,
//     written again by partition_path, is the very same text, so no two
//     directories name one partition; those values written with every other
//     scheme succeed exactly when the key types match and each component fits
//     in 255 bytes, and read back equal;
//   - the rest as one directory name of each key (parse_partition_component):
//     accepted only in its canonical spelling; a key index past the scheme
//     is refused;
//   - the writing side with values from the input (partition_path): the rest
//     as a string value, and its first 8 bytes as an int, a date, an hour
//     and a minute count, in place of one key's value: written exactly when
//     the component fits in 255 bytes and a date-like value lies in years
//     0001-9999, and what is written reads back as those values;
//   - the rest as an escaped value: unescape_partition_value accepts only
//     what escape_partition_value writes;
//   - the rest as a raw value: it escapes to one safe path component (no
//     '/', never "." or "..", no leading '.') that unescapes to it;
//   - the rest as a v1 (chronicle-rs) directory value of each key type:
//     parse_v1_partition_value gives a value of that type whose v1 text is
//     the input;
//   - the rest as a key type name (parse_key_type), its first 4 bytes as a
//     calendar date (make_date, against the calendar rules written out), and
//     values made of it compared (operator<=>: ints, counts and bytes in
//     their natural order, types by their order).
// Every refusal is InvalidArgument.
#include <chronicle/ipc/v1/v1_table.hpp>
#include <chronicle/table/partition/partition_path.hpp>

#include <algorithm>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fuzz_check.hpp"
#include "fuzz_schemes.hpp"
#include "fuzz_v1_values.hpp"

namespace {

using namespace chronicle;

void check_write(const PartitionScheme& scheme, const PartitionValues& values);

void check_path(const PartitionScheme& scheme, std::string_view path) {
  auto values = parse_partition_path(scheme, path);
  if (!values) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(values.error(), Errc::InvalidArgument));
    return;
  }
  CHRONICLE_FUZZ_CHECK(values->size() == scheme.size());
  auto written = partition_path(scheme, *values);
  CHRONICLE_FUZZ_CHECK(written.has_value() && *written == path);
  for (const PartitionScheme& other : fuzz::partition_schemes()) check_write(other, *values);
}

void check_escaping(std::string_view text) {
  if (auto value = unescape_partition_value(text)) {
    CHRONICLE_FUZZ_CHECK(escape_partition_value(*value) == text);
  } else {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(value.error(), Errc::InvalidArgument));
  }
  const std::string escaped = escape_partition_value(text);
  CHRONICLE_FUZZ_CHECK(escaped.find('/') == std::string::npos);
  CHRONICLE_FUZZ_CHECK(escaped.empty() == text.empty());
  CHRONICLE_FUZZ_CHECK(escaped.empty() || escaped.front() != '.');
  auto back = unescape_partition_value(escaped);
  CHRONICLE_FUZZ_CHECK(back.has_value() && *back == text);
}

constexpr std::size_t kNameMax = 255;

// The first 8 bytes of `text` (zeros after its end), as an integer.
std::int64_t int_of(std::string_view text) {
  std::uint64_t u = 0;
  if (!text.empty()) std::memcpy(&u, text.data(), std::min<std::size_t>(text.size(), 8));
  return static_cast<std::int64_t>(u);
}

bool is_leap(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

bool is_calendar_date(int y, int m, int d) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= (m == 2 && is_leap(y) ? 29 : kDays[m - 1]);
}

// Floor division, for the day a count of hours or minutes falls on.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0 && a < 0) ? 1 : 0);
}

// Whether a date-like value's day lies in years 0001-9999, the only ones
// with a directory.
bool in_calendar(const PartitionValue& v) {
  static const std::int64_t first = make_date(1, 1, 1).value().days;
  static const std::int64_t last = make_date(9999, 12, 31).value().days;
  std::int64_t day = 0;
  switch (v.type()) {
    case KeyType::Date: day = v.as_date().days; break;
    case KeyType::Hour: day = floor_div(v.as_hour().hours, 24); break;
    case KeyType::Minute: day = floor_div(v.as_minute().minutes, 1440); break;
    default: return true;
  }
  return day >= first && day <= last;
}

// Whether partition_path must write `values` for `scheme`.
bool writable(const PartitionScheme& scheme, const PartitionValues& values) {
  if (values.size() != scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const PartitionKey& key = scheme.keys()[i];
    if (values[i].type() != key.type || !in_calendar(values[i])) return false;
    if (key.name.size() + 1 + escape_partition_value(values[i].to_string()).size() > kNameMax) {
      return false;
    }
  }
  return true;
}

// partition_path writes `values` exactly when it must, as a path that reads
// back as the same values.
void check_write(const PartitionScheme& scheme, const PartitionValues& values) {
  auto written = partition_path(scheme, values);
  if (!writable(scheme, values)) {
    CHRONICLE_FUZZ_CHECK(!written && fuzz::is_input_error(written.error(), Errc::InvalidArgument));
    return;
  }
  CHRONICLE_FUZZ_CHECK(written.has_value());
  auto back = parse_partition_path(scheme, *written);
  CHRONICLE_FUZZ_CHECK(back.has_value() && *back == values);
}

// Values of every key type, valid, to put one value from the input among.
const PartitionValues& base_values(std::size_t which) {
  static const std::vector<PartitionValues> all = [] {
    std::vector<PartitionValues> out;
    for (const PartitionScheme& scheme : fuzz::partition_schemes()) {
      std::vector<std::pair<std::string, std::string>> texts;
      for (const PartitionKey& key : scheme.keys()) {
        const char* text = key.type == KeyType::String ? "x"
                           : key.type == KeyType::Int  ? "0"
                           : key.type == KeyType::Date ? "2026-01-29"
                           : key.type == KeyType::Hour ? "2026-01-29T14"
                                                       : "2026-01-29T14:03";
        texts.emplace_back(key.name, text);
      }
      out.push_back(PartitionValues::parse(scheme, texts).value());
    }
    return out;
  }();
  return all[which];
}

void check_writing(std::size_t which, std::string_view rest) {
  const PartitionScheme& scheme = fuzz::partition_schemes()[which];
  const PartitionValues& base = base_values(which);
  const std::int64_t n = int_of(rest);
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    switch (scheme.keys()[i].type) {
      case KeyType::String: check_write(scheme, base.with(i, std::string(rest))); break;
      case KeyType::Int: check_write(scheme, base.with(i, n)); break;
      case KeyType::Date: check_write(scheme, base.with(i, Date{n})); break;
      case KeyType::Hour: check_write(scheme, base.with(i, Hour{n})); break;
      case KeyType::Minute: check_write(scheme, base.with(i, Minute{n})); break;
    }
  }
}

void check_components(const PartitionScheme& scheme, std::string_view rest) {
  auto past = parse_partition_component(scheme, scheme.size(), rest);
  CHRONICLE_FUZZ_CHECK(!past && fuzz::is_input_error(past.error(), Errc::InvalidArgument));
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const PartitionKey& key = scheme.keys()[i];
    auto value = parse_partition_component(scheme, i, rest);
    if (!value) {
      CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(value.error(), Errc::InvalidArgument));
      continue;
    }
    CHRONICLE_FUZZ_CHECK(value->type() == key.type);
    CHRONICLE_FUZZ_CHECK(key.name + "=" + escape_partition_value(value->to_string()) == rest);
  }
}

void check_key_type(std::string_view rest) {
  auto type = parse_key_type(rest);
  const bool known = rest == "string" || rest == "int" || rest == "date" || rest == "hour" ||
                     rest == "minute";
  CHRONICLE_FUZZ_CHECK(type.has_value() == known);
  if (type) {
    CHRONICLE_FUZZ_CHECK(key_type_name(*type) == rest);
  } else {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(type.error(), Errc::InvalidArgument));
  }
}

void check_date(std::string_view rest) {
  if (rest.size() < 4) return;
  std::int16_t y16;
  std::memcpy(&y16, rest.data(), 2);
  const int y = y16;
  const int m = static_cast<signed char>(rest[2]);
  const int d = static_cast<signed char>(rest[3]);
  auto date = make_date(y, m, d);
  CHRONICLE_FUZZ_CHECK(date.has_value() == is_calendar_date(y, m, d));
  if (!date) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(date.error(), Errc::InvalidArgument));
    return;
  }
  int y2 = 0, m2 = 0, d2 = 0;
  civil_from_days(date->days, y2, m2, d2);
  CHRONICLE_FUZZ_CHECK(y2 == y && m2 == m && d2 == d);
  const std::string text = fmt::format("{:04}-{:02}-{:02}", y, m, d);
  CHRONICLE_FUZZ_CHECK(PartitionValue(*date).to_string() == text);
  auto parsed = PartitionValue::parse(KeyType::Date, text);
  CHRONICLE_FUZZ_CHECK(parsed.has_value() && *parsed == PartitionValue(*date));
}

void check_order(std::string_view rest) {
  const std::string_view a = rest.substr(0, rest.size() / 2), b = rest.substr(rest.size() / 2);
  const auto bytes = [](std::string_view s) {
    return std::vector<unsigned char>(s.begin(), s.end());
  };
  CHRONICLE_FUZZ_CHECK((PartitionValue(std::string(a)) <=> PartitionValue(std::string(b))) ==
                       (bytes(a) <=> bytes(b)));
  const std::int64_t x = int_of(rest);
  const std::int64_t y = int_of(rest.size() > 8 ? rest.substr(8) : std::string_view());
  CHRONICLE_FUZZ_CHECK((PartitionValue(x) <=> PartitionValue(y)) == (x <=> y));
  CHRONICLE_FUZZ_CHECK((PartitionValue(Date{x}) <=> PartitionValue(Date{y})) == (x <=> y));
  CHRONICLE_FUZZ_CHECK((PartitionValue(Hour{x}) <=> PartitionValue(Hour{y})) == (x <=> y));
  CHRONICLE_FUZZ_CHECK((PartitionValue(Minute{x}) <=> PartitionValue(Minute{y})) == (x <=> y));
  // Values of different types order by type: string, int, date, hour, minute.
  const PartitionValue typed[] = {PartitionValue(std::string(a)), PartitionValue(x),
                                  PartitionValue(Date{x}), PartitionValue(Hour{x}),
                                  PartitionValue(Minute{x})};
  for (std::size_t i = 0; i + 1 < std::size(typed); ++i) {
    CHRONICLE_FUZZ_CHECK((typed[i] <=> typed[i + 1]) == std::strong_ordering::less);
    CHRONICLE_FUZZ_CHECK((typed[i + 1] <=> typed[i]) == std::strong_ordering::greater);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& schemes = chronicle::fuzz::partition_schemes();
  const std::size_t which = data[0] % schemes.size();
  const PartitionScheme& scheme = schemes[which];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  check_path(scheme, rest);
  check_components(scheme, rest);
  check_writing(which, rest);
  check_escaping(rest);
  fuzz::check_v1_value(rest);
  check_key_type(rest);
  check_date(rest);
  check_order(rest);
  return 0;
}
