#pragma once
// The writer of one partition of a table: a TimeSeriesWriter in the
// partition's directory, configured by the table's config. Made by
// Table::partition_writer(); finish() seals the partition's last segment.
//
// Thread safety: one thread at a time; one writer per partition across all
// processes (the log's lock refuses a second one with Locked).

#include <cstdint>
#include <span>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/table/partition/partition_values.hpp>
#include <chronicle/table/writer/time_series_writer.hpp>

namespace chronicle {

class PartitionWriter {
 public:
  PartitionWriter(PartitionValues values, std::string relative_path, TimeSeriesWriter writer)
      : values_(std::move(values)), path_(std::move(relative_path)), writer_(std::move(writer)) {}

  Result<std::uint64_t> append(std::uint16_t type_id, std::uint64_t timestamp_ns,
                               std::span<const std::byte> payload) noexcept {
    return writer_.append(type_id, timestamp_ns, payload);
  }
  Status flush() { return writer_.flush(); }
  Status sync() { return writer_.sync(); }
  // Seals the last segment and writes its index; appends afterwards fail with
  // Closed. A later writer on the same partition continues its sequence.
  Status finish() { return writer_.close(); }
  // The same, handing over what a sync() would still have had to do:
  // `unsynced.run()` makes every record appended before finish durable.
  Status finish(PendingSync& unsynced) { return writer_.close(unsynced); }
  // The segment prepared ahead for this partition, for the next partition's
  // writer to start with (Table::partition_writer's `spare`), from a writer
  // about to finish; no append may roll while it is held
  // (SegmentWriter::take_spare()).
  SpareSegment take_spare() { return writer_.take_spare(); }

  const PartitionValues& values() const noexcept { return values_; }
  // Relative to the table root, escaped.
  const std::string& path() const noexcept { return path_; }
  std::uint64_t next_seq() const noexcept { return writer_.next_seq(); }
  const TimeSeriesWriter& log() const noexcept { return writer_; }

 private:
  PartitionValues values_;
  std::string path_;
  TimeSeriesWriter writer_;
};

}  // namespace chronicle
