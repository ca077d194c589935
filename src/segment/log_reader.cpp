#include <chronicle/segment/log_reader.hpp>

#include <sys/stat.h>

#include <algorithm>

#include <chronicle/core/errors.hpp>
#include <chronicle/segment/segment_store.hpp>

namespace chronicle {

Result<LogReader> LogReader::open(std::string dir, ReaderOptions options) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return io_error("stat", dir, errno);
  if (!S_ISDIR(st.st_mode)) {
    return file_error(Errc::InvalidArgument, dir, "is not a directory: expected a log directory");
  }
  const SegmentOpener* opener =
      options.opener ? options.opener : &HotSegmentOpener::instance();
  LogReader reader(std::move(dir), opener);
  reader.enter_first_segment();
  if (!reader.status_) return std::move(reader.status_).error();
  return reader;
}

std::optional<std::uint64_t> LogReader::segment_id() const noexcept {
  if (const SegmentSource* s = cursor_.source()) return s->segment_id();
  return std::nullopt;
}

Step LogReader::failed(Error error) noexcept {
  status_ = std::move(error);
  return Step::Failed;
}

bool LogReader::enter_segment(std::uint64_t id,
                              std::optional<std::uint64_t> expected_base_seq) noexcept {
  auto source = opener_->open(dir_, id);
  if (!source) {
    if (source.error().code() != Errc::NotFound) status_ = std::move(source).error();
    return false;
  }
  const SegmentHeader h = (*source)->header();
  if (expected_base_seq && h.base_seq != *expected_base_seq) {
    status_ = corruption((*source)->path(), offsetof(SegmentHeader, base_seq),
                         "segment does not continue the previous one: expected base_seq {}, "
                         "found {}",
                         *expected_base_seq, h.base_seq);
    return false;
  }
  (*source)->will_read_through();
  cursor_ = SegmentCursor(std::move(*source));
  return true;
}

bool LogReader::enter_first_segment() noexcept {
  auto segments = list_segments(dir_);
  if (!segments) {
    status_ = std::move(segments).error();
    return false;
  }
  if (segments->empty()) return false;
  return enter_segment(segments->front().id, std::nullopt);
}

// Segment `missing` could not be opened. That is "nothing yet" while it is
// the newest id (the writer closed the log and has not reopened it), but a
// hole if a later segment exists. Segments are created in id order, so when a
// later one is listed, one more open of `missing` is conclusive: it may have
// been created (and rolled past) since the first attempt.
bool LogReader::enter_or_report_gap(std::uint64_t missing, std::uint64_t expected_base_seq) noexcept {
  auto segments = list_segments(dir_);
  if (!segments) return false;
  const bool later = std::any_of(segments->begin(), segments->end(),
                                 [&](const SegmentEntry& e) { return e.id > missing; });
  if (!later) return false;
  if (enter_segment(missing, expected_base_seq)) return true;
  if (!status_) return false;
  // Retention deletes segments from the front only. If nothing before
  // `missing` is left either, this reader fell behind it: the records are
  // gone on purpose, not damaged.
  auto now = list_segments(dir_);
  if (now && !now->empty() && now->front().id > missing) {
    status_ = file_error(Errc::NotFound, segment_path(dir_, missing),
                         "records from seq {} on were deleted (retention) while this reader was "
                         "behind them: the log now starts at segment {}",
                         expected_base_seq, now->front().id);
  } else {
    status_ = file_error(Errc::Corruption, segment_path(dir_, missing),
                         "segment file missing: the log holds segment {} before it and a later "
                         "segment after it (expected base_seq {})",
                         missing - 1, expected_base_seq);
  }
  return false;
}

Step LogReader::next_slow(CursorStep step, RecordView& out) noexcept {
  if (!status_) return Step::Failed;
  for (;;) {
    switch (step) {
      case CursorStep::Record:
        return Step::Record;
      case CursorStep::Failed:
        return failed(cursor_.error());
      case CursorStep::NothingYet:
        if (cursor_.source() != nullptr || !enter_first_segment()) {
          return status_ ? Step::NothingYet : Step::Failed;
        }
        break;
      case CursorStep::EndOfSegment: {
        // The writer names the next segment before it stores the end marker,
        // so the next segment normally exists; it does not when the writer
        // closed the log and has not reopened it yet.
        const std::uint64_t next_id = cursor_.source()->segment_id() + 1;
        if (!enter_segment(next_id, cursor_.next_seq()) &&
            !(status_ && enter_or_report_gap(next_id, cursor_.next_seq()))) {
          return status_ ? Step::NothingYet : Step::Failed;
        }
        break;
      }
    }
    step = cursor_.next(out);
  }
}

Status LogReader::seek_position(std::uint64_t segment_id, std::uint64_t offset, std::uint64_t seq) {
  if (!status_) return status_;
  auto source = opener_->open(dir_, segment_id);
  if (!source) return std::move(source).error();
  // A position no record can start at is the caller's mistake, not damage.
  const std::uint64_t size = (*source)->size();
  if (offset < kSegmentHeaderSize || offset > size || offset % kRecordAlignment != 0) {
    return invalid_argument(
        "{}: offset {} in segment {} is invalid: expected a multiple of {} from {} to {}",
        escape_bytes(dir_), offset, segment_id, kRecordAlignment, kSegmentHeaderSize, size);
  }
  cursor_ = SegmentCursor(std::move(*source), offset, seq);
  return {};
}

Status LogReader::seek_seq(std::uint64_t seq) {
  if (!status_) return status_;
  auto segments = list_segments(dir_);
  if (!segments) return std::move(segments).error();
  if (segments->empty()) {
    if (seq == 0) return {};
    return invalid_argument("{}: seq {} is beyond the end of the log (it holds no record yet)",
                            escape_bytes(dir_), seq);
  }
  // Binary search for the last segment whose base_seq <= seq. Segment ids
  // are contiguous, so each probe opens one segment header.
  std::size_t lo = 0, hi = segments->size();
  std::unique_ptr<SegmentSource> chosen;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    auto source = opener_->open(dir_, (*segments)[mid].id);
    if (!source) return std::move(source).error();
    if ((*source)->header().base_seq <= seq) {
      chosen = std::move(*source);
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (!chosen) {
    auto first = opener_->open(dir_, segments->front().id);
    if (!first) return std::move(first).error();
    return file_error(Errc::NotFound, dir_, "seq {} is no longer in the log: it starts at seq {}",
                      seq, (*first)->header().base_seq);
  }
  cursor_ = SegmentCursor(std::move(chosen));
  RecordView view;
  while (cursor_.next_seq() < seq) {
    const Step step = next(view);
    if (step == Step::Failed) return status_;
    if (step == Step::NothingYet) {
      return invalid_argument("{}: seq {} is beyond the end of the log (next seq is {})",
                              escape_bytes(dir_), seq, cursor_.next_seq());
    }
  }
  return {};
}

}  // namespace chronicle
