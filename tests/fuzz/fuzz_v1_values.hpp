#pragma once
// The check of v1 (chronicle-rs) partition directory values shared by
// partition_path_fuzz and v1_table_fuzz: parse_v1_partition_value gives a
// value of the type asked for whose v1 text is the input, or InvalidArgument.
#include <chronicle/ipc/v1/v1_table.hpp>

#include <string>
#include <string_view>

#include "fuzz_check.hpp"

namespace chronicle::fuzz {

// The v1 spelling of a chronicle value's text: YYYY-MM-DD-HH for an hour,
// YYYY-MM-DD-HH-mm for a minute.
inline std::string v1_text(const PartitionValue& v) {
  std::string text = v.to_string();
  if (v.type() == KeyType::Hour || v.type() == KeyType::Minute) {
    for (char& c : text) {
      if (c == 'T' || c == ':') c = '-';
    }
  }
  return text;
}

inline void check_v1_value(std::string_view text) {
  for (KeyType type :
       {KeyType::String, KeyType::Int, KeyType::Date, KeyType::Hour, KeyType::Minute}) {
    auto value = ipc::v1::parse_v1_partition_value(type, text);
    if (!value) {
      CHRONICLE_FUZZ_CHECK(is_input_error(value.error(), Errc::InvalidArgument));
      continue;
    }
    CHRONICLE_FUZZ_CHECK(value->type() == type && v1_text(*value) == text);
  }
}

}  // namespace chronicle::fuzz
