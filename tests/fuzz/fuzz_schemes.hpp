#pragma once
// The partition schemes partition_path_fuzz picks from with its first input
// byte (shared with fuzz_seeds.cpp, which writes real paths of each).

#include <vector>

#include <chronicle/table/partition/partition_scheme.hpp>

namespace chronicle::fuzz {

inline const std::vector<PartitionScheme>& partition_schemes() {
  static const std::vector<PartitionScheme> all = [] {
    std::vector<PartitionScheme> s;
    s.push_back(PartitionScheme::create({{"venue", KeyType::String, 0}, {"date", KeyType::Date, 0}})
                    .value());
    s.push_back(
        PartitionScheme::create({{"symbol", KeyType::String, 0}, {"hour", KeyType::Hour, 330}})
            .value());
    s.push_back(
        PartitionScheme::create({{"channel", KeyType::Int, 0}, {"minute", KeyType::Minute, -240}})
            .value());
    s.push_back(PartitionScheme::create({{"s", KeyType::String, 0}}).value());
    s.push_back(PartitionScheme::create(
                    {{"a", KeyType::Int, 0}, {"b", KeyType::String, 0}, {"c", KeyType::Date, 60}})
                    .value());
    return s;
  }();
  return all;
}

}  // namespace chronicle::fuzz
