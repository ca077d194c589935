// V1LogReader::seek_timestamp: skip segments by their seek index, binary
// search the one that holds the answer, scan the rest (see the header).
#include <algorithm>

#include <chronicle/ipc/v1/v1_log_reader.hpp>

#include "v1_log_state.hpp"

namespace chronicle::ipc::v1 {

bool V1LogReader::State::position_at_entry(std::size_t i, const SeekIndexEntry& e) noexcept {
  State& s = *this;
  if (e.offset == kSegmentHeaderSize) return false;  // no better than the start
  if (!s.bytes || s.seg != i) {
    s.position_at_start(i);
    if (!s.open_segment(i)) return false;
  }
  if (e.offset > s.bytes->size() - kMessageHeaderSize) return false;
  auto hp = s.bytes->view(e.offset, kMessageHeaderSize);
  if (!hp) return false;
  const auto h = load_struct<MessageHeader>(*hp);
  if (h.commit == 0 || h.version != kMessageVersion || h.seq != e.seq ||
      h.timestamp_ns != e.timestamp_ns) {
    return false;
  }
  s.offset = e.offset;
  s.segment_start = false;
  s.expect_seq = e.seq;
  s.from_start = false;
  return true;
}

// v1 seek indexes carry no checksum, so a damaged maximum timestamp would
// skip a segment that holds the answer. The maximum is trusted only if the
// records after the last entry (at most one stride) stay at or below it;
// like the binary search, this assumes timestamps do not decrease between
// entries, and then the last record holds the segment's maximum.
bool V1LogReader::State::below_by_index(std::size_t i, const detail::SeekIndex& index,
                                        std::uint64_t ts) noexcept {
  if (!index.ordered || index.header.max_timestamp_ns >= ts) return false;
  expect_seq.reset();
  if (!position_at_entry(i, index.entries.back())) {
    if (!status) return false;
    position_at_start(i);
    if (!bytes && !open_segment(i)) return false;
  }
  for (;;) {
    RecordView rec;
    switch (read_at(rec)) {
      case At::Record:
        if (rec.timestamp_ns > index.header.max_timestamp_ns) return false;
        break;
      case At::SegmentEnd:
        return true;
      case At::Error:
        return false;
    }
  }
}

Result<SeekResult> V1LogReader::seek_timestamp(std::uint64_t ts) {
  State& s = *state_;
  s.status = Status();
  s.expect_seq.reset();
  s.position_at_start(0);

  RecordView first;
  const Step step = next(first);
  if (step == Step::Failed) return s.status.error();
  if (step == Step::NothingYet) {
    s.position_at_start(s.segments.size());
    return SeekResult::EndOfLog;
  }
  if (ts <= first.timestamp_ns) {
    s.expect_seq.reset();
    s.position_at_start(0);
    return ts < first.timestamp_ns ? SeekResult::BeforeStart : SeekResult::Found;
  }

  for (std::size_t i = 0; i < s.segments.size(); ++i) {
    const detail::SeekIndex* index = s.seek_index(i);
    if (index != nullptr && s.below_by_index(i, *index, ts)) continue;
    if (!s.status) return s.status.error();
    s.expect_seq.reset();
    bool positioned = false;
    if (index != nullptr && index->ordered) {
      // The last entry below ts: every record before it is below ts too.
      const auto it = std::lower_bound(
          index->entries.begin(), index->entries.end(), ts,
          [](const SeekIndexEntry& e, std::uint64_t t) { return e.timestamp_ns < t; });
      if (it != index->entries.begin()) positioned = s.position_at_entry(i, *(it - 1));
      if (!s.status) return s.status.error();
    }
    if (!positioned) s.position_at_start(i);
    if (!s.bytes && !s.open_segment(i)) return s.status.error();
    for (;;) {
      const std::uint64_t at = s.offset;
      const bool segment_start = s.segment_start;
      const std::optional<std::uint64_t> expect = s.expect_seq;
      const bool from_start = s.from_start;
      const std::uint64_t in_segment = s.in_segment;
      RecordView rec;
      const State::At r = s.read_at(rec);
      if (r == State::At::Error) return s.status.error();
      if (r == State::At::SegmentEnd) break;
      if (rec.timestamp_ns >= ts) {
        s.offset = at;
        s.segment_start = segment_start;
        s.expect_seq = expect;
        s.from_start = from_start;
        s.in_segment = in_segment;
        return SeekResult::Found;
      }
    }
  }
  s.position_at_start(s.segments.size());
  return SeekResult::EndOfLog;
}

}  // namespace chronicle::ipc::v1
