#pragma once
// What is known about one segment of a partition without reading its
// records: the input of compression policies and of `chronicle ls`.
//
// Thread safety: a plain value.

#include <cstdint>
#include <optional>
#include <string>

#include <chronicle/segment/segment_naming.hpp>

namespace chronicle {

struct SegmentInfo {
  std::string partition;            // relative partition directory
  std::string path;                 // file path
  std::uint64_t segment_id = 0;
  SegmentTier tier = SegmentTier::Hot;
  std::uint64_t size_on_disk = 0;   // bytes of the file
  std::uint64_t used_bytes = 0;     // end_of_data (sealed) or bytes up to the last record
  std::uint64_t record_count = 0;
  std::uint64_t min_timestamp_ns = 0;
  std::uint64_t max_timestamp_ns = 0;
  std::uint64_t created_ns = 0;     // from the segment header
  std::uint64_t modified_ns = 0;    // file mtime: when it was sealed (or compressed)
  std::optional<std::uint64_t> last_read_ns;  // from the access tracker, when tracked
  std::uint64_t read_count = 0;
  bool sealed = false;

  // The segment's age reference: its newest record's timestamp, or its
  // modification time when it holds no record or that is unknown.
  std::uint64_t age_reference_ns() const noexcept {
    return record_count > 0 ? max_timestamp_ns : modified_ns;
  }
};

}  // namespace chronicle
