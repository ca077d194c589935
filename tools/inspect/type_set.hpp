#pragma once
// The record type ids `cat --type` selects: all of them, or a given set.

#include <bitset>
#include <cstdint>
#include <vector>

namespace chronicle::cli {

class TypeSet {
 public:
  // Every type when `types` is empty.
  explicit TypeSet(const std::vector<std::uint16_t>& types) : all_(types.empty()) {
    for (const std::uint16_t t : types) bits_.set(t);
  }
  bool contains(std::uint16_t type_id) const noexcept { return all_ || bits_.test(type_id); }

 private:
  bool all_;
  std::bitset<65536> bits_;
};

}  // namespace chronicle::cli
