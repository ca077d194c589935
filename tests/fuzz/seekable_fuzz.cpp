// libFuzzer target: the input is a cold segment file (.q.zst). The seek-table
// parser, the frame decoder and the record cursor over the decompressed frames
// must reject or read it without crashing, hanging or allocating more than the
// format's limits allow.
#include <chronicle/compression/cold_segment.hpp>
#include <chronicle/compression/seekable_reader.hpp>
#include <chronicle/segment/segment_cursor.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chronicle;
  static const std::string path = "/dev/shm/chronicle-fuzz-" + std::to_string(::getpid()) + ".q.zst";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return 0;
  const bool written = ::write(fd, data, size) == static_cast<ssize_t>(size);
  ::close(fd);
  if (!written) return 0;
  FileSystem& fs = FileSystem::system();
  if (auto reader = SeekableReader::open(fs, path)) {
    std::vector<std::byte> out(std::min<std::uint64_t>(reader->size(), 1 << 16));
    (void)reader->read_at(0, out);
    if (reader->size() > 10) (void)reader->read_at(reader->size() - 10, std::span(out).first(10));
  }
  if (auto seg = ColdSegment::open(fs, path, 0, ColdReadOptions{.read_ahead_frames = 1})) {
    SegmentCursor cursor(std::move(*seg));
    RecordView v;
    while (cursor.next(v) == CursorStep::Record) {
    }
  }
  ::unlink(path.c_str());  // the replay driver runs once per ctest run
  return 0;
}
