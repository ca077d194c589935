#pragma once
// The uncompressed bytes of one v1 segment, hot or cold, viewed a range at a
// time. A hot segment is mapped read-only and viewed in place (zero copy). A
// cold one is decompressed frame by frame through its frame index into a
// window that holds only the frames the current range needs, so memory stays
// at about one frame plus one record whatever the segment size; reading
// forward decompresses each frame once.
//
// Both check the segment header (magic, version, id) on open.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <chronicle/compression/zstd_codec.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/core/mmap_file.hpp>
#include <chronicle/core/unique_fd.hpp>
#include <chronicle/ipc/v1/v1_log_dir.hpp>

#include "v1_frame_index.hpp"

namespace chronicle::ipc::v1::detail {

class SegmentBytes {
 public:
  // Opens `file` as its tier says. Errors: Io; Corruption for a file shorter
  // than a segment header, a damaged frame index, or a bad segment header;
  // Unsupported for another segment version or frame index version, or a
  // cold segment above kMaxV1SegmentSize (a hot one is mapped, whatever its
  // size).
  static Result<SegmentBytes> open(FileSystem& fs, const V1SegmentFile& file);
  // Opens the cold copy of a hot segment (V1SegmentFile::cold_copy).
  static Result<SegmentBytes> open_cold(FileSystem& fs, std::uint64_t id, const std::string& path);

  SegmentBytes(SegmentBytes&&) noexcept = default;
  SegmentBytes& operator=(SegmentBytes&&) noexcept = default;

  // Uncompressed size of the segment.
  std::uint64_t size() const noexcept { return size_; }
  const std::string& path() const noexcept { return path_; }
  bool cold() const noexcept { return cold_ != nullptr; }

  // The bytes [offset, offset + len), valid until the next call to view().
  // REQUIRES: offset + len <= size().
  // Errors (cold only): Io, or Corruption naming the .q.zst and frame offset.
  Result<const std::byte*> view(std::uint64_t offset, std::size_t len);

 private:
  struct Cold {
    FileSystem* fs;
    UniqueFd fd;
    FrameIndex index;
    ZstdDecompressor decompressor;
    std::vector<std::byte> compressed;  // one frame, reused
    std::vector<std::byte> window;      // uncompressed [window_start, +window.size())
    std::uint64_t window_start = 0;
    std::size_t next_frame = 0;         // the frame that continues the window
  };
  SegmentBytes(std::string path, std::uint64_t size) : path_(std::move(path)), size_(size) {}
  Status check_header(std::uint64_t id);
  Result<const std::byte*> view_cold(std::uint64_t offset, std::size_t len);

  std::string path_;
  std::uint64_t size_ = 0;
  MmapFile map_;                // hot
  std::unique_ptr<Cold> cold_;  // cold
};

}  // namespace chronicle::ipc::v1::detail
