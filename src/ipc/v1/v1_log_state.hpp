#pragma once
// The state of a V1LogReader, shared by its reading (v1_log_reader.cpp) and
// seeking (v1_log_seek.cpp) halves.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <chronicle/ipc/v1/v1_log_reader.hpp>

#include "v1_seek_index.hpp"
#include "v1_segment_bytes.hpp"

namespace chronicle::ipc::v1 {

struct V1LogReader::State {
  // Outcome of reading the record at the current position.
  enum class At : std::uint8_t { Record, SegmentEnd, Error };

  std::string dir;
  FileSystem* fs = nullptr;
  std::vector<V1SegmentFile> segments;
  std::vector<std::string> ignored;

  // Position: segment `seg` (segments.size() = the end), record at `offset`.
  std::size_t seg = 0;
  std::optional<detail::SegmentBytes> bytes;  // segment `seg`, once opened
  std::string where;                          // its path for messages
  std::uint64_t offset = kSegmentHeaderSize;
  bool segment_start = true;                  // no record read in this segment yet
  std::optional<std::uint64_t> expect_seq;    // the seq that continues the session
  // Counted while a segment is read from its start, to check it against the
  // segment's seek index at its end.
  bool from_start = true;
  std::uint64_t in_segment = 0;
  Status status;

  // Seek indexes by segment position, loaded on first use.
  enum class IndexState : std::uint8_t { NotLoaded, Unusable, Loaded };
  std::vector<IndexState> index_state;
  std::vector<detail::SeekIndex> indexes;

  // Opens segment i (if not open) with its checks; false with status set.
  bool open_segment(std::size_t i) noexcept;
  // Positions before the first record of segment i (i = segments.size(): the end).
  void position_at_start(std::size_t i) noexcept;
  // Positions at the record `e` of segment i's index points to, after
  // checking that it is that record; false if it is not (or on an error,
  // with status set).
  bool position_at_entry(std::size_t i, const SeekIndexEntry& e) noexcept;
  // Whether segment i's seek index shows that every record is below ts,
  // checked against the records from its last entry to the segment end (see
  // seek_timestamp). Moves the reader; false with status set on an error.
  bool below_by_index(std::size_t i, const detail::SeekIndex& index, std::uint64_t ts) noexcept;
  // Reads the record at the position and, on Record, moves past it.
  At read_at(RecordView& out) noexcept;
  // The data of the open segment end at `offset`.
  At segment_end() noexcept;
  // The seek index of segment i if it is present and consistent, else null.
  const detail::SeekIndex* seek_index(std::size_t i) noexcept;
  At fail(Error e) noexcept {
    status = std::move(e);
    return At::Error;
  }
};

}  // namespace chronicle::ipc::v1
