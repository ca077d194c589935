#include <chronicle/table/writer/time_series_writer.hpp>

#include <utility>

#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/core/crash_point.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/segment/hot_segment.hpp>
#include <chronicle/segment/segment_cursor.hpp>
#include <chronicle/segment/segment_store.hpp>

namespace chronicle {

namespace {
// The index of a segment held in memory, built by walking its records.
Result<SegmentIndex> index_by_scan(std::unique_ptr<SegmentSource> source, std::uint32_t stride) {
  const SegmentHeader h = source->header();
  SegmentIndex index;
  index.segment_id = source->segment_id();
  index.base_seq = h.base_seq;
  index.stride = stride;
  SegmentCursor cursor(std::move(source));
  RecordView v;
  std::uint64_t last = 0;
  for (;;) {
    const std::uint64_t offset = cursor.offset();
    const CursorStep step = cursor.next(v);
    if (step == CursorStep::Failed) return cursor.error();
    if (step != CursorStep::Record) break;
    if (index.record_count % stride == 0) index.entries.push_back({v.seq, v.timestamp_ns, offset});
    if (index.record_count == 0 || v.timestamp_ns < index.min_timestamp_ns) {
      index.min_timestamp_ns = v.timestamp_ns;
    }
    if (v.timestamp_ns > index.max_timestamp_ns) index.max_timestamp_ns = v.timestamp_ns;
    if (index.record_count > 0 && v.timestamp_ns < last) index.ordered = false;
    last = v.timestamp_ns;
    ++index.record_count;
  }
  return index;
}
}  // namespace

TimeSeriesWriter::TimeSeriesWriter(SegmentWriter log, TimeSeriesOptions options)
    : log_(std::move(log)), options_(std::move(options)) {}

TimeSeriesWriter::TimeSeriesWriter(TimeSeriesWriter&& other) noexcept
    : log_(std::move(other.log_)),
      options_(std::move(other.options_)),
      has_last_(other.has_last_),
      last_ts_(other.last_ts_),
      live_(std::move(other.live_)),
      until_entry_(other.until_entry_),
      index_error_(std::exchange(other.index_error_, Error())),
      closed_(std::exchange(other.closed_, true)) {}

TimeSeriesWriter& TimeSeriesWriter::operator=(TimeSeriesWriter&& other) noexcept {
  if (this != &other) {
    (void)close();
    log_ = std::move(other.log_);
    options_ = std::move(other.options_);
    has_last_ = other.has_last_;
    last_ts_ = other.last_ts_;
    live_ = std::move(other.live_);
    until_entry_ = other.until_entry_;
    index_error_ = std::exchange(other.index_error_, Error());
    closed_ = std::exchange(other.closed_, true);
  }
  return *this;
}

TimeSeriesWriter::~TimeSeriesWriter() { (void)close(); }

Status validate(const TimeSeriesOptions& options) {
  if (auto ok = validate(options.log); !ok) return ok;
  if (options.index_stride < 1 || options.index_stride > (1u << 20)) {
    return invalid_argument("index_stride {} is invalid: expected 1..{}", options.index_stride,
                            1u << 20);
  }
  if (options.timestamp_order != TimestampOrder::Strict &&
      options.timestamp_order != TimestampOrder::Permissive) {
    return invalid_argument("timestamp_order {} is invalid: expected strict (0) or permissive (1)",
                            static_cast<unsigned>(options.timestamp_order));
  }
  return {};
}

Result<TimeSeriesWriter> TimeSeriesWriter::open(std::string dir, TimeSeriesOptions options) {
  if (auto ok = validate(options); !ok) return std::move(ok).error();
  auto log = SegmentWriter::open(std::move(dir), options.log);
  if (!log) return std::move(log).error();
  options.log.spare = nullptr;  // the caller's, used only by the open
  TimeSeriesWriter writer(std::move(*log), std::move(options));
  if (auto st = writer.rebuild_indexes(); !st) return std::move(st).error();
  return writer;
}

void TimeSeriesWriter::start_segment() noexcept {
  // Keep the entries' capacity: every segment needs about as many entries as
  // the last, and regrowing the vector from empty puts the allocator (brk,
  // mmap) on the append path once per roll.
  std::vector<IndexEntry> entries = std::move(live_.entries);
  entries.clear();
  live_ = SegmentIndex{};
  live_.entries = std::move(entries);
  live_.segment_id = log_.segment_id();
  live_.base_seq = log_.segment_base_seq();
  live_.stride = options_.index_stride;
  until_entry_ = 0;
}

Status TimeSeriesWriter::rebuild_indexes() {
  FileSystem& fs = options_.log.fs ? *options_.log.fs : FileSystem::system();
  const std::string& d = log_.dir();
  // The live segment and those after it have no index yet. A file named as
  // one is left from an earlier incarnation of the partition (deleted, then
  // written again from the same ids): it would describe other records, so it
  // goes before any record lands in a segment of that id.
  auto indexes = list_segment_indexes(d);
  if (!indexes) return std::move(indexes).error();
  for (std::uint64_t id : *indexes) {
    if (id < log_.segment_id()) continue;
    if (auto gone = fs.unlink(segment_index_path(d, id));
        !gone && gone.error().code() != Errc::NotFound) {
      return gone;
    }
  }
  auto segments = list_segments(d);
  if (!segments) return std::move(segments).error();
  // Sealed hot segments whose index is missing (a crash between the seal and
  // the index write) get it back.
  for (const SegmentEntry& e : *segments) {
    if (e.id == log_.segment_id() || !e.hot) continue;
    auto existing = read_segment_index(fs, d, e.id);
    if (existing || existing.error().code() != Errc::NotFound) continue;
    auto seg = HotSegment::open(fs, segment_path(d, e.id), e.id);
    if (!seg) return std::move(seg).error();
    auto index = index_by_scan(std::move(*seg), options_.index_stride);
    if (!index) return std::move(index).error();
    if (auto st = write_segment_index(fs, d, *index, options_.log.file_mode, false); !st) return st;
  }
  // The live segment's in-memory index, and the last timestamp of the log.
  // A segment the log has just started holds nothing to scan (a new
  // partition's, at every move of a RollingWriter).
  if (log_.write_offset() == kSegmentHeaderSize) {
    start_segment();
  } else {
    auto live = HotSegment::open(fs, segment_path(d, log_.segment_id()), log_.segment_id());
    if (!live) return std::move(live).error();
    auto index = index_by_scan(std::move(*live), options_.index_stride);
    if (!index) return std::move(index).error();
    live_ = std::move(*index);
    until_entry_ = static_cast<std::uint32_t>(
        (options_.index_stride - live_.record_count % options_.index_stride) %
        options_.index_stride);
  }
  if (live_.record_count > 0) {
    has_last_ = true;
    // The last record's timestamp: the live index's max is right only when
    // ordered, so take it from a scan's last record instead.
    auto again = HotSegment::open(fs, segment_path(d, log_.segment_id()), log_.segment_id());
    if (!again) return std::move(again).error();
    SegmentCursor cursor(std::move(*again));
    RecordView v;
    while (cursor.next(v) == CursorStep::Record) last_ts_ = v.timestamp_ns;
  } else if (segments->size() >= 2) {
    // The previous segment's index gives its last timestamp bound; for
    // ordered logs its max is the last timestamp.
    const std::uint64_t prev = log_.segment_id() - 1;
    if (auto idx = read_segment_index(fs, d, prev)) {
      if (idx->record_count > 0) {
        has_last_ = true;
        last_ts_ = idx->max_timestamp_ns;
      }
    } else if (auto source = UnifiedSegmentOpener(fs).open(d, prev)) {
      // No index (a crash before it was written, then compression): the
      // sealed header holds the same bounds. Without them the next record's
      // order would go unchecked, and readers of a Strict partition stop at
      // the first record past their range.
      const SegmentHeader h = (*source)->header();
      if (is_sealed(h) && h.record_count > 0) {
        has_last_ = true;
        last_ts_ = h.max_timestamp_ns;
      }
    }
  }
  return {};
}

Error TimeSeriesWriter::out_of_order(std::uint64_t timestamp_ns) const {
  return file_error(Errc::InvalidArgument, log_.dir(),
                    "timestamp {} is before the previous record's {}: this partition requires "
                    "non-decreasing timestamps (TimestampOrder::Strict)",
                    timestamp_ns, last_ts_);
}

Status TimeSeriesWriter::finish_segment_index(std::uint64_t segment_id) {
  // The segment is sealed; until its index is written readers scan it, and
  // the next writer of this partition writes the index (rebuild_indexes).
  CHRONICLE_CRASH_POINT("index.before_write");
  live_.segment_id = segment_id;
  FileSystem& fs = options_.log.fs ? *options_.log.fs : FileSystem::system();
  return write_segment_index(fs, log_.dir(), live_, options_.log.file_mode,
                             options_.log.sync_on_seal);
}

Status TimeSeriesWriter::close() {
  PendingSync left_to_write_back;
  return close(left_to_write_back);
}

Status TimeSeriesWriter::close(PendingSync& unsynced) {
  if (closed_) return {};
  closed_ = true;
  const bool had_records = live_.record_count > 0;
  const std::uint64_t id = log_.segment_id();
  Status st = log_.close(unsynced);
  Status index;
  if (st && had_records) index = finish_segment_index(id);
  // A failure of the log's close says more about the records than one of
  // an index (derived data), and an earlier failure comes before a later.
  if (!st) return st;
  if (index_error_) return Status(std::exchange(index_error_, Error()));
  return index;
}

}  // namespace chronicle
