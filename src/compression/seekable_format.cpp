#include <chronicle/compression/seekable_format.hpp>

#include <algorithm>
#include <cstring>

#include <chronicle/core/errors.hpp>

namespace chronicle {

namespace {
std::uint32_t load_u32(const std::byte* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
void store_u32(std::vector<std::byte>& out, std::uint32_t v) {
  const auto* p = reinterpret_cast<const std::byte*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}
}  // namespace

std::size_t SeekTable::frame_of(std::uint64_t offset) const noexcept {
  const auto it = std::upper_bound(decompressed_offset.begin(), decompressed_offset.end(), offset);
  return static_cast<std::size_t>(it - decompressed_offset.begin()) - 1;
}

std::uint64_t SeekTableFooter::table_frame_size() const noexcept {
  const std::uint64_t entry = has_checksums ? 12 : 8;
  return kSkippableHeaderSize + static_cast<std::uint64_t>(frame_count) * entry +
         kSeekTableFooterSize;
}

Result<SeekTableFooter> parse_seek_table_footer(std::span<const std::byte> footer,
                                                const std::string& path,
                                                std::uint64_t file_size) {
  if (file_size < kSkippableHeaderSize + kSeekTableFooterSize ||
      footer.size() != kSeekTableFooterSize) {
    return corruption(path, 0,
                      "file is {} bytes: too short for a zstd seek table (at least {} bytes); "
                      "not a seekable zstd file",
                      file_size, kSkippableHeaderSize + kSeekTableFooterSize);
  }
  const std::uint64_t at = file_size - kSeekTableFooterSize;
  const std::uint32_t magic = load_u32(footer.data() + 5);
  if (magic != kSeekableMagic) {
    return corruption(path, at + 5,
                      "no zstd seek table: expected seekable magic 0x{:08x} at the end of the "
                      "file, found 0x{:08x} (a plain .zst file is not a cold segment)",
                      kSeekableMagic, magic);
  }
  const auto descriptor = static_cast<std::uint8_t>(footer[4]);
  if ((descriptor & 0x7C) != 0) {
    return corruption(path, at + 4, "seek table descriptor 0x{:02x} has reserved bits set",
                      descriptor);
  }
  SeekTableFooter out;
  out.frame_count = load_u32(footer.data());
  out.has_checksums = (descriptor & 0x80) != 0;
  if (out.frame_count > kSeekableMaxFrames) {
    return corruption(path, at, "seek table claims {} frames: the format allows at most {}",
                      out.frame_count, kSeekableMaxFrames);
  }
  if (out.table_frame_size() > file_size) {
    return corruption(path, at,
                      "seek table of {} frames needs {} bytes but the file is only {} bytes",
                      out.frame_count, out.table_frame_size(), file_size);
  }
  return out;
}

Result<SeekTable> parse_seek_table(std::span<const std::byte> table_frame,
                                   const SeekTableFooter& footer, const std::string& path,
                                   std::uint64_t file_size) {
  const std::uint64_t table_size = footer.table_frame_size();
  if (table_frame.size() != table_size || table_size > file_size) {
    return corruption(path, 0, "seek table frame is {} bytes: expected {}", table_frame.size(),
                      table_size);
  }
  const std::uint64_t table_start = file_size - table_size;
  const std::uint32_t skippable = load_u32(table_frame.data());
  if (skippable != kSeekTableSkippableMagic) {
    return corruption(path, table_start,
                      "seek table does not start with skippable magic 0x{:08x}: found 0x{:08x}",
                      kSeekTableSkippableMagic, skippable);
  }
  const std::uint32_t frame_size = load_u32(table_frame.data() + 4);
  if (frame_size != table_size - kSkippableHeaderSize) {
    return corruption(path, table_start + 4,
                      "seek table frame size is {}: expected {} for {} frames", frame_size,
                      table_size - kSkippableHeaderSize, footer.frame_count);
  }
  SeekTable table;
  table.has_checksums = footer.has_checksums;
  const std::size_t entry_size = footer.has_checksums ? 12 : 8;
  table.compressed_offset.reserve(footer.frame_count + 1);
  table.decompressed_offset.reserve(footer.frame_count + 1);
  if (footer.has_checksums) table.checksums.reserve(footer.frame_count);
  for (std::uint32_t i = 0; i < footer.frame_count; ++i) {
    const std::byte* e = table_frame.data() + kSkippableHeaderSize + i * entry_size;
    const std::uint64_t entry_at = table_start + kSkippableHeaderSize + i * entry_size;
    const std::uint64_t csize = load_u32(e);
    const std::uint64_t dsize = load_u32(e + 4);
    if (csize == 0 || dsize == 0) {
      return corruption(path, entry_at, "frame {} has a {} size of 0", i,
                        csize == 0 ? "compressed" : "decompressed");
    }
    if (dsize > kSeekableMaxFrameSize || dsize > csize * kZstdMaxExpansion) {
      return corruption(path, entry_at,
                        "frame {} claims {} decompressed bytes from {} compressed bytes: more "
                        "than zstd can produce or the format allows (1 GiB)",
                        i, dsize, csize);
    }
    // Both sums stay far below 2^64: each term is below 2^32 and there are
    // at most 2^27 frames.
    const std::uint64_t cend = table.compressed_offset.back() + csize;
    if (cend > table_start) {
      return corruption(path, entry_at,
                        "frames up to {} end at byte {}, past the seek table at {}", i, cend,
                        table_start);
    }
    table.compressed_offset.push_back(cend);
    table.decompressed_offset.push_back(table.decompressed_offset.back() + dsize);
    if (footer.has_checksums) table.checksums.push_back(load_u32(e + 8));
  }
  if (table.compressed_offset.back() != table_start) {
    return corruption(path, table.compressed_offset.back(),
                      "the {} frames of the seek table end at byte {} but the table starts at {}",
                      footer.frame_count, table.compressed_offset.back(), table_start);
  }
  return table;
}

std::vector<std::byte> serialize_seek_table(std::span<const std::uint32_t> compressed_sizes,
                                            std::span<const std::uint32_t> decompressed_sizes,
                                            std::span<const std::uint32_t> checksums) {
  const bool with_checksums = !checksums.empty();
  const auto n = static_cast<std::uint32_t>(compressed_sizes.size());
  std::vector<std::byte> out;
  out.reserve(kSkippableHeaderSize + n * (with_checksums ? 12 : 8) + kSeekTableFooterSize);
  store_u32(out, kSeekTableSkippableMagic);
  store_u32(out, static_cast<std::uint32_t>(n * (with_checksums ? 12 : 8) + kSeekTableFooterSize));
  for (std::uint32_t i = 0; i < n; ++i) {
    store_u32(out, compressed_sizes[i]);
    store_u32(out, decompressed_sizes[i]);
    if (with_checksums) store_u32(out, checksums[i]);
  }
  store_u32(out, n);
  out.push_back(std::byte{static_cast<unsigned char>(with_checksums ? 0x80 : 0)});
  store_u32(out, kSeekableMagic);
  return out;
}

}  // namespace chronicle
