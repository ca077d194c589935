#include "v1_segment_bytes.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

#include <chronicle/core/errors.hpp>
#include <chronicle/ipc/v1/v1_format.hpp>

namespace chronicle::ipc::v1::detail {

namespace {

Result<std::pair<UniqueFd, std::uint64_t>> open_sized(FileSystem& fs, const std::string& path) {
  auto fd = fs.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", path, errno);
  if (!S_ISREG(st.st_mode)) return file_error(Errc::Corruption, path, "is not a regular file");
  return std::make_pair(std::move(*fd), static_cast<std::uint64_t>(st.st_size));
}

}  // namespace

Result<SegmentBytes> SegmentBytes::open(FileSystem& fs, const V1SegmentFile& file) {
  if (file.tier == SegmentTier::Cold) return open_cold(fs, file.id, file.path);
  auto opened = open_sized(fs, file.path);
  if (!opened) return std::move(opened).error();
  auto& [fd, size] = *opened;
  if (size < kSegmentHeaderSize) {
    return corruption(file.path, 0, "segment file is {} bytes: shorter than its {}-byte header",
                      size, kSegmentHeaderSize);
  }
  auto map = MmapFile::map(fs, fd.get(), file.path, size, false);
  if (!map) return std::move(map).error();
  map->advise_sequential();
  SegmentBytes bytes(file.path, size);
  bytes.map_ = std::move(*map);
  if (auto st = bytes.check_header(file.id); !st) return std::move(st).error();
  return bytes;
}

Result<SegmentBytes> SegmentBytes::open_cold(FileSystem& fs, std::uint64_t id,
                                             const std::string& path) {
  auto opened = open_sized(fs, path);
  if (!opened) return std::move(opened).error();
  auto index = read_frame_index(fs, path + ".idx", opened->second);
  if (!index) return std::move(index).error();
  auto decompressor = ZstdDecompressor::create();
  if (!decompressor) return std::move(decompressor).error();
  SegmentBytes bytes(path, index->uncompressed_size);
  bytes.cold_ = std::unique_ptr<Cold>(new Cold{&fs, std::move(opened->first), std::move(*index),
                                               std::move(*decompressor), {}, {}, 0, 0});
  if (auto st = bytes.check_header(id); !st) return std::move(st).error();
  return bytes;
}

Status SegmentBytes::check_header(std::uint64_t id) {
  auto p = view(0, kSegmentHeaderSize);
  if (!p) return std::move(p).error();
  const auto h = load_struct<SegmentHeader>(*p);
  if (h.magic != kSegmentMagic) {
    return corruption(path_, 0, "bad segment magic 0x{:08x}: expected 0x{:08x}", h.magic,
                      kSegmentMagic);
  }
  if (h.version != kSegmentVersion) {
    return file_error(Errc::Unsupported, path_, "segment version {}: this build reads version {}",
                      h.version, kSegmentVersion);
  }
  if (h.segment_id != static_cast<std::uint32_t>(id)) {
    return corruption(path_, offsetof(SegmentHeader, segment_id),
                      "segment header holds id {}: expected {} (the low 32 bits of the name's id)",
                      h.segment_id, static_cast<std::uint32_t>(id));
  }
  return {};
}

Result<const std::byte*> SegmentBytes::view(std::uint64_t offset, std::size_t len) {
  if (!cold_) return map_.data() + offset;
  return view_cold(offset, len);
}

Result<const std::byte*> SegmentBytes::view_cold(std::uint64_t offset, std::size_t len) {
  Cold& c = *cold_;
  const std::vector<FrameIndexEntry>& frames = c.index.frames;
  const std::uint64_t end = offset + len;
  if (offset < c.window_start || offset > c.window_start + c.window.size()) {
    // Not a continuation of the window (a seek): restart at the frame
    // holding `offset`.
    const auto it = std::upper_bound(
        frames.begin(), frames.end(), offset,
        [](std::uint64_t off, const FrameIndexEntry& e) { return off < e.uncompressed_offset; });
    c.next_frame = static_cast<std::size_t>(it - frames.begin()) - 1;
    c.window.clear();
    c.window_start = frames[c.next_frame].uncompressed_offset;
  }
  while (c.window_start + c.window.size() < end) {
    // Drop what lies before `offset`, then append the next frame.
    // The window always ends where frame next_frame starts.
    const auto drop = static_cast<std::size_t>(
        std::min<std::uint64_t>(offset - c.window_start, c.window.size()));
    c.window.erase(c.window.begin(), c.window.begin() + static_cast<std::ptrdiff_t>(drop));
    c.window_start += drop;
    const FrameIndexEntry& f = frames[c.next_frame];
    c.compressed.resize(f.compressed_size);
    if (auto r = c.fs->pread_exact(c.fd.get(), path_, c.compressed.data(), f.compressed_size,
                                f.compressed_offset);
        !r) {
      return std::move(r).error();
    }
    const std::size_t at = c.window.size();
    c.window.resize(at + f.uncompressed_size);
    if (auto r = c.decompressor.decompress_frame(
            c.compressed, std::span<std::byte>(c.window.data() + at, f.uncompressed_size), path_,
            f.compressed_offset);
        !r) {
      c.window.clear();
      c.window_start = 0;
      c.next_frame = 0;
      return std::move(r).error();
    }
    ++c.next_frame;
  }
  return c.window.data() + (offset - c.window_start);
}

}  // namespace chronicle::ipc::v1::detail
