#pragma once
// Reads a log written by chronicle-rs 0.1 ("v1", see v1_format.hpp): hot .q
// and cold .q.zst segments in any mix, in segment id order, each record
// checked before it is returned. Used to read old archives in place and by
// the migration (v1_migration.hpp).
//
// What is checked, and why (the v1 format guarantees these):
//   - every segment header: magic, version 2, id equal to the file name's;
//   - every record: header version 1, the record lies inside the segment,
//     and the CRC-32 of its payload;
//   - sequence numbers: v1 numbers records from 0 in each writer session and
//     does not persist the counter, and each session starts a new segment
//     (it opens the id after the highest .q and never appends to an existing
//     one). So inside a segment seq goes up by exactly 1; at the start of a
//     segment it is either the previous seq + 1 (same session) or 0 (a new
//     session). The first record read, and the first after a seek to a
//     segment start, may have any seq;
//   - the end of a segment's data: a commit word of 0 (whose 64-byte header
//     must then be all zero: in a sealed v1 segment nothing follows the last
//     record, so anything else is damage) or fewer than 64 bytes left (a full
//     segment has no terminator);
//   - ids: a gap between segment ids is Corruption (list_v1_segments);
//   - a .q that also has a .q.zst (an interrupted compression): the first
//     frame of the .q.zst must equal the start of the .q. v1 writers choose
//     the id after the highest *.q*, so after every segment was compressed a
//     new session reused id 0 and wrote different data beside the old .q.zst;
//     that is reported as Corruption rather than silently dropping either.
// Timestamps are not required to increase: v1 accepted out-of-order appends.
// Records of type 0xFFFF (reserved by v1 for pads, which no v1 log writer
// writes) are returned like any other, as v1's own readers did.
//
// Hot payloads point into a read-only mapping (zero copy); cold ones into
// the reader's window of decompressed frames, which are decompressed one at
// a time through the frame index (never the whole file at once). Either way
// a view stays valid until the next call that moves the reader.
//
// A v1 log is closed history: next() returns NothingYet at its end and never
// sees records appended later (v1 writers publish segments only when sealed).
//
// Thread safety: one thread per reader; any number of readers per log.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/ipc/v1/v1_log_dir.hpp>
#include <chronicle/segment/record_view.hpp>
#include <chronicle/table/reader/time_series_reader.hpp>

namespace chronicle::ipc::v1 {

class V1LogReader {
 public:
  // Lists the segments of the v1 log in `dir` (see list_v1_segments; its
  // errors are returned here) and positions before the first record. No
  // segment is opened yet. `fs` must outlive the reader; null = the system.
  static Result<V1LogReader> open(std::string dir, FileSystem* fs = nullptr);

  V1LogReader(V1LogReader&&) noexcept;
  V1LogReader& operator=(V1LogReader&&) noexcept;
  ~V1LogReader();

  // The next record; Step::NothingYet after the last one; Step::Failed
  // (sticky) with status() naming the file and offset of the damage.
  Step next(RecordView& out) noexcept;

  // Positions the reader at the first record, in read order, whose
  // timestamp is >= ts, with the semantics of TimeSeriesReader: BeforeStart
  // when ts is below the first record's timestamp (positioned at the first
  // record), Found, or EndOfLog (positioned at the end). Clears a previous
  // failure.
  //
  // Segments whose valid seek index says their maximum timestamp is below ts
  // are skipped after reading their last stride: v1 indexes carry no
  // checksum, so the records from the index's last entry to the segment end
  // must not exceed that maximum. In the segment that holds the answer, an
  // index whose entries are ordered is binary-searched and the entry used is
  // checked against its record; the scan from there covers at most one
  // stride. A missing, damaged or inconsistent index makes it scan the
  // segment from its start: slower, never wrong. Like v1's own reader, the
  // skip and the binary search assume timestamps do not decrease between two
  // index entries; a segment whose entries show disorder is scanned.
  // Errors: Io, or Corruption of the data (never of an index), which also
  // fails the reader.
  Result<SeekResult> seek_timestamp(std::uint64_t ts);

  // OK, or why next() or a seek failed.
  const Status& status() const noexcept;
  const std::string& dir() const noexcept;
  // The segments found by open(), in id order.
  const std::vector<V1SegmentFile>& segments() const noexcept;
  // Index into segments() of the segment being read; segments().size() once
  // the reader has passed the last one.
  std::size_t segment_position() const noexcept;
  // Files of the directory that are not part of the log (see list_v1_segments).
  const std::vector<std::string>& ignored_files() const noexcept;

 private:
  struct State;
  explicit V1LogReader(std::unique_ptr<State> state) noexcept;
  std::unique_ptr<State> state_;
};

}  // namespace chronicle::ipc::v1
