#include <chronicle/table/partition/partition_values.hpp>

#include <cassert>
#include <optional>

#include <fmt/format.h>

#include <chronicle/core/errors.hpp>

namespace chronicle {
namespace {

std::string key_list(const PartitionScheme& scheme) {
  std::string out;
  for (const PartitionKey& k : scheme.keys()) {
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out;
}

Result<std::size_t> find_key(const PartitionScheme& scheme, std::string_view name) {
  if (auto i = scheme.index_of(name)) return *i;
  return invalid_argument("partition key \"{}\" is not in the scheme: expected one of {}",
                          escape_bytes(name), key_list(scheme));
}

}  // namespace

Result<PartitionValues> PartitionValues::create(
    const PartitionScheme& scheme, std::vector<std::pair<std::string, PartitionValue>> values) {
  std::vector<std::optional<PartitionValue>> slots(scheme.size());
  for (auto& [name, value] : values) {
    auto i = find_key(scheme, name);
    if (!i) return std::move(i).error();
    const PartitionKey& key = scheme.keys()[*i];
    if (slots[*i]) {
      return invalid_argument("partition key \"{}\" is given twice: expected one value per key",
                              key.name);
    }
    if (value.type() != key.type) {
      return invalid_argument(
          "partition key \"{}\" got the {} value \"{}\": expected a value of "
          "type {}",
          key.name, key_type_name(value.type()), escape_bytes(value.to_string()),
          key_type_name(key.type));
    }
    slots[*i] = std::move(value);
  }
  std::vector<PartitionValue> ordered;
  ordered.reserve(slots.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (!slots[i]) {
      return invalid_argument("partition key \"{}\" has no value: expected a value for each of {}",
                              scheme.keys()[i].name, key_list(scheme));
    }
    ordered.push_back(std::move(*slots[i]));
  }
  return PartitionValues(std::move(ordered));
}

Result<PartitionValues> PartitionValues::parse(
    const PartitionScheme& scheme, std::vector<std::pair<std::string, std::string>> values) {
  std::vector<std::pair<std::string, PartitionValue>> typed;
  typed.reserve(values.size());
  for (auto& [name, text] : values) {
    auto i = find_key(scheme, name);
    if (!i) return std::move(i).error();
    auto value = PartitionValue::parse(scheme.keys()[*i].type, text);
    if (!value) {
      return invalid_argument("partition key \"{}\": {}", name, value.error().message());
    }
    typed.emplace_back(std::move(name), std::move(*value));
  }
  return create(scheme, std::move(typed));
}

PartitionValues PartitionValues::with(std::size_t i, PartitionValue v) const {
  assert(i < values_.size() && values_[i].type() == v.type());
  PartitionValues copy = *this;
  copy.values_[i] = std::move(v);
  return copy;
}

std::string PartitionValues::to_string(const PartitionScheme& scheme) const {
  std::string out;
  for (std::size_t i = 0; i < values_.size() && i < scheme.size(); ++i) {
    if (i > 0) out += '/';
    out += fmt::format("{}={}", scheme.keys()[i].name, values_[i].to_string());
  }
  return out;
}

}  // namespace chronicle
