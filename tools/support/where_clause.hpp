#pragma once
// The --where key=value options of the table commands. The syntax is checked
// while the command line is parsed; the key and the value's type only once
// the table's scheme is known.
//
// Each clause is an exact match on one key, the value in its text form
// (partition_value.hpp: 2026-01-29 for a date, -12 for an int, any bytes for
// a string, unescaped). Clauses on different keys must all hold; several
// clauses on the same key select any of their values:
//
//   --where symbol=AAPL --where symbol=MSFT --where date=2026-01-29
//   = symbol in {AAPL, MSFT} and date = 2026-01-29

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/table/partition/partition_filter.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>

namespace chronicle::cli {

struct WhereClause {
  std::string key;
  std::string value;
};

// Splits "key=value" at the first '='; nullopt without '=' or with an empty
// key. The value may be empty (an empty string value).
std::optional<WhereClause> parse_where_clause(std::string_view text);

// The filter the clauses select (all partitions when there is none).
// InvalidArgument naming the clause when its key is not in the scheme or its
// value does not parse as the key's type.
Result<PartitionFilter> where_filter(const PartitionScheme& scheme,
                                     const std::vector<WhereClause>& clauses);

}  // namespace chronicle::cli
