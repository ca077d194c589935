#include <chronicle/compression/seekable_reader.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include <chronicle/core/checksum.hpp>
#include <chronicle/core/errors.hpp>

namespace chronicle {

struct SeekableReader::File {
  std::string path;
  MmapFile map;
  SeekTable table;
  std::uint64_t max_frame = 0;
};

// The frames read_at() decompressed last, least recently used first out.
struct SeekableReader::Cache {
  static constexpr std::size_t kFrames = 4;
  struct Slot {
    std::size_t frame = SIZE_MAX;
    std::uint64_t used = 0;
    std::vector<std::byte> bytes;
  };
  ZstdDecompressor z;
  Slot slots[kFrames];
  std::uint64_t tick = 0;
  explicit Cache(ZstdDecompressor d) : z(std::move(d)) {}
};

SeekableReader::SeekableReader(std::shared_ptr<const File> file, std::unique_ptr<Cache> cache)
    : file_(std::move(file)), cache_(std::move(cache)) {}
SeekableReader::SeekableReader(SeekableReader&&) noexcept = default;
SeekableReader& SeekableReader::operator=(SeekableReader&&) noexcept = default;
SeekableReader::~SeekableReader() = default;

const std::string& SeekableReader::path() const noexcept { return file_->path; }
const SeekTable& SeekableReader::table() const noexcept { return file_->table; }
std::uint64_t SeekableReader::file_size() const noexcept { return file_->map.size(); }
std::uint64_t SeekableReader::max_frame_size() const noexcept { return file_->max_frame; }

void SeekableReader::trim() noexcept {
  for (Cache::Slot& slot : cache_->slots) slot = Cache::Slot();
  cache_->z.release();
}

Result<SeekableReader> SeekableReader::open(FileSystem& fs, const std::string& path,
                                            std::uint64_t max_frame_size) {
  if (max_frame_size < 1 || max_frame_size > kSeekableMaxFrameSize) {
    return invalid_argument("max_frame_size {} is invalid: expected 1 to {} bytes (the format's "
                            "largest frame)",
                            max_frame_size, kSeekableMaxFrameSize);
  }
  auto fd = fs.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return file_error(Errc::Corruption, path, "is not a regular file (mode {:o})", st.st_mode);
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  auto file = std::make_shared<File>();
  file->path = path;
  if (size < kSkippableHeaderSize + kSeekTableFooterSize) {
    return corruption(path, 0,
                      "file is {} bytes: too short for a zstd seek table; not a seekable zstd "
                      "file",
                      size);
  }
  auto map = MmapFile::map(fs, fd->get(), path, size, /*writable=*/false);
  if (!map) return std::move(map).error();
  file->map = std::move(*map);
  const std::byte* base = file->map.data();
  auto footer = parse_seek_table_footer({base + size - kSeekTableFooterSize, kSeekTableFooterSize},
                                        path, size);
  if (!footer) return std::move(footer).error();
  const std::uint64_t table_size = footer->table_frame_size();
  auto table = parse_seek_table({base + size - table_size, table_size}, *footer, path, size);
  if (!table) return std::move(table).error();
  file->table = std::move(*table);
  // A seek table may claim up to 32768 decompressed bytes per compressed
  // byte (zstd's limit), so a few KiB can claim a 1 GiB frame. The frame's
  // own header states its size: a frame whose header disagrees is refused
  // here, before any buffer of the claimed size is allocated (RELIABILITY
  // F3, S8). Reads one header per frame. A frame that really is that large
  // is refused above `max_frame_size`.
  for (std::size_t i = 0; i < file->table.frame_count(); ++i) {
    const std::uint64_t begin = file->table.compressed_offset[i];
    const std::uint64_t end = file->table.compressed_offset[i + 1];
    if (auto ok = check_frame_content_size({base + begin, end - begin}, file->table.frame_size(i),
                                           path, begin);
        !ok) {
      return std::move(ok).error();
    }
    if (file->table.frame_size(i) > max_frame_size) {
      return file_error(Errc::Unsupported, path,
                        "frame {} at offset {} holds {} bytes: more than the {} bytes this reader "
                        "accepts per frame",
                        i, begin, file->table.frame_size(i), max_frame_size);
    }
    file->max_frame = std::max(file->max_frame, file->table.frame_size(i));
  }
  auto z = ZstdDecompressor::create();
  if (!z) return std::move(z).error();
  return SeekableReader(std::move(file), std::make_unique<Cache>(std::move(*z)));
}

Status SeekableReader::read_frame(std::size_t i, std::span<std::byte> dst,
                                  ZstdDecompressor& z) const {
  const SeekTable& t = file_->table;
  const std::uint64_t begin = t.compressed_offset[i];
  const std::uint64_t end = t.compressed_offset[i + 1];
  if (dst.size() != t.frame_size(i)) {
    return invalid_argument("{}: frame {} holds {} bytes, not {}", escape_bytes(file_->path), i,
                            t.frame_size(i), dst.size());
  }
  if (auto st = z.decompress_frame({file_->map.data() + begin, end - begin}, dst, file_->path,
                                   begin);
      !st) {
    return st;
  }
  if (t.has_checksums) {
    const auto sum = static_cast<std::uint32_t>(xxh64(dst.data(), dst.size()));
    if (sum != t.checksums[i]) {
      return corruption(file_->path, begin,
                        "frame {} checksum mismatch: expected 0x{:08x}, found 0x{:08x}", i,
                        t.checksums[i], sum);
    }
  }
  return {};
}

Status SeekableReader::read_at(std::uint64_t offset, std::span<std::byte> out) {
  const std::uint64_t size = this->size();
  if (offset > size || out.size() > size - offset) {
    return invalid_argument("{}: read of {} bytes at offset {} is past the end ({} bytes)",
                            escape_bytes(file_->path), out.size(), offset, size);
  }
  Cache& c = *cache_;
  std::size_t done = 0;
  while (done < out.size()) {
    const std::uint64_t at = offset + done;
    const std::size_t frame = file_->table.frame_of(at);
    Cache::Slot* slot = nullptr;
    for (auto& s : c.slots) {
      if (s.frame == frame) slot = &s;
    }
    if (slot == nullptr) {
      slot = &*std::min_element(std::begin(c.slots), std::end(c.slots),
                                [](const auto& a, const auto& b) { return a.used < b.used; });
      slot->frame = SIZE_MAX;
      slot->bytes.resize(file_->table.frame_size(frame));
      if (auto st = read_frame(frame, slot->bytes, c.z); !st) return st;
      slot->frame = frame;
    }
    slot->used = ++c.tick;
    const std::uint64_t in_frame = at - file_->table.decompressed_offset[frame];
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(out.size() - done, slot->bytes.size() - in_frame));
    std::memcpy(out.data() + done, slot->bytes.data() + in_frame, n);
    done += n;
  }
  return {};
}

}  // namespace chronicle
