#include <chronicle/table/reader/time_series_reader.hpp>

#include <algorithm>
#include <utility>

#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/segment/segment_store.hpp>

namespace chronicle {

std::string_view seek_result_name(SeekResult r) noexcept {
  switch (r) {
    case SeekResult::BeforeStart:
      return "BeforeStart";
    case SeekResult::Found:
      return "Found";
    case SeekResult::EndOfLog:
      return "EndOfLog";
  }
  return "?";
}

Status validate(const TimeSeriesReaderOptions& options) {
  for (auto [name, n] : {std::pair{"cached_hot_segments", options.cached_hot_segments},
                         std::pair{"cached_cold_segments", options.cached_cold_segments}}) {
    if (n > TimeSeriesReaderOptions::kMaxCachedSegments) {
      return invalid_argument("{} {} is invalid: expected 0..{}", name, n,
                              TimeSeriesReaderOptions::kMaxCachedSegments);
    }
  }
  return {};
}

TimeSeriesReader::TimeSeriesReader(LogReader log, std::unique_ptr<SegmentOpener> opener,
                                   const TimeSeriesReaderOptions& options)
    : opener_(std::move(opener)),
      log_(std::move(log)),
      sources_(options.cached_hot_segments, options.cached_cold_segments) {}

Result<TimeSeriesReader> TimeSeriesReader::open(std::string dir,
                                                std::shared_ptr<ReadObserver> observer,
                                                TimeSeriesReaderOptions options) {
  if (auto ok = validate(options); !ok) return std::move(ok).error();
  auto opener =
      std::make_unique<ObservingOpener>(UnifiedSegmentOpener::instance(), std::move(observer));
  auto log = LogReader::open(std::move(dir), ReaderOptions{opener.get()});
  if (!log) return std::move(log).error();
  return TimeSeriesReader(std::move(*log), std::move(opener), options);
}

Result<std::shared_ptr<const TimeSeriesReader::Summary>> TimeSeriesReader::summarize(
    std::uint64_t id) {
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
    return std::shared_ptr<const Summary>(shared);
  }
  SegmentHeader h;
  if (const SegmentSource* current = log_.cursor().source();
      current && current->segment_id() == id) {
    h = current->header();
  } else {
    auto source = sources_.take(id);
    if (!source) {
      auto opened = opener_->open(dir(), id);
      if (!opened) return std::move(opened).error();
      source = std::move(*opened);
    }
    h = source->header();
    sources_.put(std::move(source));
  }
  if (is_sealed(h)) {
    s.sealed = true;
    s.record_count = h.record_count;
    s.min_ts = h.min_timestamp_ns;
    s.max_ts = h.max_timestamp_ns;
  }
  return std::shared_ptr<const Summary>(shared);
}

Result<bool> TimeSeriesReader::seek_in_segment(std::uint64_t id, const Summary& summary,
                                               std::uint64_t ts,
                                               std::optional<std::uint64_t>* first_ts) {
  // The reader's own segment is borrowed from it, and handed back where it
  // was if the segment turns out damaged.
  SegmentCursor cursor;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> was_at;
  if (log_.segment_id() == id) {
    was_at.emplace(log_.cursor().offset(), log_.cursor().next_seq());
    cursor = SegmentCursor(log_.adopt(SegmentCursor()).release_source());
  } else if (auto cached = sources_.take(id)) {
    cursor = SegmentCursor(std::move(cached));
  } else {
    auto source = opener_->open(dir(), id);
    if (!source) return std::move(source).error();
    cursor = SegmentCursor(std::move(*source));
  }
  // Start from the last index entry whose timestamp is below ts, if the entry
  // proves to point at the record it names; otherwise from the segment start.
  if (summary.index && !summary.index->entries.empty()) {
    const auto& entries = summary.index->entries;
    auto it =
        std::lower_bound(entries.begin(), entries.end(), ts,
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
    if (step == CursorStep::Failed) {
      Error damage = cursor.error();
      if (was_at) log_.adopt(SegmentCursor(cursor.release_source(), was_at->first, was_at->second));
      return damage;
    }
    if (step == CursorStep::Record) {
      if (first_ts && !*first_ts) *first_ts = v.timestamp_ns;
      if (v.timestamp_ns < ts) continue;
      cursor.rewind_to(offset, seq);
    }
    sources_.put(log_.adopt(std::move(cursor)).release_source());
    return step == CursorStep::Record;
  }
}

Status TimeSeriesReader::relist() {
  auto segments = list_segments(dir());
  if (!segments) return std::move(segments).error();
  listed_.clear();
  for (const SegmentEntry& e : *segments) listed_.push_back(e.id);
  // A kept segment whose file the lifecycle has since replaced (compressed,
  // decompressed) or deleted (retention) would hold on to that file's disk
  // blocks through its mapping.
  sources_.drop_if([&](std::uint64_t id, SegmentTier tier) {
    const auto it =
        std::lower_bound(segments->begin(), segments->end(), id,
                         [](const SegmentEntry& e, std::uint64_t v) { return e.id < v; });
    if (it == segments->end() || it->id != id) return true;
    return tier == SegmentTier::Hot ? !it->hot : !it->cold;
  });
  // Sealed summaries stay valid for as long as the listing starts with them.
  std::size_t keep = 0;
  while (keep < sealed_.size() && keep < listed_.size() && sealed_[keep].id == listed_[keep])
    ++keep;
  sealed_.erase(sealed_.begin() + static_cast<std::ptrdiff_t>(keep), sealed_.end());
  return {};
}

Status TimeSeriesReader::extend_sealed(std::uint64_t ts) {
  while (sealed_.size() < listed_.size() && (sealed_.empty() || !sealed_.back().covers(ts))) {
    auto summarized = summarize(listed_[sealed_.size()]);
    if (!summarized) return std::move(summarized).error();
    const Summary& summary = **summarized;
    if (!summary.sealed) break;
    SealedSegment next{listed_[sealed_.size()], std::move(*summarized), false, 0};
    if (!sealed_.empty()) {
      next.records_through = sealed_.back().records_through;
      next.max_ts_through = sealed_.back().max_ts_through;
    }
    if (summary.record_count > 0) {
      next.records_through = true;
      next.max_ts_through = std::max(next.max_ts_through, summary.max_ts);
    }
    sealed_.push_back(std::move(next));
  }
  return {};
}

std::optional<std::uint64_t> TimeSeriesReader::first_sealed_ts() const noexcept {
  for (const SealedSegment& s : sealed_) {
    if (s.summary->record_count > 0) return s.summary->min_ts;
  }
  return std::nullopt;
}

Result<SeekResult> TimeSeriesReader::seek_with(Listing listing, std::uint64_t ts) {
  if (listing == Listing::Fresh) {
    if (auto st = relist(); !st) return std::move(st).error();
  }
  if (auto st = extend_sealed(ts); !st) return std::move(st).error();
  // The first sealed segment whose records reach ts holds the answer (unless
  // its index lies). Past the sealed segments, only a fresh listing tells
  // where the log ends now.
  const auto first_candidate = std::partition_point(
      sealed_.begin(), sealed_.end(), [&](const SealedSegment& s) { return !s.covers(ts); });
  std::optional<std::uint64_t> first_ts = first_sealed_ts();
  std::size_t i = static_cast<std::size_t>(first_candidate - sealed_.begin());
  if (listing == Listing::Fresh && i == listed_.size() && i > 0) --i;  // the last is always scanned
  for (; i < listed_.size(); ++i) {
    if (i >= sealed_.size() && listing == Listing::Cached) return seek_with(Listing::Fresh, ts);
    std::shared_ptr<const Summary> summary;
    if (i < sealed_.size()) {
      summary = sealed_[i].summary;
    } else {
      auto summarized = summarize(listed_[i]);
      if (!summarized) return std::move(summarized).error();
      summary = std::move(*summarized);
    }
    // The last segment is always scanned: when no record is >= ts, the
    // reader must wait exactly where the scan ended, since the writer may
    // append records >= ts at any moment.
    const bool last = i + 1 == listed_.size();
    if (!last && summary->sealed && (summary->record_count == 0 || summary->max_ts < ts)) continue;
    if (!first_ts && summary->sealed && summary->record_count > 0) first_ts = summary->min_ts;
    std::optional<std::uint64_t> scanned_first;
    auto found = seek_in_segment(listed_[i], *summary, ts, first_ts ? nullptr : &scanned_first);
    if (!found) return std::move(found).error();
    if (!first_ts) first_ts = scanned_first;
    if (*found) return first_ts && ts < *first_ts ? SeekResult::BeforeStart : SeekResult::Found;
  }
  if (listing == Listing::Cached) return seek_with(Listing::Fresh, ts);
  return SeekResult::EndOfLog;
}

Result<SeekResult> TimeSeriesReader::seek_timestamp(std::uint64_t ts) {
  if (!log_.status()) return log_.status().error();
  auto result = seek_with(Listing::Cached, ts);
  // A segment of the cached listing is gone (retention deleted it, say):
  // forget what was cached and look once more.
  if (!result && result.error().code() == Errc::NotFound) {
    listed_.clear();
    sealed_.clear();
    sources_.clear();
    result = seek_with(Listing::Fresh, ts);
  }
  return result;
}

}  // namespace chronicle
