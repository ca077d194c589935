#pragma once
// The keys that partition a table, in directory order: scheme
// venue(string) / symbol(string) / date(date) gives partition directories
// `venue=XNAS/symbol=AAPL/date=2026-01-29/`.
//
// Thread safety: a value type; const use from any number of threads is safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/table/partition/partition_value.hpp>

namespace chronicle {

struct PartitionKey {
  std::string name;
  KeyType type = KeyType::String;
  // Date, Hour and Minute keys only: a fixed offset from UTC, in minutes
  // (-1439..1439; +05:30 is 330). Timestamps map to values in this offset.
  std::int32_t utc_offset_minutes = 0;

  bool operator==(const PartitionKey&) const = default;
};

class PartitionScheme {
 public:
  PartitionScheme() = default;
  // Validates the keys: 1 to 16 keys; names non-empty, unique, at most 64
  // bytes of [A-Za-z0-9_] not starting with a digit; offsets only on
  // date-like keys and within a day. InvalidArgument naming the bad key.
  static Result<PartitionScheme> create(std::vector<PartitionKey> keys);

  const std::vector<PartitionKey>& keys() const noexcept { return keys_; }
  std::size_t size() const noexcept { return keys_.size(); }
  // Index of the key called `name`, if any.
  std::optional<std::size_t> index_of(std::string_view name) const noexcept;

  // "+HH:MM" / "-HH:MM" (Z is not accepted; write +00:00).
  static Result<std::int32_t> parse_utc_offset(std::string_view text);
  static std::string format_utc_offset(std::int32_t minutes);

  bool operator==(const PartitionScheme&) const = default;

 private:
  explicit PartitionScheme(std::vector<PartitionKey> keys) : keys_(std::move(keys)) {}
  std::vector<PartitionKey> keys_;
};

}  // namespace chronicle
