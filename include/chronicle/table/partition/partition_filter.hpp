#pragma once
// Which partitions a query reads: all, exact, in, range, and, or, not.
// Comparisons are typed (ints numerically, dates chronologically, strings
// byte-wise). A filter is checked against the scheme before use: an unknown
// key or a value of the wrong type is InvalidArgument.
//
// Thread safety: a value type; const use from any number of threads is safe.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/partition/partition_values.hpp>

namespace chronicle {

class PartitionFilter {
 public:
  // Every partition.
  static PartitionFilter all();
  // key == value.
  static PartitionFilter exact(std::string key, PartitionValue value);
  // key is one of values (an empty set matches nothing).
  static PartitionFilter in(std::string key, std::vector<PartitionValue> values);
  // lo <= key <= hi; a missing bound is open. Both bounds inclusive.
  static PartitionFilter range(std::string key, std::optional<PartitionValue> lo,
                               std::optional<PartitionValue> hi);
  static PartitionFilter and_(std::vector<PartitionFilter> parts);
  static PartitionFilter or_(std::vector<PartitionFilter> parts);
  static PartitionFilter not_(PartitionFilter part);

  // InvalidArgument naming the key or value that does not fit the scheme,
  // or a nesting deeper than 64.
  Status validate(const PartitionScheme& scheme) const;
  // REQUIRES: validate(scheme) succeeded.
  bool matches(const PartitionScheme& scheme, const PartitionValues& values) const;

  // A readable form, e.g. `date in [2026-01-27, 2026-01-29] and venue = "XNAS"`.
  std::string to_string() const;

 private:
  struct Node;
  explicit PartitionFilter(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;
};

}  // namespace chronicle
