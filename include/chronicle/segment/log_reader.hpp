#pragma once
// Reads a log (a directory of segments) from its first record, or from a
// sequence number, and tails it live: at the end of the committed records
// next() returns Step::NothingYet, and a later call returns what was appended
// since, across segment rolls and across processes. Every record's checksum
// and sequence number are verified; a damaged record is reported through
// status() with its file and offset, never returned as data.
//
// Thread safety: a LogReader belongs to one thread. Any number of readers, in
// any processes, may read a log while one writer appends to it.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <chronicle/core/error.hpp>
#include <chronicle/segment/record_view.hpp>
#include <chronicle/segment/segment_cursor.hpp>
#include <chronicle/segment/segment_opener.hpp>

namespace chronicle {

struct ReaderOptions {
  // How segments are opened; null means hot (.q) segments only. The
  // compression layer's UnifiedSegmentOpener reads cold ones too.
  const SegmentOpener* opener = nullptr;
};

class LogReader {
 public:
  // Opens the log in `dir`, positioned before its first record. The directory
  // must exist; it may hold no segment yet (next() then says NothingYet until
  // a writer creates one). NotFound if `dir` does not exist.
  static Result<LogReader> open(std::string dir, ReaderOptions options = {});

  LogReader(LogReader&&) noexcept = default;
  LogReader& operator=(LogReader&&) noexcept = default;

  // The next record, Step::NothingYet at the current end of the log, or
  // Step::Failed (sticky) with the reason in status(). The view in `out`
  // stays valid until the next call that moves this reader.
  Step next(RecordView& out) noexcept;

  // Positions the reader so that next() returns record `seq`. `seq` may be
  // the next sequence number not yet written (the reader then waits for it).
  // NotFound if the log no longer holds `seq` (it starts later);
  // InvalidArgument if `seq` lies beyond the next one to be written, in which
  // case the reader is left at the end of the log.
  Status seek_seq(std::uint64_t seq);

  // Positions the reader at the record at `offset` of segment `segment_id`,
  // which must carry sequence number `seq` (as found by an index or a scan).
  // A position that does not hold that record makes next() fail with
  // Corruption, so callers verify positions taken from untrusted indexes.
  // An offset no record can start at (inside the header, past the segment,
  // or not 8-aligned) is InvalidArgument, and the reader stays where it was.
  Status seek_position(std::uint64_t segment_id, std::uint64_t offset, std::uint64_t seq);

  // Continues from `cursor`, a cursor over one of this log's segments (as
  // left by a search that scanned it), without opening the segment again.
  // Returns the cursor it replaces, so that its segment can be reused.
  SegmentCursor adopt(SegmentCursor cursor) noexcept {
    status_ = Status();
    return std::exchange(cursor_, std::move(cursor));
  }

  // The opener this reader uses.
  const SegmentOpener& opener() const noexcept { return *opener_; }

  // OK, or why next() returned Step::Failed.
  const Status& status() const noexcept { return status_; }
  // Sequence number of the record next() will return.
  std::uint64_t next_seq() const noexcept { return cursor_.next_seq(); }
  // Where the reader is: its segment (none before the first) and offset.
  const SegmentCursor& cursor() const noexcept { return cursor_; }
  // Id of the segment the reader is in, if it has opened one.
  std::optional<std::uint64_t> segment_id() const noexcept;
  const std::string& dir() const noexcept { return dir_; }

 private:
  LogReader(std::string dir, const SegmentOpener* opener) : dir_(std::move(dir)), opener_(opener) {}
  Step next_slow(CursorStep step, RecordView& out) noexcept;
  // Opens segment `id`; false with status_ set on failure, false with
  // status_ OK when it does not exist (yet).
  bool enter_segment(std::uint64_t id, std::optional<std::uint64_t> expected_base_seq) noexcept;
  bool enter_first_segment() noexcept;
  bool enter_or_report_gap(std::uint64_t missing, std::uint64_t expected_base_seq) noexcept;
  Step failed(Error error) noexcept;

  std::string dir_;
  const SegmentOpener* opener_;
  SegmentCursor cursor_;
  Status status_;
};

inline Step LogReader::next(RecordView& out) noexcept {
  const CursorStep step = cursor_.next(out);
  if (step == CursorStep::Record) [[likely]] return Step::Record;
  return next_slow(step, out);
}

}  // namespace chronicle
