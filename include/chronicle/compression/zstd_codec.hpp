#pragma once
// zstd, one frame at a time, with contexts reused across frames so the
// compression and decompression loops allocate nothing per frame. The zstd
// headers stay out of this header (STYLE §2): the contexts are opaque.
//
// Thread safety: a compressor or decompressor belongs to one thread at a time.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>

namespace chronicle {

// The compression levels zstd accepts: negative "fast" levels down to
// min_compression_level(), and 1 to max_compression_level() (22).
int min_compression_level() noexcept;
int max_compression_level() noexcept;

struct CodecOptions {
  // zstd level; 0 is refused (say 3 for zstd's default).
  int level = 3;
  // Also write zstd's own 32-bit content checksum at the end of each frame.
  bool frame_checksum = false;
};

// InvalidArgument naming the level and the accepted range.
Status validate(const CodecOptions& options);

class ZstdCompressor {
 public:
  static Result<ZstdCompressor> create(const CodecOptions& options);
  ZstdCompressor(ZstdCompressor&&) noexcept;
  ZstdCompressor& operator=(ZstdCompressor&&) noexcept;
  ~ZstdCompressor();

  // Compresses `src` into one zstd frame that records its content size, and
  // appends the frame to `out`. Returns the frame's size.
  Result<std::size_t> compress_frame(std::span<const std::byte> src, std::vector<std::byte>& out);
  // The same into `dst`, which holds at least compress_bound(src.size())
  // bytes (InvalidArgument otherwise): a caller that reuses one buffer does
  // not zero it again for every frame, as growing a vector does.
  Result<std::size_t> compress_frame(std::span<const std::byte> src, std::span<std::byte> dst);
  // The largest frame compress_frame can make of `src_size` bytes.
  static std::size_t compress_bound(std::size_t src_size) noexcept;
  const CodecOptions& options() const noexcept { return options_; }

 private:
  struct Ctx;
  ZstdCompressor(std::unique_ptr<Ctx> ctx, const CodecOptions& options);
  std::unique_ptr<Ctx> ctx_;
  CodecOptions options_;
};

// Checks, from its header alone, that the zstd frame starting `frame` does
// not declare a content size other than `expected`: Corruption naming `path`
// and `offset` if it does, or if the header is not a data frame's. A frame
// that leaves its size out (streaming writers) passes; decompress_frame
// still bounds it by its buffer.
Status check_frame_content_size(std::span<const std::byte> frame, std::uint64_t expected,
                                const std::string& path, std::uint64_t offset);

class ZstdDecompressor {
 public:
  // Decompression is one pass into the caller's exact-size buffer, so zstd
  // reserves no window, whatever window a frame declares: the memory used is
  // the context's fixed workspace plus `dst`, which the caller sized from a
  // validated table.
  static Result<ZstdDecompressor> create();
  ZstdDecompressor(ZstdDecompressor&&) noexcept;
  ZstdDecompressor& operator=(ZstdDecompressor&&) noexcept;
  ~ZstdDecompressor();

  // Decompresses `frame`, which must be exactly one zstd data frame, into
  // `dst`, which must be exactly its decompressed size. Anything else
  // (a skippable frame, trailing bytes, a different content size, a zstd
  // error) is Corruption naming `path` and `offset` (where the frame starts).
  Status decompress_frame(std::span<const std::byte> frame, std::span<std::byte> dst,
                          const std::string& path, std::uint64_t offset);
  // Frees zstd's context (about 96 KiB); the next decompress_frame creates it
  // again (Io if that allocation fails).
  void release() noexcept;

 private:
  struct Ctx;
  explicit ZstdDecompressor(std::unique_ptr<Ctx> ctx);
  Status ensure_context();
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace chronicle
