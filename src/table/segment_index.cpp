#include <chronicle/table/segment_index.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <chronicle/core/checksum.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/core/temp_name.hpp>
#include <chronicle/segment/segment_naming.hpp>

namespace chronicle {

namespace {
constexpr char kMagic[8] = {'C', 'H', 'R', 'S', 'I', 'D', 'X', '1'};
constexpr std::size_t kHeaderSize = 64;
constexpr std::size_t kEntrySize = 24;
constexpr std::uint32_t kUnordered = 1;
// Reading an index file costs its size in memory: files over 256 MiB are
// refused unread (RELIABILITY S8). That is 11 M entries, one for every
// record of a 352 MiB segment of header-only records at stride 1; the
// default stride of 64 stays far below it.
constexpr std::uint64_t kMaxIndexBytes = std::uint64_t{256} << 20;
constexpr std::uint64_t kMaxEntries = (kMaxIndexBytes - kHeaderSize - 8) / kEntrySize;
constexpr std::string_view kIndexSuffix = ".idx";

struct Header {
  char magic[8];
  std::uint16_t version;
  std::uint16_t header_size;
  std::uint32_t flags;
  std::uint64_t segment_id;
  std::uint64_t base_seq;
  std::uint64_t record_count;
  std::uint64_t min_ts;
  std::uint64_t max_ts;
  std::uint32_t stride;
  std::uint32_t entry_count;
};
static_assert(sizeof(Header) == kHeaderSize);
static_assert(sizeof(IndexEntry) == kEntrySize);
}  // namespace

std::string segment_index_path(const std::string& dir, std::uint64_t id) {
  return fmt::format("{}/{:09}{}", dir, id, kIndexSuffix);
}

std::optional<std::uint64_t> parse_segment_index_name(std::string_view name) {
  if (!name.ends_with(kIndexSuffix)) return std::nullopt;
  const std::string hot =
      std::string(name.substr(0, name.size() - kIndexSuffix.size())).append(kHotSuffix);
  const auto parsed = parse_segment_file_name(hot);
  if (!parsed) return std::nullopt;
  return parsed->id;
}

Result<std::vector<std::uint64_t>> list_segment_indexes(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return io_error("opendir", dir, errno);
  std::vector<std::uint64_t> ids;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    if (auto id = parse_segment_index_name(e->d_name)) ids.push_back(*id);
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) return io_error("readdir", dir, err);
  return ids;
}

Status write_segment_index(FileSystem& fs, const std::string& dir, const SegmentIndex& index,
                           mode_t mode, bool sync) {
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = 1;
  h.header_size = kHeaderSize;
  h.flags = index.ordered ? 0 : kUnordered;
  h.segment_id = index.segment_id;
  h.base_seq = index.base_seq;
  h.record_count = index.record_count;
  h.min_ts = index.min_timestamp_ns;
  h.max_ts = index.max_timestamp_ns;
  h.stride = index.stride;
  h.entry_count = static_cast<std::uint32_t>(index.entries.size());
  std::vector<std::byte> bytes(kHeaderSize + index.entries.size() * kEntrySize + 8);
  std::memcpy(bytes.data(), &h, sizeof h);
  if (!index.entries.empty()) {
    std::memcpy(bytes.data() + kHeaderSize, index.entries.data(), index.entries.size() * kEntrySize);
  }
  const std::uint64_t sum = xxh64(bytes.data(), bytes.size() - 8);
  std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);

  const std::string path = segment_index_path(dir, index.segment_id);
  const std::string tmp = temp_path_for(path);
  auto fd = fs.open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  if (!fd) return std::move(fd).error();
  Status st = fs.pwrite_all(fd->get(), tmp, bytes.data(), bytes.size(), 0);
  if (st && sync) st = fs.fsync(fd->get(), tmp);
  fd->reset();
  if (st) st = fs.rename_replace(tmp, path);
  if (!st) (void)fs.unlink(tmp);
  return st;
}

Result<SegmentIndex> read_segment_index(FileSystem& fs, const std::string& dir, std::uint64_t id) {
  const std::string path = segment_index_path(dir, id);
  auto fd = fs.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", path, errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (!S_ISREG(st.st_mode) || size < kHeaderSize + 8 ||
      size > kHeaderSize + kMaxEntries * kEntrySize + 8 || (size - kHeaderSize - 8) % kEntrySize) {
    return corruption(path, 0,
                      "index file of {} bytes: expected 64 + 24 x entries + 8, at most {} entries",
                      size, kMaxEntries);
  }
  // The header is checked before the rest is read: a file that is not an
  // index costs 64 bytes, not its size.
  Header h;
  if (auto r = fs.pread_exact(fd->get(), path, &h, sizeof h, 0); !r) return std::move(r).error();
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version != 1 ||
      h.header_size != kHeaderSize) {
    return corruption(path, 0, "not a chronicle segment index (magic, version 1, header 64)");
  }
  const std::uint64_t n = (size - kHeaderSize - 8) / kEntrySize;
  if (h.segment_id != id || h.entry_count != n || h.stride == 0 ||
      (h.record_count > 0 && h.min_ts > h.max_ts)) {
    return corruption(path, 12,
                      "index header disagrees with itself or its name (segment {} for {}, {} "
                      "entries for {})",
                      h.segment_id, id, h.entry_count, n);
  }
  std::vector<std::byte> bytes(size);
  if (auto r = fs.pread_exact(fd->get(), path, bytes.data(), size, 0); !r) return std::move(r).error();
  std::uint64_t sum;
  std::memcpy(&sum, bytes.data() + size - 8, 8);
  if (sum != xxh64(bytes.data(), size - 8) || std::memcmp(&h, bytes.data(), sizeof h) != 0) {
    return corruption(path, size - 8, "index checksum mismatch (or the file changed as it was read)");
  }
  SegmentIndex index;
  index.segment_id = id;
  index.base_seq = h.base_seq;
  index.record_count = h.record_count;
  index.min_timestamp_ns = h.min_ts;
  index.max_timestamp_ns = h.max_ts;
  index.stride = h.stride;
  index.ordered = (h.flags & kUnordered) == 0;
  index.entries.resize(n);
  if (n) std::memcpy(index.entries.data(), bytes.data() + kHeaderSize, n * kEntrySize);
  for (std::size_t i = 0; i < n; ++i) {
    const IndexEntry& e = index.entries[i];
    const bool in_range = e.seq >= h.base_seq && e.seq - h.base_seq < h.record_count &&
                          e.timestamp_ns >= h.min_ts && e.timestamp_ns <= h.max_ts;
    const bool increasing = i == 0 || (e.seq > index.entries[i - 1].seq &&
                                       e.offset > index.entries[i - 1].offset &&
                                       (!index.ordered ||
                                        e.timestamp_ns >= index.entries[i - 1].timestamp_ns));
    if (!in_range || !increasing) {
      return corruption(path, kHeaderSize + i * kEntrySize,
                        "index entry {} (seq {}, timestamp {}) is out of order or outside the "
                        "segment's ranges",
                        i, e.seq, e.timestamp_ns);
    }
  }
  return index;
}

}  // namespace chronicle
