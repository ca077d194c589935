#include <chronicle/table/reader/time_series_reader.hpp>

#include <algorithm>

#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/segment/segment_store.hpp>

namespace chronicle {

std::string_view seek_result_name(SeekResult r) noexcept {
  switch (r) {
    case SeekResult::BeforeStart: return "BeforeStart";
    case SeekResult::Found: return "Found";
    case SeekResult::EndOfLog: return "EndOfLog";
  }
  return "?";
}

TimeSeriesReader::TimeSeriesReader(LogReader log, std::unique_ptr<SegmentOpener> opener)
    : opener_(std::move(opener)), log_(std::move(log)) {}

Result<TimeSeriesReader> TimeSeriesReader::open(std::string dir,
                                                std::shared_ptr<ReadObserver> observer) {
  auto opener = std::make_unique<ObservingOpener>(UnifiedSegmentOpener::instance(), std::move(observer));
  auto log = LogReader::open(std::move(dir), ReaderOptions{opener.get()});
  if (!log) return std::move(log).error();
  return TimeSeriesReader(std::move(*log), std::move(opener));
}

Result<std::shared_ptr<const TimeSeriesReader::Summary>> TimeSeriesReader::summarize(std::uint64_t id) {
  if (auto it = sealed_summaries_.find(id); it != sealed_summaries_.end()) return it->second;
  auto shared = std::make_shared<Summary>();
  Summary& s = *shared;
  // The index file, when it is there and sound, answers without opening the
  // segment. It exists only for sealed segments.
  if (auto index = read_segment_index(FileSystem::system(), dir(), id)) {
    s.sealed = true;
    s.record_count = index->record_count;
    s.min_ts = index->min_timestamp_ns;
    s.max_ts = index->max_timestamp_ns;
    if (index->ordered) s.index = std::move(*index);
    sealed_summaries_.emplace(id, shared);
    return std::shared_ptr<const Summary>(shared);
  }
  auto source = opener_->open(dir(), id);
  if (!source) return std::move(source).error();
  const SegmentHeader h = (*source)->header();
  if (is_sealed(h)) {
    s.sealed = true;
    s.record_count = h.record_count;
    s.min_ts = h.min_timestamp_ns;
    s.max_ts = h.max_timestamp_ns;
    sealed_summaries_.emplace(id, shared);
  }
  return std::shared_ptr<const Summary>(shared);
}

Result<bool> TimeSeriesReader::seek_in_segment(std::uint64_t id, const Summary& summary,
                                               std::uint64_t ts,
                                               std::optional<std::uint64_t>* first_ts) {
  auto source = opener_->open(dir(), id);
  if (!source) return std::move(source).error();
  SegmentCursor cursor(std::move(*source));
  // Start from the last index entry whose timestamp is below ts, if the entry
  // proves to point at the record it names; otherwise from the segment start.
  if (summary.index && !summary.index->entries.empty()) {
    const auto& entries = summary.index->entries;
    auto it = std::lower_bound(entries.begin(), entries.end(), ts,
                               [](const IndexEntry& e, std::uint64_t t) { return e.timestamp_ns < t; });
    if (it != entries.begin()) {
      const IndexEntry& e = *std::prev(it);
      const std::uint64_t start_offset = cursor.offset(), start_seq = cursor.next_seq();
      cursor.rewind_to(e.offset, e.seq);
      RecordView probe;
      if (cursor.next(probe) == CursorStep::Record && probe.timestamp_ns == e.timestamp_ns) {
        cursor.rewind_to(e.offset, e.seq);
      } else {
        cursor.rewind_to(start_offset, start_seq);
      }
    }
  }
  RecordView v;
  for (;;) {
    const std::uint64_t offset = cursor.offset(), seq = cursor.next_seq();
    const CursorStep step = cursor.next(v);
    if (step == CursorStep::Failed) return cursor.error();
    if (step != CursorStep::Record) {
      log_.adopt(std::move(cursor));
      return false;
    }
    if (first_ts && !*first_ts) *first_ts = v.timestamp_ns;
    if (v.timestamp_ns >= ts) {
      cursor.rewind_to(offset, seq);
      log_.adopt(std::move(cursor));
      return true;
    }
  }
}

Result<SeekResult> TimeSeriesReader::seek_timestamp(std::uint64_t ts) {
  if (!log_.status()) return log_.status().error();
  auto segments = list_segments(dir());
  if (!segments) return std::move(segments).error();
  // The first record of the log decides BeforeStart; the index entry for
  // record 0 of the first non-empty segment gives it without a scan.
  std::optional<std::uint64_t> first_ts;
  for (const SegmentEntry& e : *segments) {
    auto summarized = summarize(e.id);
    if (!summarized) return std::move(summarized).error();
    const Summary& summary = **summarized;
    // The last segment is always scanned: when no record is >= ts, the
    // reader must wait exactly where the scan ended, since the writer may
    // append records >= ts at any moment.
    const bool last = &e == &segments->back();
    if (!last && summary.sealed && summary.record_count == 0) continue;
    if (!first_ts && summary.sealed && summary.record_count > 0) first_ts = summary.min_ts;
    // A sealed segment whose newest record is older than ts cannot hold the
    // answer: skip it without opening it.
    if (!last && summary.sealed && summary.max_ts < ts) continue;
    std::optional<std::uint64_t> scanned_first;
    auto found = seek_in_segment(e.id, summary, ts, first_ts ? nullptr : &scanned_first);
    if (!found) return std::move(found).error();
    if (!first_ts) first_ts = scanned_first;
    if (*found) return first_ts && ts < *first_ts ? SeekResult::BeforeStart : SeekResult::Found;
  }
  return SeekResult::EndOfLog;
}

}  // namespace chronicle
