#include <chronicle/compression/cold_segment.hpp>

#include <algorithm>
#include <cstring>

#include <chronicle/core/errors.hpp>

#include "frame_prefetcher.hpp"

namespace chronicle {

ColdSegment::ColdSegment(SeekableReader reader, std::uint64_t id)
    : reader_(std::move(reader)), id_(id) {}

ColdSegment::~ColdSegment() = default;

Result<std::unique_ptr<ColdSegment>> ColdSegment::open(FileSystem& fs, const std::string& path,
                                                       std::uint64_t id,
                                                       const ColdReadOptions& options) {
  if (options.read_ahead_frames > kMaxReadAheadFrames) {
    return invalid_argument("read_ahead_frames {} is invalid: expected 0..{}",
                            options.read_ahead_frames, kMaxReadAheadFrames);
  }
  auto reader = SeekableReader::open(fs, path, kMaxColdFrameSize);
  if (!reader) return std::move(reader).error();
  const SeekTable& table = reader->table();
  const std::uint64_t size = reader->size();
  if (size < kSegmentHeaderSize) {
    return corruption(path, 0, "cold segment holds {} bytes: less than a segment header", size);
  }
  for (std::size_t i = 0; i + 1 < table.frame_count(); ++i) {
    if (table.frame_size(i) != table.frame_size(0)) {
      return corruption(path, table.compressed_offset[i],
                        "frame {} holds {} bytes: every frame but the last must hold the block "
                        "size, {}",
                        i, table.frame_size(i), table.frame_size(0));
    }
  }
  std::unique_ptr<ColdSegment> seg(new ColdSegment(std::move(*reader), id));
  auto frames = detail::FramePrefetcher::create(seg->reader_, options.read_ahead_frames);
  if (!frames) return std::move(frames).error();
  seg->frames_ = std::move(*frames);
  // The header is read through the prefetcher, so that frame 0 stays
  // decompressed for a reader that starts at the first record.
  auto frame0 = seg->frames_->get(0);
  if (!frame0) return std::move(frame0).error();
  SegmentHeader& h = seg->header_;
  if (frame0->size() >= sizeof h) {
    std::memcpy(&h, frame0->data(), sizeof h);
  } else if (auto st = seg->reader_.read_at(0, {reinterpret_cast<std::byte*>(&h), sizeof h}); !st) {
    return std::move(st).error();  // frames smaller than a header: not ours, but valid
  }
  if (auto ok = validate_segment_header(h, path, id, size); !ok) return std::move(ok).error();
  if (!is_sealed(h)) {
    return corruption(path, offsetof(SegmentHeader, flags),
                      "cold segment is not sealed: only sealed segments are compressed");
  }
  if (h.end_of_data != size) {
    return corruption(path, offsetof(SegmentHeader, end_of_data),
                      "seek table holds {} bytes but the segment's end_of_data is {}", size,
                      h.end_of_data);
  }
  return seg;
}

void ColdSegment::trim() noexcept {
  frames_->trim();
  reader_.trim();
  stitch_ = {};
}

Result<SegmentWindow> ColdSegment::window(std::uint64_t offset, std::size_t len) {
  const SeekTable& table = reader_.table();
  const std::uint64_t size = reader_.size();
  if (offset >= size) return SegmentWindow{nullptr, size, size};
  const std::size_t first = table.frame_of(offset);
  const std::uint64_t want_end = std::min<std::uint64_t>(size, offset + len);
  if (want_end <= table.decompressed_offset[first + 1]) {
    auto bytes = frames_->get(first);
    if (!bytes) return std::move(bytes).error();
    return SegmentWindow{bytes->data(), table.decompressed_offset[first],
                         table.decompressed_offset[first + 1]};
  }
  // The range straddles frames: copy it together.
  stitch_.resize(want_end - offset);
  std::uint64_t at = offset;
  while (at < want_end) {
    const std::size_t f = table.frame_of(at);
    auto bytes = frames_->get(f);
    if (!bytes) return std::move(bytes).error();
    const std::uint64_t from = at - table.decompressed_offset[f];
    const std::uint64_t n = std::min<std::uint64_t>(want_end - at, bytes->size() - from);
    std::memcpy(stitch_.data() + (at - offset), bytes->data() + from, n);
    at += n;
  }
  return SegmentWindow{stitch_.data(), offset, want_end};
}

}  // namespace chronicle
