#include <chronicle/segment/hot_segment.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <chronicle/core/errors.hpp>

namespace chronicle {

Result<std::unique_ptr<HotSegment>> HotSegment::open(FileSystem& fs, const std::string& path,
                                                     std::uint64_t id) {
  auto fd = fs.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return file_error(Errc::Corruption, path, "is not a regular file (mode {:o})", st.st_mode);
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < kSegmentHeaderSize) {
    return corruption(path, 0, "file is {} bytes: expected at least the {}-byte segment header",
                      size, kSegmentHeaderSize);
  }
  auto map = MmapFile::map(fs, fd->get(), path, size, /*writable=*/false);
  if (!map) return std::move(map).error();
  const SegmentHeader h = read_segment_header(map->data());
  if (is_named_ahead(h)) {
    // The writer's next segment, waiting for its roll: not part of the log yet.
    return file_error(Errc::NotFound, path,
                      "segment is named ahead of the writer's next roll and holds no record yet");
  }
  if (auto ok = validate_segment_header(h, path, id, size); !ok) return std::move(ok).error();
  return std::unique_ptr<HotSegment>(new HotSegment(path, id, std::move(*map)));
}

void HotSegment::will_read_through() noexcept {
  const SegmentHeader h = header();
  if (is_sealed(h)) map_.populate_for_read(h.end_of_data);
}

}  // namespace chronicle
