#pragma once
// Writes a file in the zstd seekable format: each call to write_frame()
// compresses one independent zstd frame and writes it; finish() appends the
// seek table with per-frame checksums (low 32 bits of XXH64 of the frame's
// decompressed bytes). The stock `zstd -d` decompresses the result in one
// pass (it skips the seek table, a skippable frame).
//
// Thread safety: one thread at a time.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <chronicle/compression/zstd_codec.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>

namespace chronicle {

inline constexpr std::uint64_t kDefaultBlockSize = 1ull << 20;

struct SeekableOptions {
  CodecOptions codec;
  // Decompressed bytes per frame: smaller frames make random reads cheaper
  // and compression ratios worse. 4 KiB to kMaxColdFrameSize (64 MiB).
  std::uint64_t block_size = kDefaultBlockSize;
  // Per-frame XXH64 checksums in the seek table.
  bool frame_checksums = true;
};

// InvalidArgument naming the bad field.
Status validate(const SeekableOptions& options);

class SeekableWriter {
 public:
  // Writes to `fd` (a new, empty file named `path`) from offset 0.
  static Result<SeekableWriter> create(FileSystem& fs, int fd, std::string path,
                                       const SeekableOptions& options);

  // Compresses and writes one frame.
  // REQUIRES: 0 < data.size() <= block_size (else InvalidArgument).
  Status write_frame(std::span<const std::byte> data);
  // Writes the seek table; returns the file's final size. The caller syncs.
  Result<std::uint64_t> finish();

  std::size_t frames() const noexcept { return compressed_sizes_.size(); }

 private:
  SeekableWriter(FileSystem& fs, int fd, std::string path, const SeekableOptions& options,
                 ZstdCompressor compressor)
      : fs_(&fs), fd_(fd), path_(std::move(path)), options_(options),
        compressor_(std::move(compressor)) {}

  FileSystem* fs_;
  int fd_;
  std::string path_;
  SeekableOptions options_;
  ZstdCompressor compressor_;
  std::vector<std::byte> buffer_;
  std::uint64_t offset_ = 0;
  std::vector<std::uint32_t> compressed_sizes_, decompressed_sizes_, checksums_;
};

}  // namespace chronicle
