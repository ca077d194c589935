#include "recovery_scan.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include <chronicle/core/detail/atomic_word.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/segment/memory_segment.hpp>
#include <chronicle/segment/segment_cursor.hpp>

namespace chronicle::detail {

namespace {

bool all_zero(const std::byte* p, std::uint64_t len) {
  for (std::uint64_t i = 0; i < len; ++i) {
    if (p[i] != std::byte{0}) return false;
  }
  return true;
}

}  // namespace

Status headerless_error(const OpenedSegment& s) {
  return corruption(s.seg.path, 0, "segment header is all zeros but the file holds data after it");
}

Result<OpenedSegment> open_rw(FileSystem& fs, const std::string& dir, std::uint64_t id) {
  OpenedSegment out;
  out.seg.id = id;
  out.seg.path = segment_path(dir, id);
  auto fd = fs.open(out.seg.path, O_RDWR | O_NOFOLLOW);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", out.seg.path, errno);
  if (!S_ISREG(st.st_mode)) {
    return file_error(Errc::Corruption, out.seg.path, "is not a regular file (mode {:o})",
                      st.st_mode);
  }
  out.file_size = static_cast<std::uint64_t>(st.st_size);
  out.seg.fd = std::move(*fd);
  if (out.file_size == 0) {
    out.blank = true;
    return out;
  }
  auto map = MmapFile::map(fs, out.seg.fd.get(), out.seg.path, out.file_size, true);
  if (!map) return std::move(map).error();
  out.seg.map = std::move(*map);
  const std::byte* base = out.seg.map.data();
  if (all_zero(base, std::min<std::uint64_t>(out.file_size, kSegmentHeaderSize))) {
    out.blank = all_zero(base, out.file_size);
    out.headerless = !out.blank;
  } else if (out.file_size < kSegmentHeaderSize) {
    return corruption(out.seg.path, 0,
                      "file is {} bytes: expected at least the {}-byte segment header",
                      out.file_size, kSegmentHeaderSize);
  }
  return out;
}

ScanEnd scan(const LiveSegment& seg) {
  SegmentCursor cursor(
      std::make_unique<MemorySegment>(seg.path, seg.id, seg.map.data(), seg.map.size()));
  ScanEnd end;
  RecordView view;
  for (;;) {
    end.step = cursor.next(view);
    if (end.step != CursorStep::Record) break;
    ++end.count;
    end.min_ts = std::min(end.min_ts, view.timestamp_ns);
    end.max_ts = std::max(end.max_ts, view.timestamp_ns);
  }
  end.offset = cursor.offset();
  end.next_seq = cursor.next_seq();
  if (end.step == CursorStep::Failed) end.error = cursor.error();
  return end;
}

std::optional<std::uint64_t> find_record_after(const std::byte* base, std::uint64_t size,
                                               std::uint64_t from, std::uint64_t until,
                                               std::uint64_t min_seq) {
  for (std::uint64_t o = from; o < until && o + kRecordHeaderSize <= size; o += kRecordAlignment) {
    const std::uint32_t commit = load_commit_acquire(base + o);
    if (commit == kCommitNone || commit == kEndOfSegment) continue;
    const RecordHeader h = read_record_header(base + o);
    if (h.commit != commit) continue;
    const std::uint32_t len = h.commit - 1;
    if (h.seq < min_seq || h.seq - min_seq > size) continue;  // cheap filter before hashing
    if (record_size(len) > size - o) continue;
    if (compute_record_checksum(base + o, len) == h.checksum) return o;
  }
  return std::nullopt;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> nonzero_extent(const std::byte* base,
                                                                      std::uint64_t from,
                                                                      std::uint64_t to) {
  std::optional<std::uint64_t> first;
  std::uint64_t last = 0;
  for (std::uint64_t o = from; o < to; ++o) {
    // Skip zero words quickly; most of a segment's tail is zero pages.
    if ((o & 7) == 0 && o + 8 <= to) {
      std::uint64_t w;
      std::memcpy(&w, base + o, 8);
      if (w == 0) {
        o += 7;
        continue;
      }
    }
    if (base[o] != std::byte{0}) {
      if (!first) first = o;
      last = o;
    }
  }
  if (!first) return std::nullopt;
  return std::make_pair(*first, last + 1);
}

void seal_at(LiveSegment& seg, const ScanEnd& end) {
  publish_commit_release(seg.map.data() + end.offset, kEndOfSegment);
  write_seal_block(seg.map.data(), end.offset, end.count, end.min_ts, end.max_ts);
}

void unseal(LiveSegment& seg) {
  std::byte* base = seg.map.data();
  detail::store_u64_release(base + kSealBlockEnd - 4, 0);
  std::memset(base + kSealBlockBegin, 0, kSealBlockEnd - 4 - kSealBlockBegin);
}

}  // namespace chronicle::detail
