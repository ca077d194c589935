#include "v1_seek_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>

#include <chronicle/core/errors.hpp>

namespace chronicle::ipc::v1::detail {

Result<SeekIndex> read_seek_index(FileSystem& fs, const std::string& path,
                                  std::uint64_t segment_id) {
  auto fd = fs.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", path, errno);
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  SeekIndex index;
  SeekIndexHeader& h = index.header;
  if (file_size < sizeof h) {
    return corruption(path, 0, "seek index is {} bytes: shorter than its {}-byte header",
                      file_size, sizeof h);
  }
  if (auto r = fs.pread_exact(fd->get(), path, &h, sizeof h, 0); !r) return std::move(r).error();
  if (std::memcmp(h.magic, kSeekIndexMagic, sizeof h.magic) != 0) {
    return corruption(path, 0, "bad seek index magic");
  }
  if (h.version != kSeekIndexVersion || h.header_len != sizeof h) {
    return corruption(path, 8, "seek index version {} with a {}-byte header: expected 1 and {}",
                      h.version, h.header_len, sizeof h);
  }
  if ((h.flags & kSeekIndexPartial) != 0) return corruption(path, 12, "seek index is partial");
  if (h.segment_id != segment_id) {
    return corruption(path, 16, "seek index is for segment {}: expected {}", h.segment_id,
                      segment_id);
  }
  if (h.data_offset != kSegmentHeaderSize || h.entry_stride == 0 ||
      h.segment_size < kSegmentHeaderSize) {
    return corruption(path, 24, "segment size {}, data offset {}, stride {}: not a v1 layout",
                      h.segment_size, h.data_offset, h.entry_stride);
  }
  if (h.min_seq > h.max_seq || h.min_timestamp_ns > h.max_timestamp_ns) {
    return corruption(path, 40, "minimum above maximum (seq {}..{}, timestamp {}..{})", h.min_seq,
                      h.max_seq, h.min_timestamp_ns, h.max_timestamp_ns);
  }
  // One entry for record 0 and one every stride records after it.
  const std::uint64_t span = h.max_seq - h.min_seq;  // records - 1
  const std::uint64_t want = span / h.entry_stride + 1;
  if (h.entry_count != want || file_size != sizeof h + want * sizeof(SeekIndexEntry)) {
    return corruption(path, 72,
                      "{} entries in a {}-byte file: seq {}..{} at stride {} needs {} entries",
                      h.entry_count, file_size, h.min_seq, h.max_seq, h.entry_stride, want);
  }
  index.entries.resize(want);
  if (auto r = fs.pread_exact(fd->get(), path, index.entries.data(),
                              want * sizeof(SeekIndexEntry), sizeof h);
      !r) {
    return std::move(r).error();
  }
  index.ordered = index.entries[0].timestamp_ns == h.min_timestamp_ns;
  for (std::size_t i = 0; i < index.entries.size(); ++i) {
    const SeekIndexEntry& e = index.entries[i];
    const std::uint64_t at = sizeof h + i * sizeof(SeekIndexEntry);
    const bool offset_ok = e.offset >= kSegmentHeaderSize && e.offset % kRecordAlignment == 0 &&
                           e.offset <= h.segment_size - kMessageHeaderSize &&
                           (i == 0 ? e.offset == kSegmentHeaderSize
                                   : e.offset > index.entries[i - 1].offset);
    if (e.seq != h.min_seq + i * h.entry_stride || !offset_ok ||
        e.timestamp_ns < h.min_timestamp_ns || e.timestamp_ns > h.max_timestamp_ns) {
      return corruption(path, at, "entry {} (seq {}, timestamp {}, offset {}) does not fit the header", i,
                        e.seq, e.timestamp_ns, e.offset);
    }
    if (i > 0 && e.timestamp_ns < index.entries[i - 1].timestamp_ns) index.ordered = false;
  }
  return index;
}

}  // namespace chronicle::ipc::v1::detail
