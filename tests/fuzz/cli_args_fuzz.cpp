// libFuzzer target: the option values of the `chronicle` tool that are
// parsed as text (tools/support/). The first input byte picks the parser,
// the rest is the value:
//   0  --from/--to TIME (parse_time_point): a time it accepts, formatted as
//      the tool prints times, parses back to the same nanosecond; a value of
//      digits only is that number of nanoseconds;
//   1  --where KEY=VALUE, one clause per line, against the scheme below
//      (parse_where_clause, where_filter): a clause splits at its first
//      '='; a filter that is built is valid for the scheme, selects the
//      partition holding the first value given for each named key, and no
//      partition whose value of a named key lies above all those given;
//   2  --policy (parse_policy): a policy it accepts is valid and, spelled
//      again, parses to the same policy.
// A first byte of 0xF0 or above picks instead the numbers (--level,
// --workers, --count: parse_decimal_u64, parse_decimal_i64): accepted
// exactly when the text is decimal digits (after one '-' for the signed
// form) whose value fits, and then the value prints back as the text
// without its leading zeros.
// Every refusal is InvalidArgument (a usage error), never an exception.
#include <chronicle/table/partition/partition_values.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format/time_format.hpp"
#include "fuzz_check.hpp"
#include "support/parse_number.hpp"
#include "support/parse_policy.hpp"
#include "support/parse_time.hpp"
#include "support/where_clause.hpp"

namespace {

using namespace chronicle;

void check_time(std::string_view text) {
  auto ns = cli::parse_time_point(text);
  if (!ns) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(ns.error(), Errc::InvalidArgument));
    return;
  }
  auto again = cli::parse_time_point(cli::format_iso8601_ns(*ns));
  CHRONICLE_FUZZ_CHECK(again.has_value() && *again == *ns);
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    const std::size_t digit = text.find_first_not_of('0');
    const std::string_view plain = digit == std::string_view::npos ? "0" : text.substr(digit);
    CHRONICLE_FUZZ_CHECK(std::to_string(*ns) == plain);
  }
}

const PartitionScheme& where_scheme() {
  static const PartitionScheme scheme = PartitionScheme::create({{"symbol", KeyType::String, 0},
                                                                 {"date", KeyType::Date, 0},
                                                                 {"shard", KeyType::Int, 0},
                                                                 {"hour", KeyType::Hour, 60},
                                                                 {"minute", KeyType::Minute, 0}})
                                            .value();
  return scheme;
}

// A value of each key type, for keys no clause names.
PartitionValue any_value(KeyType type) {
  switch (type) {
    case KeyType::String:
      return PartitionValue(std::string());
    case KeyType::Int:
      return PartitionValue(std::int64_t{0});
    case KeyType::Date:
      return PartitionValue(Date{0});
    case KeyType::Hour:
      return PartitionValue(Hour{0});
    case KeyType::Minute:
      return PartitionValue(Minute{0});
  }
  return PartitionValue();
}

// A value of the same type that orders just after `v`, or nullopt at the end
// of the type's range.
std::optional<PartitionValue> successor(const PartitionValue& v) {
  switch (v.type()) {
    case KeyType::String:
      return PartitionValue(v.as_string() + '\0');
    case KeyType::Int:
      if (v.as_int() == INT64_MAX) return std::nullopt;
      return PartitionValue(v.as_int() + 1);
    case KeyType::Date:
      return PartitionValue(Date{v.as_date().days + 1});
    case KeyType::Hour:
      return PartitionValue(Hour{v.as_hour().hours + 1});
    case KeyType::Minute:
      return PartitionValue(Minute{v.as_minute().minutes + 1});
  }
  return std::nullopt;
}

void check_where(std::string_view text) {
  const PartitionScheme& scheme = where_scheme();
  std::vector<cli::WhereClause> clauses;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    auto clause = cli::parse_where_clause(line);
    const std::size_t eq = line.find('=');
    CHRONICLE_FUZZ_CHECK(clause.has_value() == (eq != std::string_view::npos && eq != 0));
    if (clause) {
      CHRONICLE_FUZZ_CHECK(clause->key + "=" + clause->value == line);
      clauses.push_back(std::move(*clause));
    }
    start = end + 1;
  }
  auto filter = cli::where_filter(scheme, clauses);
  if (!filter) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(filter.error(), Errc::InvalidArgument));
    return;
  }
  CHRONICLE_FUZZ_CHECK(filter->validate(scheme).has_value());
  // The values given per key, in scheme order.
  std::vector<std::vector<PartitionValue>> given(scheme.size());
  for (const cli::WhereClause& c : clauses) {
    const std::size_t i = scheme.index_of(c.key).value();
    given[i].push_back(PartitionValue::parse(scheme.keys()[i].type, c.value).value());
  }
  // The partition with the first value given for each named key is
  // selected...
  std::vector<std::pair<std::string, PartitionValue>> values;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const PartitionKey& k = scheme.keys()[i];
    values.emplace_back(k.name, given[i].empty() ? any_value(k.type) : given[i].front());
  }
  auto partition = PartitionValues::create(scheme, std::move(values));
  CHRONICLE_FUZZ_CHECK(partition.has_value());
  CHRONICLE_FUZZ_CHECK(filter->matches(scheme, *partition));
  // ...and none whose value of a named key is above every value given for it.
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (given[i].empty()) continue;
    const auto other = successor(*std::max_element(given[i].begin(), given[i].end()));
    if (other) CHRONICLE_FUZZ_CHECK(!filter->matches(scheme, partition->with(i, *other)));
  }
}

// The --policy spelling of a policy parse_policy can return.
std::string policy_text(const CompressionPolicy& p) {
  using Kind = CompressionPolicy::Kind;
  switch (p.kind()) {
    case Kind::Never:
      return "never";
    case Kind::Immediate:
      return "immediate";
    case Kind::AgeAfter:
      return "age:" + std::to_string(p.days());
    case Kind::IdleAfter:
      return "idle:" + std::to_string(p.days()) + (p.track_reads() ? ":reads" : "");
    case Kind::SizeThreshold:
      return "size:" + std::to_string(p.bytes());
    case Kind::Custom:
      break;
  }
  return "custom";
}

void check_policy(std::string_view text) {
  auto policy = cli::parse_policy(text);
  if (!policy) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(policy.error(), Errc::InvalidArgument));
    return;
  }
  CHRONICLE_FUZZ_CHECK(policy->validate().has_value());
  auto again = cli::parse_policy(policy_text(*policy));
  CHRONICLE_FUZZ_CHECK(again.has_value() && *again == *policy);
}

// Whether the decimal digits `magnitude` (no leading zeros) are at most
// `limit`, also decimal digits without leading zeros.
bool at_most(std::string_view magnitude, std::string_view limit) {
  return magnitude.size() != limit.size() ? magnitude.size() < limit.size() : magnitude <= limit;
}

void check_number(std::string_view text) {
  const bool negative = text.starts_with('-');
  const std::string_view digits = negative ? text.substr(1) : text;
  const bool decimal =
      !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
  const auto u = cli::parse_decimal_u64(text);
  const auto i = cli::parse_decimal_i64(text);
  if (!decimal) {
    CHRONICLE_FUZZ_CHECK(!u && !i);
    return;
  }
  const std::size_t first = digits.find_first_not_of('0');
  const std::string_view magnitude = first == std::string_view::npos ? "0" : digits.substr(first);
  CHRONICLE_FUZZ_CHECK(u.has_value() == (!negative && at_most(magnitude, "18446744073709551615")));
  CHRONICLE_FUZZ_CHECK(i.has_value() ==
                       at_most(magnitude, negative ? "9223372036854775808" : "9223372036854775807"));
  if (u) CHRONICLE_FUZZ_CHECK(std::to_string(*u) == magnitude);
  if (i) {
    const bool minus = negative && magnitude != "0";
    CHRONICLE_FUZZ_CHECK(std::to_string(*i) == (minus ? "-" : "") + std::string(magnitude));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] >= 0xF0) {
    check_number(text);
    return 0;
  }
  switch (data[0] % 3) {
    case 0:
      check_time(text);
      break;
    case 1:
      check_where(text);
      break;
    default:
      check_policy(text);
      break;
  }
  return 0;
}
