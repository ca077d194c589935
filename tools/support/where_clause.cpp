#include "support/where_clause.hpp"

#include <map>

#include <chronicle/core/errors.hpp>

namespace chronicle::cli {
namespace {

std::string key_list(const PartitionScheme& scheme) {
  std::string out;
  for (const PartitionKey& k : scheme.keys()) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} ({})", k.name, key_type_name(k.type));
  }
  return out;
}

}  // namespace

std::optional<WhereClause> parse_where_clause(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return WhereClause{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Result<PartitionFilter> where_filter(const PartitionScheme& scheme,
                                     const std::vector<WhereClause>& clauses) {
  if (clauses.empty()) return PartitionFilter::all();
  // Values per key, in scheme order so that the filter reads naturally.
  std::map<std::size_t, std::vector<PartitionValue>> by_key;
  for (const WhereClause& c : clauses) {
    const auto index = scheme.index_of(c.key);
    if (!index) {
      return invalid_argument("--where '{}={}': the table has no key '{}' (its keys: {})",
                              escape_bytes(c.key), escape_bytes(c.value), escape_bytes(c.key),
                              key_list(scheme));
    }
    const PartitionKey& key = scheme.keys()[*index];
    auto value = PartitionValue::parse(key.type, c.value);
    if (!value) {
      return invalid_argument("--where '{}={}': key {} is of type {}: {}", escape_bytes(c.key),
                              escape_bytes(c.value), key.name, key_type_name(key.type),
                              value.error().message());
    }
    by_key[*index].push_back(std::move(*value));
  }
  std::vector<PartitionFilter> parts;
  for (auto& [index, values] : by_key) {
    const std::string& name = scheme.keys()[index].name;
    parts.push_back(values.size() == 1 ? PartitionFilter::exact(name, std::move(values.front()))
                                       : PartitionFilter::in(name, std::move(values)));
  }
  if (parts.size() == 1) return std::move(parts.front());
  return PartitionFilter::and_(std::move(parts));
}

}  // namespace chronicle::cli
