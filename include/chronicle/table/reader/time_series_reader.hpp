#pragma once
// Reads one partition (a log with sparse timestamp indexes) over hot and cold
// segments alike: iterate, seek by timestamp or sequence number, and tail it
// live.
//
// seek_timestamp(ts) positions the reader at the first record, in sequence
// order, whose timestamp is >= ts; equal timestamps are never skipped. It
// skips whole segments by the min/max timestamps in their index files
// without opening them, binary-searches the index of the segment that holds
// the answer, and scans at most `index_stride` records. A missing, damaged or
// lying index only makes it scan more: every index entry is checked against
// the record it points to.
//
// Thread safety: one thread per reader.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/table/read_observer.hpp>
#include <chronicle/table/segment_index.hpp>

namespace chronicle {

enum class SeekResult : std::uint8_t {
  BeforeStart,  // ts is before the first record: positioned at the first record
  Found,        // positioned at the first record with timestamp >= ts
  EndOfLog,     // no record has timestamp >= ts: positioned at the end, so
                // that the next record appended is the next one read
};
std::string_view seek_result_name(SeekResult r) noexcept;

class TimeSeriesReader {
 public:
  // Opens the partition log in `dir` (both tiers). `observer`, if set, is
  // told about every segment the reader opens.
  static Result<TimeSeriesReader> open(std::string dir,
                                       std::shared_ptr<ReadObserver> observer = nullptr);

  TimeSeriesReader(TimeSeriesReader&&) noexcept = default;
  TimeSeriesReader& operator=(TimeSeriesReader&&) noexcept = default;

  // As LogReader::next: the next record, NothingYet at the live end, Failed
  // (sticky) with status().
  Step next(RecordView& out) noexcept { return log_.next(out); }

  // See the class comment. Errors: Io, or Corruption of the data (never of
  // an index).
  Result<SeekResult> seek_timestamp(std::uint64_t ts);
  // As LogReader::seek_seq.
  Status seek_seq(std::uint64_t seq) { return log_.seek_seq(seq); }

  const Status& status() const noexcept { return log_.status(); }
  std::uint64_t next_seq() const noexcept { return log_.next_seq(); }
  const std::string& dir() const noexcept { return log_.dir(); }

 private:
  // What seek_timestamp knows about a segment without scanning it.
  struct Summary {
    bool sealed = false;        // false: the live segment (or unknown): scan it
    std::uint64_t record_count = 0;
    std::uint64_t min_ts = 0;
    std::uint64_t max_ts = 0;
    std::optional<SegmentIndex> index;  // present, readable and ordered
  };
  TimeSeriesReader(LogReader log, std::unique_ptr<SegmentOpener> opener);
  // Shared, not copied: a sealed segment's summary holds its whole index, and
  // a seek looks at the summary of every segment before its target.
  Result<std::shared_ptr<const Summary>> summarize(std::uint64_t id);
  // Positions at the first record >= ts in segment `id`; if there is none,
  // at the end of the segment's records as scanned, and returns false.
  Result<bool> seek_in_segment(std::uint64_t id, const Summary& summary, std::uint64_t ts,
                               std::optional<std::uint64_t>* first_ts);

  std::unique_ptr<SegmentOpener> opener_;  // stable address: log_ points to it
  LogReader log_;
  std::map<std::uint64_t, std::shared_ptr<const Summary>> sealed_summaries_;  // sealed segments never change
};

}  // namespace chronicle
