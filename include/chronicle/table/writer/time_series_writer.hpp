#pragma once
// A log of timestamped records with a sparse timestamp index per segment:
// every `index_stride`-th record's (seq, timestamp, offset) is kept, and
// written to `NNNNNNNNN.idx` when the segment is sealed. The index survives
// compression of the segment and reopening of the writer (a missing one is
// rebuilt on open). The live segment's index exists only in this writer's
// memory; readers scan the live segment.
//
// Timestamps: with TimestampOrder::Strict a timestamp below the previous one
// is refused; with Permissive it is accepted and the segment is marked
// unordered in its index.
//
// Threads and ownership as SegmentWriter: one writer per directory, used by
// one thread at a time.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/table/segment_index.hpp>
#include <chronicle/table/table_config.hpp>

namespace chronicle {

struct TimeSeriesOptions {
  LogOptions log;
  std::uint32_t index_stride = 64;
  TimestampOrder timestamp_order = TimestampOrder::Strict;
};

// InvalidArgument naming the field, its value and the accepted range: the
// log's options (validate(LogOptions)), index_stride 1..2^20 and a known
// timestamp_order, the same ranges as TableConfig::validate().
Status validate(const TimeSeriesOptions& options);

class TimeSeriesWriter {
 public:
  // Opens (creating if needed) the log in `dir`, recovers it, removes index
  // files of the live segment's id and above (left by an earlier incarnation
  // of the directory), rebuilds the index of the live segment from its
  // records and writes any index file missing for a sealed hot segment.
  static Result<TimeSeriesWriter> open(std::string dir, TimeSeriesOptions options);

  TimeSeriesWriter(TimeSeriesWriter&& other) noexcept;
  TimeSeriesWriter& operator=(TimeSeriesWriter&& other) noexcept;
  ~TimeSeriesWriter();

  // Appends a record; returns its sequence number. Errors as
  // SegmentWriter::append, plus InvalidArgument for a timestamp below the
  // previous one under TimestampOrder::Strict (naming both). An append that
  // rolls to a new segment writes the sealed segment's index; if that write
  // fails the record is still appended (its sequence number is returned),
  // readers scan that segment, the next writer's open writes its index, and
  // close() reports the failure. (Not flush() or sync(): the records are
  // written, and a RollingWriter keeps a failed sync as a lasting failure.)
  Result<std::uint64_t> append(std::uint16_t type_id, std::uint64_t timestamp_ns,
                               std::span<const std::byte> payload) noexcept;

  Status flush() { return log_.flush(); }
  Status sync() { return log_.sync(); }
  // Seals the live segment (if it holds records) and writes its index. A
  // failure of the log's close is returned first, then a failed index write
  // of an earlier roll, then one of this index. Idempotent.
  Status close();
  // The same, handing over what a sync() would still have had to do
  // (SegmentWriter::close(PendingSync&)).
  Status close(PendingSync& unsynced);
  // The segment the log prepared ahead, for a writer about to close; no
  // append may roll while it is held (SegmentWriter::take_spare()).
  SpareSegment take_spare() { return log_.take_spare(); }

  std::uint64_t next_seq() const noexcept { return log_.next_seq(); }
  // Timestamp of the last record in the log, if any.
  std::optional<std::uint64_t> last_timestamp() const noexcept {
    return has_last_ ? std::optional<std::uint64_t>(last_ts_) : std::nullopt;
  }
  const std::string& dir() const noexcept { return log_.dir(); }
  const RecoveryReport& recovery_report() const noexcept { return log_.recovery_report(); }
  const SegmentWriter& log() const noexcept { return log_; }

 private:
  TimeSeriesWriter(SegmentWriter log, TimeSeriesOptions options);
  Error out_of_order(std::uint64_t timestamp_ns) const;
  // The log rolled to a new segment: write the finished segment's index.
  Status finish_segment_index(std::uint64_t segment_id);
  void start_segment() noexcept;
  Status rebuild_indexes();

  SegmentWriter log_;
  TimeSeriesOptions options_;
  bool has_last_ = false;
  std::uint64_t last_ts_ = 0;
  // The live segment's index, kept in memory until it is sealed.
  SegmentIndex live_;
  std::uint32_t until_entry_ = 0;  // records until the next index entry
  Error index_error_;              // a failed index write at a roll, for close()
  bool closed_ = false;
};

inline Result<std::uint64_t> TimeSeriesWriter::append(std::uint16_t type_id,
                                                      std::uint64_t timestamp_ns,
                                                      std::span<const std::byte> payload) noexcept {
  const bool backwards = has_last_ && timestamp_ns < last_ts_;
  if (backwards && options_.timestamp_order == TimestampOrder::Strict) [[unlikely]] {
    return out_of_order(timestamp_ns);
  }
  const std::uint64_t offset = log_.write_offset();
  const std::uint64_t segment_base = log_.segment_base_seq();
  auto seq = log_.append(type_id, timestamp_ns, payload);
  if (!seq) [[unlikely]] return seq;
  std::uint64_t at = offset;
  if (log_.segment_base_seq() != segment_base) [[unlikely]] {
    // The append rolled: the record opens the new segment. It is written
    // whatever becomes of the sealed segment's index (see above).
    if (auto st = finish_segment_index(live_.segment_id); !st && !index_error_) {
      index_error_ = std::move(st).error();
    }
    start_segment();
    at = kSegmentHeaderSize;
  }
  if (until_entry_ == 0) {
    live_.entries.push_back({*seq, timestamp_ns, at});
    until_entry_ = options_.index_stride;
  }
  --until_entry_;
  if (live_.record_count == 0 || timestamp_ns < live_.min_timestamp_ns) live_.min_timestamp_ns = timestamp_ns;
  if (timestamp_ns > live_.max_timestamp_ns) live_.max_timestamp_ns = timestamp_ns;
  if (backwards) live_.ordered = false;
  ++live_.record_count;
  last_ts_ = timestamp_ns;
  has_last_ = true;
  return seq;
}

}  // namespace chronicle
