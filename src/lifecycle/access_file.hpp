#pragma once
// The `.access` file of a partition (see AccessTracker). Layout:
//   0   8   magic "CHRACC1\0"
//   8   4   version 1
//   12  4   entry count n
//   16  24n entries: segment_id u64, last_read_ns u64, read_count u64 (ids strictly
//           ascending; anything else is Corruption)
//   end 8   XXH64 of everything before

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/lifecycle/access_tracker.hpp>

namespace chronicle::detail {

std::vector<std::byte> encode_access(const std::map<std::uint64_t, SegmentAccess>& entries);
Result<std::map<std::uint64_t, SegmentAccess>> decode_access(std::span<const std::byte> bytes,
                                                             const std::string& path);

inline std::string access_path(const std::string& dir) { return dir + "/.access"; }

}  // namespace chronicle::detail
