#include "v1_frame_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>

#include <chronicle/core/errors.hpp>

namespace chronicle::ipc::v1::detail {

Result<FrameIndex> read_frame_index(FileSystem& fs, const std::string& idx_path,
                                    std::uint64_t zst_size) {
  auto fd = fs.open(idx_path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", idx_path, errno);
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  if (file_size < sizeof(FrameIndexHeader)) {
    return corruption(idx_path, 0, "frame index is {} bytes: shorter than its {}-byte header",
                      file_size, sizeof(FrameIndexHeader));
  }
  FrameIndexHeader h;
  if (auto r = fs.pread_exact(fd->get(), idx_path, &h, sizeof h, 0); !r) return std::move(r).error();
  if (std::memcmp(h.magic, kFrameIndexMagic, sizeof h.magic) != 0) {
    return corruption(idx_path, 0, "bad frame index magic \"{}\": expected \"QZSTIDX1\"",
                      escape_bytes(std::string_view(h.magic, sizeof h.magic)));
  }
  if (h.version != kFrameIndexVersion) {
    return file_error(Errc::Unsupported, idx_path, "frame index version {}: this build reads {}",
                      h.version, kFrameIndexVersion);
  }
  if (h.header_len != sizeof(FrameIndexHeader)) {
    return corruption(idx_path, offsetof(FrameIndexHeader, header_len),
                      "frame index header length {}: expected {}", h.header_len,
                      sizeof(FrameIndexHeader));
  }
  if (h.block_size == 0 || h.block_size > kMaxBlockSize) {
    return corruption(idx_path, offsetof(FrameIndexHeader, block_size),
                      "block size {}: expected 1..{}", h.block_size, kMaxBlockSize);
  }
  const std::uint64_t room = (file_size - sizeof h) / sizeof(FrameIndexEntry);
  if (h.frame_count == 0 || h.frame_count > room ||
      file_size != sizeof h + h.frame_count * sizeof(FrameIndexEntry)) {
    return corruption(idx_path, offsetof(FrameIndexHeader, frame_count),
                      "frame count {} does not fit the {}-byte file (it holds {} entries of {} "
                      "bytes after the header)",
                      h.frame_count, file_size, room, sizeof(FrameIndexEntry));
  }

  FrameIndex index;
  index.block_size = h.block_size;
  index.frames.resize(h.frame_count);
  if (auto r = fs.pread_exact(fd->get(), idx_path, index.frames.data(),
                              index.frames.size() * sizeof(FrameIndexEntry), sizeof h);
      !r) {
    return std::move(r).error();
  }
  std::uint64_t uncompressed = 0;
  std::uint64_t compressed = 0;
  for (std::size_t i = 0; i < index.frames.size(); ++i) {
    const FrameIndexEntry& e = index.frames[i];
    const std::uint64_t at = sizeof h + i * sizeof(FrameIndexEntry);
    const bool last = i + 1 == index.frames.size();
    if (e.uncompressed_offset != uncompressed) {
      return corruption(idx_path, at, "frame {} starts at uncompressed offset {}: expected {}", i,
                        e.uncompressed_offset, uncompressed);
    }
    if (e.compressed_offset != compressed) {
      return corruption(idx_path, at + 8, "frame {} starts at offset {} of the .q.zst: expected {}",
                        i, e.compressed_offset, compressed);
    }
    if (e.compressed_size == 0 || e.compressed_size > zst_size - compressed) {
      return corruption(idx_path, at + 16,
                        "frame {} of {} bytes at offset {} runs past the end of the {}-byte .q.zst",
                        i, e.compressed_size, compressed, zst_size);
    }
    if (e.uncompressed_size == 0 || e.uncompressed_size > h.block_size ||
        (!last && e.uncompressed_size != h.block_size)) {
      return corruption(idx_path, at + 20, "frame {} holds {} bytes: expected {}{}", i,
                        e.uncompressed_size, last ? "1.." : "", h.block_size);
    }
    uncompressed += e.uncompressed_size;
    compressed += e.compressed_size;
    if (uncompressed > kMaxV1SegmentSize) {
      return file_error(Errc::Unsupported, idx_path,
                        "frames 0..{} (entry at offset {}) decompress to {} bytes: this build "
                        "reads v1 segments of at most {} bytes",
                        i, at, uncompressed, kMaxV1SegmentSize);
    }
  }
  if (compressed != zst_size) {
    return corruption(idx_path, sizeof h,
                      "the frames cover {} bytes but the .q.zst has {}: bytes without a frame",
                      compressed, zst_size);
  }
  if (uncompressed < kSegmentHeaderSize) {
    return corruption(idx_path, sizeof h, "the segment is {} bytes: shorter than its header",
                      uncompressed);
  }
  index.uncompressed_size = uncompressed;
  return index;
}

}  // namespace chronicle::ipc::v1::detail
