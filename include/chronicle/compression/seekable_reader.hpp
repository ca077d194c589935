#pragma once
// Reads a file in the zstd seekable format by random access. The file is
// mapped read-only and its descriptor closed: the mapping keeps the data
// readable even when the file is renamed or removed meanwhile. The seek table
// is validated against the real file size when the file is opened; each frame
// is checked against its seek-table checksum when it is decompressed.
//
// Thread safety: read_frame() is const and may be called from several threads
// at once, each with its own ZstdDecompressor. read_at() uses this reader's
// own decompressor and frame cache: one thread at a time.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <chronicle/compression/seekable_format.hpp>
#include <chronicle/compression/zstd_codec.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/core/mmap_file.hpp>

namespace chronicle {

class SeekableReader {
 public:
  // Opens `path`. NotFound if it does not exist; Corruption (naming the file
  // and offset) if it is not a valid seekable zstd file, including a plain
  // .zst without a seek table; Unsupported if a frame holds more than
  // `max_frame_size` bytes, which bounds the memory a frame read costs;
  // InvalidArgument if `max_frame_size` is 0 or above the format's 1 GiB.
  static Result<SeekableReader> open(FileSystem& fs, const std::string& path,
                                     std::uint64_t max_frame_size = kSeekableMaxFrameSize);
  SeekableReader(SeekableReader&&) noexcept;
  SeekableReader& operator=(SeekableReader&&) noexcept;
  ~SeekableReader();

  const std::string& path() const noexcept;
  const SeekTable& table() const noexcept;
  // Decompressed size of the whole content.
  std::uint64_t size() const noexcept { return table().decompressed_size(); }
  // Size of the file on disk.
  std::uint64_t file_size() const noexcept;
  // Largest decompressed frame.
  std::uint64_t max_frame_size() const noexcept;

  // Decompresses frame `i` into `dst` (exactly its decompressed size) and
  // verifies its checksum. Corruption names the file and the frame's offset.
  Status read_frame(std::size_t i, std::span<std::byte> dst, ZstdDecompressor& z) const;

  // Copies content bytes [offset, offset + out.size()) into `out`, across
  // frames if needed. A range past the end is InvalidArgument. Keeps the last
  // few frames decompressed, so nearby reads do not decompress again.
  Status read_at(std::uint64_t offset, std::span<std::byte> out);
  // Frees the frames read_at() keeps.
  void trim() noexcept;

 private:
  struct File;
  struct Cache;
  SeekableReader(std::shared_ptr<const File> file, std::unique_ptr<Cache> cache);
  std::shared_ptr<const File> file_;  // shared with read-ahead threads
  std::unique_ptr<Cache> cache_;
};

}  // namespace chronicle
