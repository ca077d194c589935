#pragma once
// Describing the segments of a partition without reading their records,
// except the live segment's, which has no seal block or index to answer from.

#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/table/segment_info.hpp>

namespace chronicle::detail {

// Every segment of the log in `dir` (`relative` names the partition).
// `index_bytes`, if set, receives the size of the partition's index files.
Result<std::vector<SegmentInfo>> describe_segments(FileSystem& fs, const std::string& dir,
                                                   const std::string& relative,
                                                   std::uint64_t* index_bytes);

}  // namespace chronicle::detail
