#pragma once
// The zstd seekable format (zstd contrib/seekable_format, version 0.1.0):
// independent zstd frames followed by a skippable frame holding the seek
// table. Layout of the table frame (little-endian):
//
//   offset        size  field
//   0             4     skippable magic 0x184D2A5E
//   4             4     frame size: bytes after this field (entries + footer)
//   8             8|12  entry i: compressed size u32, decompressed size u32,
//                       [checksum u32 = low 32 bits of XXH64 of the frame's
//                       decompressed bytes, when the checksum flag is set]
//   ...
//   end - 9       4     number of frames
//   end - 5       1     descriptor: bit 7 checksum flag, bits 6-2 reserved (0)
//   end - 4       4     seekable magic 0x8F92EAB1
//
// The parser treats the file as untrusted: every size is checked against the
// real file size with checked arithmetic before it is used.
//
// Thread safety: pure functions over the bytes given, safe from any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>

namespace chronicle {

inline constexpr std::uint32_t kSeekableMagic = 0x8F92EAB1u;
inline constexpr std::uint32_t kSeekTableSkippableMagic = 0x184D2A5Eu;
inline constexpr std::size_t kSeekTableFooterSize = 9;
inline constexpr std::size_t kSkippableHeaderSize = 8;
inline constexpr std::uint32_t kSeekableMaxFrames = 0x8000000u;
inline constexpr std::uint64_t kSeekableMaxFrameSize = 1ull << 30;
// The largest frame chronicle writes into, and reads from, a cold segment.
// The format allows 1 GiB, but a reader holds a few decompressed frames at
// once (the frame in use, those read ahead, read_at()'s cache), so an
// untrusted file of 1 GiB frames would cost gigabytes (RELIABILITY S8).
// Frames above 1 MiB gain almost no ratio (docs/BENCHMARKS.md).
inline constexpr std::uint64_t kMaxColdFrameSize = 64ull << 20;
// No zstd frame can expand more than this: a block holds at most 128 KiB and
// takes at least 4 bytes (a 3-byte header and one RLE byte).
inline constexpr std::uint64_t kZstdMaxExpansion = (128 * 1024) / 4;

struct SeekTable {
  bool has_checksums = false;
  // Prefix sums, frame_count() + 1 entries: frame i occupies
  // [compressed_offset[i], compressed_offset[i+1]) of the file and
  // [decompressed_offset[i], decompressed_offset[i+1]) of the content.
  std::vector<std::uint64_t> compressed_offset{0};
  std::vector<std::uint64_t> decompressed_offset{0};
  std::vector<std::uint32_t> checksums;  // empty without the checksum flag

  std::size_t frame_count() const noexcept { return compressed_offset.size() - 1; }
  std::uint64_t decompressed_size() const noexcept { return decompressed_offset.back(); }
  std::uint64_t frame_size(std::size_t i) const noexcept {
    return decompressed_offset[i + 1] - decompressed_offset[i];
  }
  // The frame holding content byte `offset`. REQUIRES: offset < decompressed_size().
  std::size_t frame_of(std::uint64_t offset) const noexcept;
};

// What the 9-byte footer says.
struct SeekTableFooter {
  std::uint32_t frame_count = 0;
  bool has_checksums = false;
  // Size of the whole seek-table skippable frame, header included.
  std::uint64_t table_frame_size() const noexcept;
};

// Parses the last 9 bytes of a file named `path`.
Result<SeekTableFooter> parse_seek_table_footer(std::span<const std::byte> footer,
                                                const std::string& path, std::uint64_t file_size);

// Parses the seek-table frame (the last footer.table_frame_size() bytes of a
// file of `file_size` bytes) and checks that the frames it lists fill the file
// exactly up to the table, and that no frame is empty, larger than 1 GiB, or
// larger than its compressed size can expand to.
Result<SeekTable> parse_seek_table(std::span<const std::byte> table_frame,
                                   const SeekTableFooter& footer, const std::string& path,
                                   std::uint64_t file_size);

// The seek-table frame for frames with these sizes (and checksums, if not
// empty), ready to append after the data frames.
std::vector<std::byte> serialize_seek_table(std::span<const std::uint32_t> compressed_sizes,
                                            std::span<const std::uint32_t> decompressed_sizes,
                                            std::span<const std::uint32_t> checksums);

}  // namespace chronicle
