#include <chronicle/segment/segment_cursor.hpp>

#include <chronicle/core/errors.hpp>

namespace chronicle {

SegmentCursor::SegmentCursor(std::unique_ptr<SegmentSource> source) : source_(std::move(source)) {
  const SegmentHeader h = source_->header();
  next_seq_ = h.base_seq;
  if (is_sealed(h)) sealed_end_ = h.end_of_data;
}

SegmentCursor::SegmentCursor(std::unique_ptr<SegmentSource> source, std::uint64_t offset,
                             std::uint64_t seq)
    : SegmentCursor(std::move(source)) {
  offset_ = offset;
  next_seq_ = seq;
}

CursorStep SegmentCursor::bad_record(const RecordHeader& h, std::uint32_t len,
                                     std::uint32_t sum) noexcept {
  if (sum == h.checksum) {
    return fail(corruption(source_->path(), offset_,
                           "record sequence number out of order: expected {}, found {}",
                           next_seq_, h.seq));
  }
  return fail(corruption(source_->path(), offset_,
                         "record checksum mismatch (payload length {}): expected 0x{:08x}, "
                         "found 0x{:08x}",
                         len, sum, h.checksum));
}

CursorStep SegmentCursor::fail(Error error) noexcept {
  error_ = std::move(error);
  return CursorStep::Failed;
}

// The record at offset_ needs `need` bytes that the current window lacks:
// fetch a window that has them, or decide that the segment ends here.
CursorStep SegmentCursor::refill_or_end(std::uint64_t need, RecordView& out) noexcept {
  if (!source_) return CursorStep::NothingYet;  // no segment opened yet
  if (error_) return CursorStep::Failed;
  if (offset_ >= sealed_end_) {
    if (offset_ == sealed_end_) return sealed_end(source_->header());
    return fail(corruption(source_->path(), offset_, "record runs past end_of_data {}",
                           sealed_end_));
  }
  const std::uint64_t size = source_->size();
  if (offset_ < size) {
    auto w = source_->window(offset_, static_cast<std::size_t>(need));
    if (!w) {
      // The old window may be a cold frame buffer the source has already
      // reused: a later next() or rewind_to() must not read it.
      window_ = SegmentWindow();
      return fail(std::move(w).error());
    }
    window_ = *w;
    if (offset_ >= window_.begin && offset_ + sizeof(std::uint32_t) <= window_.end) {
      // The commit word alone decides "nothing yet" and "end of segment": the
      // last record slot of a segment may be shorter than a record header.
      const std::byte* p = window_.data + (offset_ - window_.begin);
      const std::uint32_t commit = load_commit_acquire(p);
      if (commit == kCommitNone) return at_uncommitted(p, out);
      if (commit == kEndOfSegment) return at_end_marker();
      if (offset_ + need <= window_.end) return decode(p, commit, out);
    }
  }
  // The segment's bytes end before this record does. A sealed segment whose
  // file was cut to its used prefix (a restored cold segment) ends exactly at
  // end_of_data; anything else is damage.
  const SegmentHeader h = source_->header();
  if (is_sealed(h) && offset_ == h.end_of_data) {
    sealed_end_ = h.end_of_data;
    return sealed_end(h);
  }
  return fail(corruption(source_->path(), offset_,
                         "record needs {} bytes but the segment holds only {} bytes", need,
                         size > offset_ ? size - offset_ : 0));
}

CursorStep SegmentCursor::at_uncommitted(const std::byte* p, RecordView& out) noexcept {
  // A live segment simply has nothing more yet. A sealed one must not have a
  // hole before its end: that is a damaged commit word, never "end of log".
  const SegmentHeader h = source_->header();
  if (!is_sealed(h)) return CursorStep::NothingYet;
  // The writer may have committed this record (or stored the end marker) and
  // sealed the segment after our load of the commit word. The seal is
  // published after every commit word and the end marker, and the header was
  // just read with an acquire load, so the commit word is final now.
  const std::uint32_t commit = load_commit_acquire(p);
  if (commit == kEndOfSegment) return at_end_marker();
  if (commit != kCommitNone) return decode(p, commit, out);
  if (offset_ == h.end_of_data) {
    return fail(corruption(source_->path(), offset_,
                           "sealed segment has no end-of-segment marker at its end_of_data"));
  }
  return fail(corruption(source_->path(), offset_,
                         "uncommitted record inside a sealed segment (end_of_data {}, {} "
                         "records expected from seq {})",
                         h.end_of_data, h.record_count, h.base_seq));
}

CursorStep SegmentCursor::at_end_marker() noexcept {
  const SegmentHeader h = source_->header();
  // The writer stores the marker before it seals the header, so an unsealed
  // header here just means the seal is in flight.
  if (is_sealed(h)) {
    if (offset_ != h.end_of_data) {
      return fail(corruption(source_->path(), offset_,
                             "end-of-segment marker does not match end_of_data: expected {}",
                             h.end_of_data));
    }
    return sealed_end(h);
  }
  return CursorStep::EndOfSegment;
}

// The end of a sealed segment: the records read must be the ones its header
// counts, and where the segment's bytes reach that far, the end marker must
// be there (a restored segment holds only [0, end_of_data)).
CursorStep SegmentCursor::sealed_end(const SegmentHeader& h) noexcept {
  if (offset_ >= window_.begin && offset_ + sizeof(std::uint32_t) <= window_.end &&
      load_commit_acquire(window_.data + (offset_ - window_.begin)) != kEndOfSegment) {
    return fail(corruption(source_->path(), offset_,
                           "sealed segment has no end-of-segment marker at its end_of_data"));
  }
  if (next_seq_ != h.base_seq + h.record_count) {
    return fail(corruption(source_->path(), offset_,
                           "segment ends after {} records: header record_count is {}",
                           next_seq_ - h.base_seq, h.record_count));
  }
  return CursorStep::EndOfSegment;
}

}  // namespace chronicle
