#pragma once
// The sparse index of one sealed segment of a table partition,
// `NNNNNNNNN.idx` beside the segment. It is derived data: written when the
// segment is sealed, kept when the segment is compressed, rebuilt when
// missing, and never trusted blindly (readers check each entry against the
// record it points to). Layout (little-endian):
//
//   offset size field
//   0      8    magic "CHRSIDX1"
//   8      2    version 1
//   10     2    header size 64
//   12     4    flags: bit 0 = timestamps in this segment are not ordered
//   16     8    segment_id
//   24     8    base_seq
//   32     8    record_count
//   40     8    min_timestamp_ns
//   48     8    max_timestamp_ns
//   56     4    stride: one entry for record 0 and every stride-th record
//   60     4    entry_count
//   64     24×n entries: seq u64, timestamp_ns u64, offset u64 (of the record in the segment)
//   end-8  8    XXH64 of all bytes before it
//
// Thread safety: reading and writing index files are free functions with no
// shared state; an index file is written once, atomically, at seal time.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>

namespace chronicle {

struct IndexEntry {
  std::uint64_t seq = 0;
  std::uint64_t timestamp_ns = 0;
  std::uint64_t offset = 0;
};

struct SegmentIndex {
  std::uint64_t segment_id = 0;
  std::uint64_t base_seq = 0;
  std::uint64_t record_count = 0;
  std::uint64_t min_timestamp_ns = 0;
  std::uint64_t max_timestamp_ns = 0;
  std::uint32_t stride = 1;
  bool ordered = true;
  std::vector<IndexEntry> entries;
};

std::string segment_index_path(const std::string& dir, std::uint64_t id);
// The segment id of an index file name ("NNNNNNNNN.idx", spelled as the
// segment's hot name), or nothing for any other name.
std::optional<std::uint64_t> parse_segment_index_name(std::string_view name);
// The ids of the index files in `dir`, in no particular order.
Result<std::vector<std::uint64_t>> list_segment_indexes(const std::string& dir);

// Writes the index atomically (temp file, rename); `sync` also fsyncs it.
Status write_segment_index(FileSystem& fs, const std::string& dir, const SegmentIndex& index,
                           mode_t mode, bool sync);
// NotFound if absent; Corruption naming the file for any damage (bad magic,
// size, checksum, entries out of order or outside the header's ranges). A
// file over 256 MiB (RELIABILITY S8) is refused as damaged without being
// read, and so is one whose header does not match its size: the segment is
// then scanned instead.
Result<SegmentIndex> read_segment_index(FileSystem& fs, const std::string& dir, std::uint64_t id);

}  // namespace chronicle
