#pragma once
// The two halves of migrating one log: copying its records into a new
// writer, and comparing the result with a second read of the v1 data.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>

#include <chronicle/core/errors.hpp>
#include <chronicle/ipc/v1/v1_log_reader.hpp>
#include <chronicle/ipc/v1/v1_migration.hpp>
#include <chronicle/table/reader/time_series_reader.hpp>

namespace chronicle::ipc::v1::detail {

// Reports each v1 segment the copy finishes to options.on_progress.
class ProgressReporter {
 public:
  ProgressReporter(const MigrationOptions& options, std::uint64_t segments_total)
      : on_progress_(options.on_progress) {
    progress_.segments_total = segments_total;
  }
  // One more record of `payload` bytes copied.
  void record(std::size_t payload) {
    ++progress_.records;
    progress_.payload_bytes += payload;
  }
  // `n` more v1 segments copied to their end.
  void segments_passed(std::uint64_t n) {
    if (n == 0) return;
    progress_.segments_done += n;
    if (on_progress_) on_progress_(progress_);
  }

 private:
  const std::function<void(const MigrationProgress&)>& on_progress_;
  MigrationProgress progress_;
};

// Appends every record of `reader` to `writer` (a TimeSeriesWriter or a
// PartitionWriter), counting into `log` and `progress`. The new seq must be
// the count so far: the target is a new, contiguous log.
template <class Writer>
Status copy_records(V1LogReader& reader, Writer& writer, MigratedLog& log, ProgressReporter& progress) {
  for (const V1SegmentFile& f : reader.segments()) {
    ++(f.tier == SegmentTier::Hot ? log.hot_segments : log.cold_segments);
  }
  RecordView v;
  std::uint64_t prev_seq = 0;
  std::size_t position = 0;  // segments of this reader reported so far
  Step step;
  while ((step = reader.next(v)) == Step::Record) {
    progress.segments_passed(reader.segment_position() - position);
    position = reader.segment_position();
    if (log.records == 0 || v.seq != prev_seq + 1) ++log.sessions;
    prev_seq = v.seq;
    auto seq = writer.append(v.type_id, v.timestamp_ns, v.payload);
    if (!seq) {
      return Error(seq.error().code(),
                   fmt::format("{} (writing v1 record {} of {}, seq {})", seq.error().message(),
                               log.records, escape_bytes(log.source), v.seq));
    }
    if (*seq != log.records) {
      return file_error(Errc::Corruption, log.target, "new record got seq {}: expected {}", *seq,
                        log.records);
    }
    ++log.records;
    log.payload_bytes += v.payload.size();
    progress.record(v.payload.size());
  }
  if (step == Step::Failed) return reader.status();
  progress.segments_passed(reader.segments().size() - position);
  return {};
}

// Compares `fresh` (the new log) with a new read of the v1 log `log.source`:
// the same number of records, each with the same timestamp, type_id and
// payload, and seq 0..n-1. Corruption naming the first difference.
Status verify_records(TimeSeriesReader& fresh, const MigratedLog& log);

}  // namespace chronicle::ipc::v1::detail
