#pragma once
// The value of every key of a scheme for one partition, typed and in scheme
// order.
//
// Thread safety: a value type; const use from any number of threads is safe.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/partition/partition_value.hpp>

namespace chronicle {

class PartitionValues {
 public:
  PartitionValues() = default;

  // Typed values by key name, any order. InvalidArgument for a missing key,
  // an unknown key, a duplicate key, or a value of the wrong type for its key.
  static Result<PartitionValues> create(const PartitionScheme& scheme,
                                        std::vector<std::pair<std::string, PartitionValue>> values);
  // The same from text forms ("date" -> "2026-01-29"), parsed per key type.
  static Result<PartitionValues> parse(const PartitionScheme& scheme,
                                       std::vector<std::pair<std::string, std::string>> values);

  // Values in scheme order.
  const std::vector<PartitionValue>& values() const noexcept { return values_; }
  const PartitionValue& operator[](std::size_t i) const { return values_[i]; }
  std::size_t size() const noexcept { return values_.size(); }
  // A copy with value i replaced. REQUIRES: same type as before.
  PartitionValues with(std::size_t i, PartitionValue v) const;

  // "venue=XNAS/symbol=AAPL/date=2026-01-29" (unescaped; for messages use
  // the escaped path from partition_path.hpp).
  std::string to_string(const PartitionScheme& scheme) const;

  // Lexicographic by key, each key in its natural order: the order
  // partitions are listed and merged in.
  auto operator<=>(const PartitionValues&) const = default;

 private:
  explicit PartitionValues(std::vector<PartitionValue> v) : values_(std::move(v)) {}
  std::vector<PartitionValue> values_;
};

}  // namespace chronicle
