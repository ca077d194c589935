#pragma once
// The two halves of migrating one log: copying its records into a new
// writer, and comparing the result with a second read of the v1 data.

#include <algorithm>
#include <cstdint>
#include <string>

#include <chronicle/core/errors.hpp>
#include <chronicle/ipc/v1/v1_log_reader.hpp>
#include <chronicle/ipc/v1/v1_migration.hpp>
#include <chronicle/table/reader/time_series_reader.hpp>

namespace chronicle::ipc::v1::detail {

// Appends every record of `reader` to `writer` (a TimeSeriesWriter or a
// PartitionWriter), counting into `log`. The new seq must be the count so
// far: the target is a new, contiguous log.
template <class Writer>
Status copy_records(V1LogReader& reader, Writer& writer, MigratedLog& log) {
  for (const V1SegmentFile& f : reader.segments()) {
    ++(f.tier == SegmentTier::Hot ? log.hot_segments : log.cold_segments);
  }
  RecordView v;
  std::uint64_t prev_seq = 0;
  Step step;
  while ((step = reader.next(v)) == Step::Record) {
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
  }
  if (step == Step::Failed) return reader.status();
  return {};
}

// Compares `fresh` (the new log) with a new read of the v1 log `log.source`:
// the same number of records, each with the same timestamp, type_id and
// payload, and seq 0..n-1. Corruption naming the first difference.
Status verify_records(TimeSeriesReader& fresh, const MigratedLog& log);

}  // namespace chronicle::ipc::v1::detail
