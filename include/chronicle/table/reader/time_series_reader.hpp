#pragma once
// Reads one partition (a log with sparse timestamp indexes) over hot and cold
// segments alike: iterate, seek by timestamp or sequence number, and tail it
// live.
//
// seek_timestamp(ts) positions the reader at the first record, in sequence
// order, whose timestamp is >= ts; equal timestamps are never skipped. It
// finds the segment that holds the answer by the min/max timestamps in the
// segments' index files, without opening the others, binary-searches that
// segment's index, and scans at most `index_stride` records. A missing,
// damaged or lying index only makes it scan more: every index entry is
// checked against the record it points to.
//
// What a seek learns is kept for the next ones: the summaries of the sealed
// segments (they never change), the directory listing as long as the answer
// lies among sealed segments, and the segments opened last (their mappings,
// or their cold seek tables and header; TimeSeriesReaderOptions bounds how
// many). A seek that needs the live end of the log always lists the
// directory again. Like any reader, it
// follows one log: if the partition is deleted under it, the segments it
// holds stay readable and a seek beyond them is NotFound.
//
// Thread safety: one thread per reader.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_source_cache.hpp>
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

struct TimeSeriesReaderOptions {
  // How many segments of each tier a reader keeps open after its seeks moved
  // on, so that seeking back costs no open, map or header decompression. The
  // defaults hold a partition of 256 segments (16 GiB at the default segment
  // size): random seeks over it then make no system call. A kept hot segment
  // costs one mapping (address space and one of the process's
  // vm.max_map_count mappings, about 65,000 by default). A kept cold segment
  // costs its mapping and seek table (a few KiB); its decompressed frames,
  // read-ahead thread and zstd contexts are freed when it is set aside. A
  // kept segment of either tier keeps the disk blocks of its file after the
  // lifecycle replaces it (compression, decompression) or deletes it
  // (retention), until the reader lists the directory again (a seek to the
  // live end), releases it (release_kept_segments()) or is destroyed. 0 keeps none. At most
  // kMaxCachedSegments each (InvalidArgument).
  std::size_t cached_hot_segments = 256;
  std::size_t cached_cold_segments = 256;
  static constexpr std::size_t kMaxCachedSegments = 4096;
};
Status validate(const TimeSeriesReaderOptions& options);

class TimeSeriesReader {
 public:
  // Opens the partition log in `dir` (both tiers). `observer`, if set, is
  // told about every segment the reader opens. InvalidArgument for options
  // out of range.
  static Result<TimeSeriesReader> open(std::string dir,
                                       std::shared_ptr<ReadObserver> observer = nullptr,
                                       TimeSeriesReaderOptions options = {});

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

  // Closes the segments kept for later seeks (TimeSeriesReaderOptions), for
  // a reader that will not seek again; the one it reads from stays open.
  void release_kept_segments() noexcept { sources_.clear(); }

  const Status& status() const noexcept { return log_.status(); }
  std::uint64_t next_seq() const noexcept { return log_.next_seq(); }
  const std::string& dir() const noexcept { return log_.dir(); }

 private:
  // What seek_timestamp knows about a segment without scanning it.
  struct Summary {
    bool sealed = false;  // false: the live segment (or unknown): scan it
    std::uint64_t record_count = 0;
    std::uint64_t min_ts = 0;
    std::uint64_t max_ts = 0;
    std::optional<SegmentIndex> index;  // present, readable and ordered
  };
  // A sealed segment of the last listing, with the greatest timestamp of it
  // and of every segment before it (nondecreasing, so binary-searchable).
  struct SealedSegment {
    std::uint64_t id;
    std::shared_ptr<const Summary> summary;
    bool records_through;          // this segment or an earlier one holds a record
    std::uint64_t max_ts_through;  // the greatest timestamp among those records
    bool covers(std::uint64_t ts) const noexcept { return records_through && max_ts_through >= ts; }
  };
  enum class Listing : bool { Cached, Fresh };

  TimeSeriesReader(LogReader log, std::unique_ptr<SegmentOpener> opener,
                   const TimeSeriesReaderOptions& options);
  Result<SeekResult> seek_with(Listing listing, std::uint64_t ts);
  Status relist();
  // Summarizes listed segments into sealed_ until one covers ts or one is
  // not sealed.
  Status extend_sealed(std::uint64_t ts);
  // Timestamp of the first record in sealed_, if any holds one.
  std::optional<std::uint64_t> first_sealed_ts() const noexcept;
  // Shared, not copied: a sealed segment's summary holds its whole index.
  Result<std::shared_ptr<const Summary>> summarize(std::uint64_t id);
  // Positions at the first record >= ts in segment `id`; if there is none,
  // at the end of the segment's records as scanned, and returns false.
  Result<bool> seek_in_segment(std::uint64_t id, const Summary& summary, std::uint64_t ts,
                               std::optional<std::uint64_t>* first_ts);
  // A cursor at the start of segment `id`: the reader's current segment, a
  // cached one, or a fresh open.
  Result<SegmentCursor> cursor_at_start(std::uint64_t id);

  std::unique_ptr<SegmentOpener> opener_;  // stable address: log_ points to it
  LogReader log_;
  std::vector<std::uint64_t> listed_;  // segment ids of the last listing
  std::vector<SealedSegment> sealed_;  // listed_'s leading sealed segments, as far as needed
  SegmentSourceCache sources_;
};

}  // namespace chronicle
