#pragma once
// Reads the seek index (.idx) of a v1 segment. The index is a hint, never
// the truth: any inconsistency makes it unusable (the error says why) and
// the reader scans instead; entries that pass are still checked against the
// records they point to before a seek trusts them.

#include <cstdint>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/ipc/v1/v1_format.hpp>

namespace chronicle::ipc::v1::detail {

struct SeekIndex {
  SeekIndexHeader header{};
  std::vector<SeekIndexEntry> entries;
  // The entries' timestamps never decrease and the first is the segment's
  // minimum, so a binary search over them is meaningful. (v1 accepted
  // out-of-order appends; see V1LogReader::seek_timestamp.)
  bool ordered = false;
};

// Corruption naming the file and field for anything inconsistent: magic,
// version, lengths, the partial flag, a different segment id, counts that do
// not match the seq range and stride, entries out of order or out of range.
Result<SeekIndex> read_seek_index(FileSystem& fs, const std::string& path,
                                  std::uint64_t segment_id);

}  // namespace chronicle::ipc::v1::detail
