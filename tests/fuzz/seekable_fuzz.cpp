// libFuzzer target: the input is a cold segment file (.q.zst). The seek-table
// parser, the frame decoder and the record cursor over the decompressed frames
// must reject or read it without crashing, hanging or allocating more than the
// format's limits allow. Checked beyond that:
//   - the seek table parsed straight from the bytes (parse_seek_table_footer,
//     parse_seek_table) is the one SeekableReader::open uses, open succeeds
//     only when it parses, and serialize_seek_table writes the very bytes it
//     was read from (but for the descriptor's two unused bits);
//   - the reader's sizes, its per-frame size limit (the largest frame passes,
//     one byte less is Unsupported) and its argument checks (InvalidArgument);
//   - every frame, read by read_frame and by read_at, gives the same bytes or
//     the same refusal, and reads across frames, after trim() and through a
//     moved reader give those bytes again;
//   - a ColdSegment's header is the first bytes of the content, and each
//     record its cursor returns is the content's bytes at its offset; after
//     trim() the segment reads the same records again.
// Every refusal is an Error of the documented category naming the file (a
// directory under the file's name included).
// Random bytes almost never carry a matching seek-table checksum (low 32 bits
// of XXH64 of each frame's bytes), so an input whose frames decompress is
// also read with those checksums recomputed (as segment_fuzz does for its
// checksums), which lets the fuzzer reach what lies behind them.
#include <chronicle/compression/cold_segment.hpp>
#include <chronicle/compression/seekable_format.hpp>
#include <chronicle/compression/seekable_reader.hpp>
#include <chronicle/compression/zstd_codec.hpp>
#include <chronicle/core/checksum.hpp>
#include <chronicle/segment/segment_cursor.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_check.hpp"

namespace {

using namespace chronicle;
using Bytes = std::span<const std::byte>;

// Content bytes one input may decompress for the checks below (the format
// lets a few KiB claim far more).
constexpr std::uint64_t kMaxCheckedBytes = 4u << 20;

bool write_file(const std::string& path, Bytes bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return false;
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  return ok;
}

template <class... Codes>
bool names_file(const Error& e, const std::string& path, Codes... codes) {
  return fuzz::is_input_error(e, codes...) && e.message().find(path) != std::string::npos;
}

bool same_table(const SeekTable& a, const SeekTable& b) {
  return a.has_checksums == b.has_checksums && a.compressed_offset == b.compressed_offset &&
         a.decompressed_offset == b.decompressed_offset && a.checksums == b.checksums;
}

std::uint64_t largest_frame(const SeekTable& t) {
  std::uint64_t m = 0;
  for (std::size_t i = 0; i < t.frame_count(); ++i) m = std::max(m, t.frame_size(i));
  return m;
}

// The seek table as the format functions read it from the bytes; nullopt
// (after checking the refusal) if they refuse it.
std::optional<SeekTable> parse_table(Bytes file, const std::string& path) {
  const std::size_t size = file.size();
  auto footer = parse_seek_table_footer(file.last(std::min(size, kSeekTableFooterSize)), path, size);
  if (!footer) {
    CHRONICLE_FUZZ_CHECK(names_file(footer.error(), path, Errc::Corruption));
    return std::nullopt;
  }
  const std::uint64_t table_size = footer->table_frame_size();
  CHRONICLE_FUZZ_CHECK(table_size <= size);
  const Bytes frame = file.last(static_cast<std::size_t>(table_size));
  // A table frame of another size than the footer says is refused.
  auto short_table = parse_seek_table(frame.subspan(1), *footer, path, size);
  CHRONICLE_FUZZ_CHECK(!short_table && names_file(short_table.error(), path, Errc::Corruption));
  auto table = parse_seek_table(frame, *footer, path, size);
  if (!table) {
    CHRONICLE_FUZZ_CHECK(names_file(table.error(), path, Errc::Corruption));
    return std::nullopt;
  }
  CHRONICLE_FUZZ_CHECK(table->frame_count() == footer->frame_count);
  CHRONICLE_FUZZ_CHECK(table->compressed_offset.back() == size - table_size);
  CHRONICLE_FUZZ_CHECK(table->decompressed_offset.size() == table->compressed_offset.size());
  CHRONICLE_FUZZ_CHECK(table->checksums.size() == (table->has_checksums ? table->frame_count() : 0));
  // Written again, the table is the same bytes: the parser read every field.
  std::vector<std::uint32_t> csizes, dsizes;
  for (std::size_t i = 0; i < table->frame_count(); ++i) {
    csizes.push_back(static_cast<std::uint32_t>(table->compressed_offset[i + 1] -
                                                 table->compressed_offset[i]));
    dsizes.push_back(static_cast<std::uint32_t>(table->frame_size(i)));
  }
  std::vector<std::byte> expected(frame.begin(), frame.end());
  // Bits 1-0 of the descriptor are unused; without frames the checksum flag
  // cannot be told from the (empty) checksums.
  std::byte& descriptor = expected[expected.size() - 5];
  descriptor &= table->frame_count() > 0 ? std::byte{0xFC} : std::byte{0x7C};
  CHRONICLE_FUZZ_CHECK(serialize_seek_table(csizes, dsizes, table->checksums) == expected);
  return std::move(*table);
}

// Reads the file through SeekableReader. Returns the whole content when
// every frame reads and it is small enough to check.
std::optional<std::vector<std::byte>> check_reader(FileSystem& fs, const std::string& path,
                                                   Bytes file,
                                                   const std::optional<SeekTable>& parsed) {
  for (std::uint64_t bad : {std::uint64_t{0}, kSeekableMaxFrameSize + 1}) {
    auto r = SeekableReader::open(fs, path, bad);
    CHRONICLE_FUZZ_CHECK(!r && fuzz::is_input_error(r.error(), Errc::InvalidArgument));
  }
  auto reader = SeekableReader::open(fs, path);
  if (!reader) {
    // Past the format's own checks, only the frame headers can refuse it.
    CHRONICLE_FUZZ_CHECK(names_file(reader.error(), path, Errc::Corruption));
    return std::nullopt;
  }
  CHRONICLE_FUZZ_CHECK(parsed.has_value() && same_table(reader->table(), *parsed));
  const SeekTable& t = reader->table();
  const std::uint64_t size = reader->size();
  CHRONICLE_FUZZ_CHECK(reader->path() == path && reader->file_size() == file.size());
  CHRONICLE_FUZZ_CHECK(size == t.decompressed_size());
  const std::uint64_t largest = largest_frame(t);
  CHRONICLE_FUZZ_CHECK(reader->max_frame_size() == largest);
  if (largest > 0) {
    CHRONICLE_FUZZ_CHECK(SeekableReader::open(fs, path, largest).has_value());
    if (largest > 1) {
      auto limited = SeekableReader::open(fs, path, largest - 1);
      CHRONICLE_FUZZ_CHECK(!limited && names_file(limited.error(), path, Errc::Unsupported));
    }
  }
  std::byte one[1];
  for (auto [offset, n] : {std::pair{size, std::size_t{1}}, std::pair{size + 1, std::size_t{0}}}) {
    auto st = reader->read_at(offset, std::span(one, n));
    CHRONICLE_FUZZ_CHECK(!st && fuzz::is_input_error(st.error(), Errc::InvalidArgument));
  }
  CHRONICLE_FUZZ_CHECK(reader->read_at(size, {}).has_value());
  if (size > kMaxCheckedBytes || largest == 0) return std::nullopt;

  // Each frame by read_frame and by read_at: the same bytes or the same refusal.
  auto z = ZstdDecompressor::create();
  CHRONICLE_FUZZ_CHECK(z.has_value());
  std::vector<std::byte> content(size), frame;
  bool whole = true;
  for (std::size_t i = 0; i < t.frame_count(); ++i) {
    const std::uint64_t n = t.frame_size(i);
    frame.assign(n + 1, std::byte{0});
    auto wrong = reader->read_frame(i, frame, *z);
    CHRONICLE_FUZZ_CHECK(!wrong && fuzz::is_input_error(wrong.error(), Errc::InvalidArgument));
    const std::span<std::byte> mine = std::span(frame).first(n);
    const std::span<std::byte> at = std::span(content).subspan(t.decompressed_offset[i], n);
    auto a = reader->read_frame(i, mine, *z);
    auto b = reader->read_at(t.decompressed_offset[i], at);
    CHRONICLE_FUZZ_CHECK(a.has_value() == b.has_value());
    if (!a) {
      CHRONICLE_FUZZ_CHECK(names_file(a.error(), path, Errc::Corruption));
      CHRONICLE_FUZZ_CHECK(names_file(b.error(), path, Errc::Corruption));
      whole = false;
      continue;
    }
    CHRONICLE_FUZZ_CHECK(std::equal(mine.begin(), mine.end(), at.begin()));
  }
  if (!whole) return std::nullopt;

  // Reads that straddle frames, and the same after trim() and a move.
  std::vector<std::byte> got(size);
  const std::uint64_t from = size / 3;
  const std::span<std::byte> part = std::span(got).subspan(from, size / 2);
  CHRONICLE_FUZZ_CHECK(reader->read_at(from, part).has_value());
  CHRONICLE_FUZZ_CHECK(std::equal(part.begin(), part.end(), content.begin() + from));
  reader->trim();
  auto other = SeekableReader::open(fs, path);
  CHRONICLE_FUZZ_CHECK(other.has_value());
  *other = std::move(*reader);
  CHRONICLE_FUZZ_CHECK(other->read_at(0, got).has_value() && got == content);
  return content;
}

struct Rec {
  std::uint64_t offset, seq, timestamp_ns;
  std::uint16_t type_id;
  std::vector<std::byte> payload;
  bool operator==(const Rec&) const = default;
};

// Every record up to where the cursor stops, and how it stops. Each record
// must be the content's bytes at its offset, when the content is known.
std::pair<std::vector<Rec>, CursorStep> read_records(SegmentCursor& cursor,
                                                     const std::vector<std::byte>* content,
                                                     const std::string& path) {
  std::vector<Rec> recs;
  RecordView v;
  CursorStep step;
  for (;;) {
    const std::uint64_t at = cursor.offset();
    step = cursor.next(v);
    if (step != CursorStep::Record) break;
    recs.push_back({at, v.seq, v.timestamp_ns, v.type_id, {v.payload.begin(), v.payload.end()}});
    if (content != nullptr) {
      const std::size_t len = v.payload.size();
      CHRONICLE_FUZZ_CHECK(at + kRecordHeaderSize + len <= content->size());
      const RecordHeader h = read_record_header(content->data() + at);
      CHRONICLE_FUZZ_CHECK(h.commit == len + 1 && h.seq == v.seq &&
                           h.timestamp_ns == v.timestamp_ns && h.type_id == v.type_id);
      CHRONICLE_FUZZ_CHECK(std::equal(v.payload.begin(), v.payload.end(),
                                      content->begin() + static_cast<std::ptrdiff_t>(at +
                                                                                    kRecordHeaderSize)));
    }
  }
  if (step == CursorStep::Failed) {
    CHRONICLE_FUZZ_CHECK(names_file(cursor.error(), path, Errc::Corruption));
  }
  return {std::move(recs), step};
}

void check_cold(FileSystem& fs, const std::string& path,
                const std::optional<std::vector<std::byte>>& content) {
  auto refused =
      ColdSegment::open(fs, path, 0, ColdReadOptions{.read_ahead_frames = kMaxReadAheadFrames + 1});
  CHRONICLE_FUZZ_CHECK(!refused && fuzz::is_input_error(refused.error(), Errc::InvalidArgument));
  auto seg = ColdSegment::open(fs, path, 0, ColdReadOptions{.read_ahead_frames = 1});
  if (!seg) {
    CHRONICLE_FUZZ_CHECK(names_file(seg.error(), path, Errc::Corruption, Errc::Unsupported));
    return;
  }
  const SegmentHeader h = (*seg)->header();
  CHRONICLE_FUZZ_CHECK((*seg)->path() == path && (*seg)->segment_id() == 0 &&
                       (*seg)->tier() == SegmentTier::Cold);
  CHRONICLE_FUZZ_CHECK(is_sealed(h) && h.end_of_data == (*seg)->size());
  CHRONICLE_FUZZ_CHECK((*seg)->seekable().size() == (*seg)->size());
  if (content) {
    CHRONICLE_FUZZ_CHECK(content->size() == (*seg)->size());
    CHRONICLE_FUZZ_CHECK(std::memcmp(&h, content->data(), sizeof h) == 0);
  }
  SegmentCursor cursor(std::move(*seg));
  const auto first = read_records(cursor, content ? &*content : nullptr, path);
  // Trimmed (as a source cache does with an idle segment), the segment
  // decompresses its frames again and a new cursor reads the same.
  std::unique_ptr<SegmentSource> source = cursor.release_source();
  source->trim();
  SegmentCursor fresh(std::move(source));
  const auto again = read_records(fresh, content ? &*content : nullptr, path);
  CHRONICLE_FUZZ_CHECK(again.first == first.first && again.second == first.second);
}

void check_file(FileSystem& fs, const std::string& path, Bytes file, bool fixed) {
  if (!write_file(path, file)) return;
  const std::optional<SeekTable> table = parse_table(file, path);
  const auto content = check_reader(fs, path, file, table);
  check_cold(fs, path, content);
  if (fixed || !table || !table->has_checksums || table->decompressed_size() > kMaxCheckedBytes ||
      table->frame_count() == 0) {
    return;
  }
  // The checksums a writer would have stored, if every frame decompresses.
  auto z = ZstdDecompressor::create();
  CHRONICLE_FUZZ_CHECK(z.has_value());
  std::vector<std::byte> copy(file.begin(), file.end()), frame;
  const std::size_t entries = copy.size() - table->frame_count() * 12 - kSeekTableFooterSize;
  bool changed = false;
  for (std::size_t i = 0; i < table->frame_count(); ++i) {
    const std::uint64_t begin = table->compressed_offset[i];
    frame.resize(table->frame_size(i));
    if (!z->decompress_frame(file.subspan(begin, table->compressed_offset[i + 1] - begin), frame,
                             path, begin)) {
      return;
    }
    const auto sum = static_cast<std::uint32_t>(xxh64(frame.data(), frame.size()));
    changed = changed || sum != table->checksums[i];
    std::memcpy(copy.data() + entries + i * 12 + 8, &sum, 4);
  }
  if (changed) check_file(fs, path, copy, true);
}

// A directory under a cold segment's name is no seekable file.
bool check_directory(FileSystem& fs, const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0) return false;
  auto r = SeekableReader::open(fs, path);
  CHRONICLE_FUZZ_CHECK(!r && names_file(r.error(), path, Errc::Corruption));
  ::rmdir(path.c_str());
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path =
      "/dev/shm/chronicle-fuzz-" + std::to_string(::getpid()) + ".q.zst";
  static const bool checked_directory = check_directory(FileSystem::system(), path);
  (void)checked_directory;
  check_file(FileSystem::system(), path, {reinterpret_cast<const std::byte*>(data), size}, false);
  ::unlink(path.c_str());  // the replay driver runs once per ctest run
  return 0;
}
