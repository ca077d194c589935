#include "partition_files.hpp"

#include <string>

#include <chronicle/core/temp_name.hpp>
#include <chronicle/segment/segment_naming.hpp>

namespace chronicle::detail {

namespace {

// NNNNNNNNN.idx, spelled as its segment's hot name would be.
bool is_index_name(std::string_view name) {
  constexpr std::string_view kIndexSuffix = ".idx";
  if (!name.ends_with(kIndexSuffix)) return false;
  const std::string hot = std::string(name.substr(0, name.size() - kIndexSuffix.size())) + ".q";
  return parse_segment_file_name(hot).has_value();
}

bool is_segment_or_index_name(std::string_view name) {
  return parse_segment_file_name(name).has_value() || is_index_name(name);
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
