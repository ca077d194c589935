#include <chronicle/compression/seekable_format.hpp>
#include <chronicle/compression/seekable_reader.hpp>
#include <chronicle/compression/seekable_writer.hpp>

#include <fcntl.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <cstring>

#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

std::vector<std::byte> content(std::size_t n, unsigned seed = 1) {
  std::vector<std::byte> v(n);
  std::uint64_t x = seed;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    v[i] = static_cast<std::byte>((x >> 60) + (i % 64 < 32 ? 0 : 'a'));
  }
  return v;
}

class SeekableTest : public TempDirTest {
 protected:
  // Writes `data` as a seekable file with frames of `block` bytes.
  std::string write(const std::vector<std::byte>& data, std::uint64_t block, bool checksums = true) {
    const std::string path = tmp_.sub("f.zst");
    std::filesystem::remove(path);
    auto fd = FileSystem::system().open(path, O_RDWR | O_CREAT | O_EXCL);
    EXPECT_OK(fd);
    SeekableOptions o;
    o.block_size = block;
    o.frame_checksums = checksums;
    auto w = SeekableWriter::create(FileSystem::system(), fd->get(), path, o);
    EXPECT_OK(w);
    for (std::uint64_t off = 0; off < data.size(); off += block) {
      EXPECT_OK(w->write_frame(std::span(data).subspan(off, std::min<std::uint64_t>(block, data.size() - off))));
    }
    auto size = w->finish();
    EXPECT_OK(size);
    EXPECT_EQ(*size, test::file_size(path));
    return path;
  }
};

TEST_F(SeekableTest, ReadsBackEveryRangeAcrossFrames) {
  const auto data = content(50'000);
  const auto path = write(data, 4096);
  ASSERT_OK_AND_ASSIGN(auto r, SeekableReader::open(FileSystem::system(), path));
  EXPECT_EQ(r.size(), data.size());
  EXPECT_EQ(r.table().frame_count(), 13u);
  EXPECT_TRUE(r.table().has_checksums);
  for (auto [off, len] : std::vector<std::pair<std::uint64_t, std::size_t>>{
           {0, 1}, {0, 4096}, {4095, 2}, {100, 20'000}, {49'999, 1}, {0, 50'000}, {50'000, 0}}) {
    std::vector<std::byte> out(len);
    ASSERT_OK(r.read_at(off, out));
    EXPECT_TRUE(std::equal(out.begin(), out.end(), data.begin() + static_cast<long>(off)))
        << off << "+" << len;
  }
}

TEST_F(SeekableTest, ReadsPastTheEndAreInvalidArgument) {
  const auto path = write(content(10'000), 4096);
  ASSERT_OK_AND_ASSIGN(auto r, SeekableReader::open(FileSystem::system(), path));
  std::vector<std::byte> one(1), two(2);
  EXPECT_ERROR(r.read_at(10'000, one), Errc::InvalidArgument);
  EXPECT_ERROR(r.read_at(9'999, two), Errc::InvalidArgument);
  EXPECT_ERROR(r.read_at(UINT64_MAX, one), Errc::InvalidArgument);
  EXPECT_ERROR(r.read_at(UINT64_MAX - 0, std::span<std::byte>()), Errc::InvalidArgument);
  ASSERT_OK(r.read_at(9'999, one));
}

TEST_F(SeekableTest, StockZstdDecompressesItToTheOriginalBytes) {
  const auto data = content(70'000);
  const auto path = write(data, 16384);
  const std::string out = tmp_.sub("out");
  const std::string cmd = "zstd -q -d -f '" + path + "' -o '" + out + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto bytes = test::read_file(out);
  ASSERT_EQ(bytes.size(), data.size());
  EXPECT_EQ(std::memcmp(bytes.data(), data.data(), data.size()), 0);
}

TEST_F(SeekableTest, APlainZstdFileIsNotAccepted) {
  test::write_file(tmp_.sub("plain"), std::vector<char>(20'000, 'p'));
  const std::string cmd = "zstd -q -f '" + tmp_.sub("plain") + "' -o '" + tmp_.sub("plain.zst") + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto r = SeekableReader::open(FileSystem::system(), tmp_.sub("plain.zst"));
  EXPECT_ERROR(r, Errc::Corruption);
  EXPECT_NE(r.error().message().find("seek table"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("plain.zst"), std::string::npos);
}

TEST_F(SeekableTest, WithoutChecksumsTheTableUsesEightByteEntries) {
  const auto data = content(9000);
  const auto path = write(data, 4096, false);
  ASSERT_OK_AND_ASSIGN(auto r, SeekableReader::open(FileSystem::system(), path));
  EXPECT_FALSE(r.table().has_checksums);
  std::vector<std::byte> out(data.size());
  ASSERT_OK(r.read_at(0, out));
  EXPECT_EQ(out, data);
}

TEST_F(SeekableTest, FrameOfAnOversizedOrEmptyWriteIsRejected) {
  const std::string path = tmp_.sub("g");
  auto fd = FileSystem::system().open(path, O_RDWR | O_CREAT | O_EXCL);
  ASSERT_OK(fd);
  SeekableOptions o;
  o.block_size = 4096;
  ASSERT_OK_AND_ASSIGN(auto w, SeekableWriter::create(FileSystem::system(), fd->get(), path, o));
  EXPECT_ERROR(w.write_frame(content(4097)), Errc::InvalidArgument);
  EXPECT_ERROR(w.write_frame({}), Errc::InvalidArgument);
}

TEST_F(SeekableTest, InvalidOptionsAreRejected) {
  for (std::uint64_t block : {0ull, 100ull, (1ull << 30) + 1}) {
    SeekableOptions o;
    o.block_size = block;
    EXPECT_ERROR(validate(o), Errc::InvalidArgument);
  }
  SeekableOptions o;
  o.codec.level = 99;
  EXPECT_ERROR(validate(o), Errc::InvalidArgument);
}

TEST_F(SeekableTest, OpenRefusesAMaxFrameSizeOfZeroOrAboveTheFormatsLimit) {
  const auto path = write(content(9000), 4096);
  for (const std::uint64_t max : {std::uint64_t{0}, kSeekableMaxFrameSize + 1, UINT64_MAX}) {
    auto r = SeekableReader::open(FileSystem::system(), path, max);
    EXPECT_ERROR(r, Errc::InvalidArgument);
    EXPECT_NE(r.error().message().find("max_frame_size " + std::to_string(max)), std::string::npos)
        << r.error().message();
  }
  EXPECT_OK(SeekableReader::open(FileSystem::system(), path, 4096));
  EXPECT_OK(SeekableReader::open(FileSystem::system(), path, kSeekableMaxFrameSize));
  // Below the file's frames: the file, not the argument, is refused.
  EXPECT_ERROR(SeekableReader::open(FileSystem::system(), path, 4095), Errc::Unsupported);
}

// The seek-table lies of RELIABILITY F2, each a Corruption naming the file.
class SeekTableLieTest : public SeekableTest {
 protected:
  void SetUp() override {
    data_ = content(12'000);
    path_ = write(data_, 4096);
    bytes_ = test::read_file(path_);
  }
  // Overwrites a u32 at `from_end` bytes before the end.
  void set_u32_from_end(std::size_t from_end, std::uint32_t v) {
    std::memcpy(bytes_.data() + bytes_.size() - from_end, &v, 4);
  }
  void expect_rejected(const std::string& what, const std::string& fragment = "") {
    test::write_file(path_, bytes_);
    auto r = SeekableReader::open(FileSystem::system(), path_);
    if (r) {
      // Some lies only show when a frame is read.
      std::vector<std::byte> out(r->size());
      auto st = r->read_at(0, out);
      ASSERT_FALSE(st) << what << ": accepted";
      EXPECT_EQ(st.error().code(), Errc::Corruption) << what;
      EXPECT_NE(st.error().message().find(path_), std::string::npos) << what;
      if (!fragment.empty()) {
        EXPECT_NE(st.error().message().find(fragment), std::string::npos)
            << what << ": " << st.error().message();
      }
      return;
    }
    EXPECT_EQ(r.error().code(), Errc::Corruption) << what << ": " << r.error().to_string();
    EXPECT_NE(r.error().message().find(path_), std::string::npos) << what;
    if (!fragment.empty()) {
      EXPECT_NE(r.error().message().find(fragment), std::string::npos)
          << what << ": " << r.error().message();
    }
  }
  std::vector<std::byte> data_;
  std::string path_;
  std::vector<char> bytes_;
};

// Table layout at the end: [skippable magic][size][3 x 12-byte entries][n][desc][magic].
constexpr std::size_t kFooter = 9, kEntries = 3 * 12, kTable = 8 + kEntries + kFooter;

TEST_F(SeekTableLieTest, MissingFooterMagic) {
  set_u32_from_end(4, 0x12345678);
  expect_rejected("footer magic", "seekable magic");
}
TEST_F(SeekTableLieTest, ReservedDescriptorBits) {
  bytes_[bytes_.size() - 5] = static_cast<char>(0x80 | 0x04);
  expect_rejected("reserved bits", "reserved");
}
TEST_F(SeekTableLieTest, FrameCountsTheFileCannotHold) {
  for (std::uint32_t n : {0u, 1u, 4u, 0x8000000u + 1, 0xFFFFFFFFu}) {
    SetUp();
    set_u32_from_end(kFooter, n);
    expect_rejected("frames " + std::to_string(n));
  }
}
TEST_F(SeekTableLieTest, SkippableFrameSizeDisagrees) {
  set_u32_from_end(kTable - 4, kEntries + kFooter + 12);
  expect_rejected("frame size", "frame size");
}
TEST_F(SeekTableLieTest, WrongSkippableMagic) {
  set_u32_from_end(kTable, 0x184D2A50);
  expect_rejected("skippable magic", "skippable magic");
}
TEST_F(SeekTableLieTest, FileShorterThanAFooter) {
  bytes_.resize(8);
  expect_rejected("8 bytes");
}
TEST_F(SeekTableLieTest, CompressedSizeOfZero) {
  set_u32_from_end(kTable - 8, 0);
  expect_rejected("csize 0", "size of 0");
}
TEST_F(SeekTableLieTest, CompressedSizesPastTheTable) {
  set_u32_from_end(kTable - 8, 0xFFFFFFF0u);
  expect_rejected("csize huge", "past the seek table");
}
TEST_F(SeekTableLieTest, DecompressedSizeOfZeroOrOverOneGiB) {
  set_u32_from_end(kTable - 12, 0);
  expect_rejected("dsize 0");
  SetUp();
  set_u32_from_end(kTable - 12, (1u << 30) + 1);
  expect_rejected("dsize > 1 GiB");
}
TEST_F(SeekTableLieTest, DecompressionBombClaimIsRefusedBeforeAllocating) {
  // A few hundred compressed bytes cannot expand to 512 MiB.
  set_u32_from_end(kTable - 12, 512u << 20);
  expect_rejected("bomb", "more than zstd can produce");
}
TEST_F(SeekTableLieTest, DecompressedSizeDifferentFromTheFrame) {
  set_u32_from_end(kTable - 12, 4095);
  expect_rejected("dsize off by one", "expected 4095");
}
TEST_F(SeekTableLieTest, ChecksumMismatch) {
  set_u32_from_end(kTable - 16, 0xDEADBEEF);  // first entry's checksum
  expect_rejected("checksum", "checksum mismatch");
}
TEST_F(SeekTableLieTest, FlippedByteInsideAFrame) {
  bytes_[20] = static_cast<char>(bytes_[20] ^ 0x40);
  expect_rejected("frame byte", "frame");
}
TEST_F(SeekTableLieTest, TruncatedLastFrame) {
  // Cut 5 bytes out of the last frame, then fix the table's claim.
  std::vector<char> table(bytes_.end() - static_cast<long>(kTable), bytes_.end());
  bytes_.resize(bytes_.size() - kTable - 5);
  bytes_.insert(bytes_.end(), table.begin(), table.end());
  std::uint32_t csize;
  std::memcpy(&csize, bytes_.data() + bytes_.size() - kFooter - 12, 4);
  set_u32_from_end(kFooter + 12, csize - 5);
  expect_rejected("truncated frame");
}

TEST(SeekTableParseTest, RoundTripsSerializedTables) {
  const std::uint32_t c[] = {10, 20, 30}, d[] = {100, 100, 50}, x[] = {1, 2, 3};
  const auto table = serialize_seek_table(c, d, x);
  const std::uint64_t file_size = 60 + table.size();
  auto footer = parse_seek_table_footer(std::span(table).last(kSeekTableFooterSize), "t", file_size);
  ASSERT_OK(footer);
  EXPECT_EQ(footer->frame_count, 3u);
  ASSERT_OK_AND_ASSIGN(auto t, parse_seek_table(table, *footer, "t", file_size));
  EXPECT_EQ(t.decompressed_size(), 250u);
  EXPECT_EQ(t.compressed_offset, (std::vector<std::uint64_t>{0, 10, 30, 60}));
  EXPECT_EQ(t.frame_of(0), 0u);
  EXPECT_EQ(t.frame_of(99), 0u);
  EXPECT_EQ(t.frame_of(100), 1u);
  EXPECT_EQ(t.frame_of(249), 2u);
  EXPECT_EQ(t.checksums, (std::vector<std::uint32_t>{1, 2, 3}));
  // Sizes that do not reach the table (a gap before it) are refused too.
  EXPECT_ERROR(parse_seek_table(table, *footer, "t", file_size + 1), Errc::Corruption);
}

}  // namespace
}  // namespace chronicle
