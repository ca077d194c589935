#include "segment_describe.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

#include <chronicle/compression/seekable_reader.hpp>
#include <chronicle/compression/cold_segment.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/segment/hot_segment.hpp>
#include <chronicle/segment/segment_cursor.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/segment_index.hpp>

namespace chronicle::detail {

namespace {
std::uint64_t mtime_ns(const struct stat& st) {
  return static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
}

// Counts the records of a live segment by walking them.
Status scan_live(std::unique_ptr<SegmentSource> source, SegmentInfo& info) {
  SegmentCursor cursor(std::move(source));
  RecordView v;
  CursorStep step;
  while ((step = cursor.next(v)) == CursorStep::Record) {
    if (info.record_count == 0 || v.timestamp_ns < info.min_timestamp_ns) info.min_timestamp_ns = v.timestamp_ns;
    info.max_timestamp_ns = std::max(info.max_timestamp_ns, v.timestamp_ns);
    ++info.record_count;
  }
  if (step == CursorStep::Failed) return cursor.error();
  info.used_bytes = cursor.offset();
  return {};
}

void take_header(const SegmentHeader& h, SegmentInfo& info) {
  info.created_ns = h.created_ns;
  info.sealed = is_sealed(h);
  if (info.sealed) {
    info.used_bytes = h.end_of_data;
    info.record_count = h.record_count;
    info.min_timestamp_ns = h.min_timestamp_ns;
    info.max_timestamp_ns = h.max_timestamp_ns;
  }
}
}  // namespace

Result<std::vector<SegmentInfo>> describe_segments(FileSystem& fs, const std::string& dir,
                                                   const std::string& relative,
                                                   std::uint64_t* index_bytes) {
  auto entries = list_segments(dir);
  if (!entries) return std::move(entries).error();
  std::vector<SegmentInfo> out;
  out.reserve(entries->size());
  if (index_bytes) *index_bytes = 0;
  for (const SegmentEntry& e : *entries) {
    SegmentInfo info;
    info.partition = relative;
    info.segment_id = e.id;
    info.tier = e.hot ? SegmentTier::Hot : SegmentTier::Cold;
    info.path = segment_path(dir, e.id, info.tier);
    struct stat st {};
    if (::lstat(info.path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // compressed or removed since the listing
      return io_error("lstat", info.path, errno);
    }
    info.size_on_disk = static_cast<std::uint64_t>(st.st_size);
    info.modified_ns = mtime_ns(st);
    if (index_bytes) {
      struct stat ist {};
      if (::lstat(segment_index_path(dir, e.id).c_str(), &ist) == 0) {
        *index_bytes += static_cast<std::uint64_t>(ist.st_size);
      }
    }
    if (info.tier == SegmentTier::Hot) {
      auto seg = HotSegment::open(fs, info.path, e.id);
      if (!seg) {
        if (seg.error().code() == Errc::NotFound) continue;
        return std::move(seg).error();
      }
      take_header((*seg)->header(), info);
      if (!info.sealed) {
        if (auto s = scan_live(std::move(*seg), info); !s) return std::move(s).error();
      }
    } else if (auto index = read_segment_index(fs, dir, e.id)) {
      // The index answers for a cold segment without decompressing it.
      auto seekable = SeekableReader::open(fs, info.path, kMaxColdFrameSize);
      if (!seekable) {
        if (seekable.error().code() == Errc::NotFound) continue;
        return std::move(seekable).error();
      }
      info.sealed = true;
      info.used_bytes = seekable->size();
      info.record_count = index->record_count;
      info.min_timestamp_ns = index->min_timestamp_ns;
      info.max_timestamp_ns = index->max_timestamp_ns;
    } else {
      auto cold = ColdSegment::open(fs, info.path, e.id, ColdReadOptions{.read_ahead_frames = 0});
      if (!cold) {
        if (cold.error().code() == Errc::NotFound) continue;
        return std::move(cold).error();
      }
      take_header((*cold)->header(), info);
    }
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace chronicle::detail
