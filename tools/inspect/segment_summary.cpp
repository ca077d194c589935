#include "inspect/segment_summary.hpp"

#include <sys/stat.h>

#include <algorithm>

#include <chronicle/core/errors.hpp>
#include <chronicle/segment/segment_cursor.hpp>

#include "inspect/header_opener.hpp"

namespace chronicle::cli {
namespace {

std::uint64_t size_on_disk(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// Scans the records of a segment that is not sealed: the writer may append
// while we read, so this describes the segment as it was at some moment.
Status scan_live(SegmentCursor& cursor, SegmentSummary& out) {
  std::uint64_t count = 0;
  RecordView rec;
  for (;;) {
    const CursorStep step = cursor.next(rec);
    if (step == CursorStep::Failed) return cursor.error();
    if (step != CursorStep::Record) break;
    if (count == 0 || rec.timestamp_ns < out.min_timestamp_ns) {
      out.min_timestamp_ns = rec.timestamp_ns;
    }
    if (count == 0 || rec.timestamp_ns > out.max_timestamp_ns) {
      out.max_timestamp_ns = rec.timestamp_ns;
    }
    ++count;
  }
  out.record_count = count;
  out.used_bytes = cursor.offset();
  return {};
}

}  // namespace

std::string_view state_name(SegmentState state) noexcept {
  switch (state) {
    case SegmentState::Sealed:
      return "sealed";
    case SegmentState::Live:
      return "live";
    case SegmentState::Damaged:
      return "damaged";
  }
  return "?";
}

std::string_view tier_name(SegmentTier tier) noexcept {
  return tier == SegmentTier::Hot ? "hot" : "cold";
}

SegmentSummary summarize_segment(const std::string& dir, const SegmentEntry& entry) {
  SegmentSummary out;
  out.id = entry.id;
  out.tier = entry.hot ? SegmentTier::Hot : SegmentTier::Cold;
  out.path = segment_path(dir, entry.id, out.tier);
  auto source = header_opener().open(dir, entry.id);
  if (!source) {
    out.state = SegmentState::Damaged;
    out.error = std::move(source).error();
    out.file_size = size_on_disk(out.path);
    return out;
  }
  // The lifecycle may have replaced one form by the other since the listing.
  out.tier = (*source)->tier();
  out.path = (*source)->path();
  out.file_size = out.tier == SegmentTier::Hot ? (*source)->size() : size_on_disk(out.path);
  const SegmentHeader h = (*source)->header();
  out.base_seq = h.base_seq;
  if (is_sealed(h)) {
    out.state = SegmentState::Sealed;
    out.used_bytes = h.end_of_data;
    out.record_count = h.record_count;
    out.min_timestamp_ns = h.min_timestamp_ns;
    out.max_timestamp_ns = h.max_timestamp_ns;
    return out;
  }
  out.state = SegmentState::Live;
  SegmentCursor cursor(std::move(*source));
  if (Status s = scan_live(cursor, out); !s) {
    out.state = SegmentState::Damaged;
    out.used_bytes.reset();
    out.record_count.reset();
    out.error = std::move(s).error();
  }
  return out;
}

LogTotals total_of(const std::vector<SegmentSummary>& segments) {
  LogTotals t;
  for (const SegmentSummary& s : segments) {
    ++t.segments;
    ++(s.tier == SegmentTier::Hot ? t.hot : t.cold);
    if (s.state == SegmentState::Sealed) ++t.sealed;
    if (s.state == SegmentState::Live) ++t.live;
    if (s.state == SegmentState::Damaged) ++t.damaged;
    t.file_size += s.file_size;
    if (s.used_bytes) t.used_bytes += *s.used_bytes;
    if (!s.record_count || *s.record_count == 0) continue;
    t.records += *s.record_count;
    const std::uint64_t last = s.base_seq + *s.record_count - 1;
    t.first_seq = std::min(t.first_seq.value_or(s.base_seq), s.base_seq);
    t.last_seq = std::max(t.last_seq.value_or(last), last);
    t.min_timestamp_ns =
        std::min(t.min_timestamp_ns.value_or(s.min_timestamp_ns), s.min_timestamp_ns);
    t.max_timestamp_ns =
        std::max(t.max_timestamp_ns.value_or(s.max_timestamp_ns), s.max_timestamp_ns);
  }
  return t;
}

}  // namespace chronicle::cli
