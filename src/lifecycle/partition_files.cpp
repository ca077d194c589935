#include "partition_files.hpp"

#include <string>

#include <chronicle/core/temp_name.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/table/segment_index.hpp>

namespace chronicle::detail {

namespace {

bool is_segment_or_index_name(std::string_view name) {
  return parse_segment_file_name(name).has_value() || parse_segment_index_name(name).has_value();
}

}  // namespace

bool is_partition_file_name(std::string_view name) {
  if (name == ".lock" || name == ".lifecycle.lock" || name == ".access" ||
      name == ".access.lock" || name.starts_with(".access.tmp-")) {
    return true;
  }
  const auto marker = name.find(kTempMarker);
  return is_segment_or_index_name(marker == std::string_view::npos ? name : name.substr(0, marker));
}

}  // namespace chronicle::detail
