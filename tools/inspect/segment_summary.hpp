#pragma once
// What `chronicle info` shows of one segment: sizes, state, and the range of
// its records. Sealed segments (hot or cold) are described from their header;
// the live one is scanned with a SegmentCursor (which verifies each record's
// checksum on the way) to find its used bytes, record count and timestamps.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_store.hpp>

namespace chronicle::cli {

enum class SegmentState { Sealed, Live, Damaged };

struct SegmentSummary {
  std::uint64_t id = 0;
  // The file described: the .q when present (readers prefer it), else the
  // .q.zst.
  std::string path;
  SegmentTier tier = SegmentTier::Hot;
  SegmentState state = SegmentState::Live;
  std::uint64_t file_size = 0;  // on disk; a cold segment's compressed size
  // The rest is known only for a readable segment.
  std::optional<std::uint64_t> used_bytes;  // end_of_data, or end of the last record
  std::optional<std::uint64_t> record_count;
  std::uint64_t base_seq = 0;
  std::uint64_t min_timestamp_ns = 0;  // meaningful when record_count > 0
  std::uint64_t max_timestamp_ns = 0;
  // Why the segment could not be read, for SegmentState::Damaged.
  Error error;
};

std::string_view state_name(SegmentState state) noexcept;
std::string_view tier_name(SegmentTier tier) noexcept;

// Describes one segment of the log in `dir`. Never fails: a segment that
// cannot be read is returned as Damaged with the reason.
SegmentSummary summarize_segment(const std::string& dir, const SegmentEntry& entry);

// Sums over all segments of a log.
struct LogTotals {
  std::uint64_t segments = 0, hot = 0, cold = 0, sealed = 0, live = 0, damaged = 0;
  std::uint64_t file_size = 0, used_bytes = 0, records = 0;
  std::optional<std::uint64_t> first_seq, last_seq;
  std::optional<std::uint64_t> min_timestamp_ns, max_timestamp_ns;
};

LogTotals total_of(const std::vector<SegmentSummary>& segments);

}  // namespace chronicle::cli
