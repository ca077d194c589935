#pragma once
// Iterates the records of one segment, hot or cold, verifying each record's
// checksum and sequence number. This is the per-record read path: one window
// bounds check, one acquire load of the commit word, one checksum.
//
// Thread safety: one cursor belongs to one thread. Many cursors, in any
// number of processes, may read a segment while its writer appends to it.

#include <cstdint>
#include <memory>
#include <utility>

#include <chronicle/core/error.hpp>
#include <chronicle/core/record_format.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/segment/record_view.hpp>
#include <chronicle/segment/segment_source.hpp>

namespace chronicle {

enum class CursorStep : std::uint8_t {
  Record,        // `out` holds a record
  NothingYet,    // no committed record at the current offset (yet)
  EndOfSegment,  // the segment ends here; continue with the next one
  Failed,        // the segment is damaged at offset(); see error()
};

class SegmentCursor {
 public:
  SegmentCursor() = default;
  // Starts at the first record of `source`.
  explicit SegmentCursor(std::unique_ptr<SegmentSource> source);
  // Starts at the record at `offset`, which must carry sequence number `seq`
  // (checked when it is read, like every record).
  SegmentCursor(std::unique_ptr<SegmentSource> source, std::uint64_t offset, std::uint64_t seq);

  CursorStep next(RecordView& out) noexcept;

  // Moves back (or forward) within the same segment to a record position
  // seen earlier: the record at `offset` with sequence number `seq`.
  void rewind_to(std::uint64_t offset, std::uint64_t seq) noexcept {
    offset_ = offset;
    next_seq_ = seq;
    error_ = Error();
  }

  // Offset of the record next() will read.
  std::uint64_t offset() const noexcept { return offset_; }
  // Sequence number the record at offset() must carry.
  std::uint64_t next_seq() const noexcept { return next_seq_; }
  const SegmentSource* source() const noexcept { return source_.get(); }
  SegmentSource* source() noexcept { return source_.get(); }
  // Gives up the segment (for another cursor); this cursor is then empty.
  std::unique_ptr<SegmentSource> release_source() noexcept {
    window_ = SegmentWindow();
    return std::move(source_);
  }
  // The damage found, after CursorStep::Failed.
  const Error& error() const noexcept { return error_; }

 private:
  CursorStep refill_or_end(std::uint64_t need, RecordView& out) noexcept;
  CursorStep at_uncommitted(const std::byte* p, RecordView& out) noexcept;
  CursorStep at_end_marker() noexcept;
  CursorStep sealed_end(const SegmentHeader& h) noexcept;
  CursorStep bad_record(const RecordHeader& h, std::uint32_t len, std::uint32_t sum) noexcept;
  CursorStep fail(Error error) noexcept;
  CursorStep decode(const std::byte* p, std::uint32_t commit, RecordView& out) noexcept;

  std::unique_ptr<SegmentSource> source_;
  SegmentWindow window_;
  std::uint64_t offset_ = kSegmentHeaderSize;
  std::uint64_t next_seq_ = 0;
  // For a segment sealed when opened: its end; records never reach past it.
  std::uint64_t sealed_end_ = UINT64_MAX;
  Error error_;
};

inline CursorStep SegmentCursor::next(RecordView& out) noexcept {
  const std::uint64_t o = offset_;
  if (o < window_.begin || o + kRecordHeaderSize > window_.end) [[unlikely]] {
    return refill_or_end(kRecordHeaderSize, out);
  }
  const std::byte* p = window_.data + (o - window_.begin);
  // Pairs with publish_commit_release in SegmentWriter.
  const std::uint32_t commit = load_commit_acquire(p);
  return decode(p, commit, out);
}

inline CursorStep SegmentCursor::decode(const std::byte* p, std::uint32_t commit,
                                        RecordView& out) noexcept {
  if (commit == kCommitNone) [[unlikely]] return at_uncommitted(p, out);
  if (commit == kEndOfSegment) [[unlikely]] return at_end_marker();
  // The length is read once, from the loaded commit word, and bounds-checked
  // before use, so a concurrent change of the mapped bytes cannot widen it.
  const std::uint32_t len = commit - 1;
  const std::uint64_t size = record_size(len);
  if (offset_ + size > window_.end) [[unlikely]] return refill_or_end(size, out);
  const RecordHeader h = read_record_header(p);
  const std::uint32_t sum = compute_record_checksum(p, len);
  if (sum != h.checksum || h.seq != next_seq_) [[unlikely]] return bad_record(h, len, sum);
  out.seq = h.seq;
  out.timestamp_ns = h.timestamp_ns;
  out.type_id = h.type_id;
  out.flags = h.flags;
  out.payload = {p + kRecordHeaderSize, len};
  offset_ += size;
  ++next_seq_;
  // A merge over many partitions comes back to this cursor only after
  // reading each of the others, by when the hardware prefetcher, which
  // follows a few streams only, has lost this one: fetch the next record's
  // first two cache lines now. Costs nothing measurable in a sequential read.
  if (window_.end - offset_ >= 128) {
    __builtin_prefetch(p + size);
    __builtin_prefetch(p + size + 64);
  }
  return CursorStep::Record;
}

}  // namespace chronicle
