// Damaged v1 logs: each kind of damage gets a clear error naming the file
// (and the offset where there is one), never a crash and never wrong data.
// Vectors are copied to a temp dir before being damaged.
#include <chronicle/compression/zstd_codec.hpp>
#include <chronicle/ipc/v1/v1_format.hpp>
#include <chronicle/ipc/v1/v1_log_reader.hpp>

#include <gtest/gtest.h>

#include <filesystem>

#include "ipc/v1_test_util.hpp"
#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle::ipc::v1 {
namespace {

namespace fs = std::filesystem;

class V1DamageTest : public test::TempDirTest {
 protected:
  std::string copy(const std::string& vector) {
    const std::string dir = tmp_.sub(vector);
    test::copy_vector(vector, dir);
    return dir;
  }
  // Reads `dir` to the end; returns the records read and the final status.
  static std::pair<std::size_t, Status> read_all(const std::string& dir) {
    auto reader = V1LogReader::open(dir);
    if (!reader) return {0, reader.error()};
    RecordView v;
    std::size_t n = 0;
    Step step;
    while ((step = reader->next(v)) == Step::Record) ++n;
    if (step == Step::Failed) {
      EXPECT_EQ(reader->next(v), Step::Failed) << "failure is sticky";
      return {n, reader->status()};
    }
    return {n, Status()};
  }
  // Expects reading `dir` to fail with `code` and a message holding every
  // one of `parts`; returns how many records came first.
  static std::size_t expect_failure(const std::string& dir, Errc code,
                                    std::initializer_list<std::string> parts) {
    auto [n, st] = read_all(dir);
    EXPECT_FALSE(st.has_value()) << "read " << n << " records without an error";
    if (st.has_value()) return n;
    EXPECT_EQ(st.error().code(), code) << st.error().to_string();
    for (const std::string& part : parts) {
      EXPECT_NE(st.error().message().find(part), std::string::npos)
          << "'" << part << "' not in: " << st.error().message();
    }
    return n;
  }
  template <class T>
  static void poke(const std::string& path, std::uint64_t offset, T value) {
    test::set_bytes(path, offset, &value, sizeof value);
  }
  template <class T>
  static T peek(const std::string& path, std::uint64_t offset) {
    const auto bytes = test::read_file(path);
    T v;
    std::memcpy(&v, bytes.data() + offset, sizeof v);
    return v;
  }
};

// Record 1 of segment 0 starts at 128 (record 0 has an empty payload); its
// payload of 1 byte at 192.
constexpr std::uint64_t kRecord1 = 128;

TEST_F(V1DamageTest, TruncatedSegmentMidRecord) {
  const std::string dir = copy("log_hot");
  fs::remove(dir + "/000000000.idx");
  test::truncate_file(dir + "/000000000.q", 100'000);
  const std::size_t n =
      expect_failure(dir, Errc::Corruption, {"000000000.q", "runs past the end", "truncated"});
  EXPECT_GT(n, 300u);
}

TEST_F(V1DamageTest, TruncatedSegmentIsCaughtByItsSeekIndex) {
  const std::string dir = copy("log_hot");
  test::truncate_file(dir + "/000000000.q", 100'032);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000000.q", "seek index", "100032"}), 0u);
}

TEST_F(V1DamageTest, SegmentShorterThanItsHeader) {
  const std::string dir = copy("log_hot");
  test::truncate_file(dir + "/000000001.q", 10);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000001.q", "10 bytes"}), 805u);
}

TEST_F(V1DamageTest, FlippedPayloadByteIsACrcErrorNamingFileAndOffset) {
  const std::string dir = copy("log_hot");
  test::flip_bit(dir + "/000000000.q", kRecord1 + 64, 3);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption,
                           {"000000000.q", "CRC-32", "seq 1", "at offset 128"}),
            1u);
}

TEST_F(V1DamageTest, FlippedPayloadByteInColdSegment) {
  // A byte inside a frame's compressed data: zstd or the CRC reports it.
  const std::string dir = copy("log_cold");
  for (std::uint64_t at = 16'000; at < 29'000; at += 800) test::flip_bit(dir + "/000000001.q.zst", at, 5);
  EXPECT_GE(expect_failure(dir, Errc::Corruption, {"000000001.q.zst"}), 805u);
}

TEST_F(V1DamageTest, BadHeaderVersion) {
  const std::string dir = copy("log_hot");
  poke<std::uint8_t>(dir + "/000000000.q", kRecord1 + 4, 2);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000000.q", "version 2", "offset 132"}), 1u);
}

TEST_F(V1DamageTest, ZeroedCommitWordBeforeMoreRecords) {
  const std::string dir = copy("log_hot");
  fs::remove(dir + "/000000000.idx");
  poke<std::uint32_t>(dir + "/000000000.q", kRecord1, 0);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000000.q", "commit word 0", "offset 128"}), 1u);
}

TEST_F(V1DamageTest, ZeroedStretchIsCaughtByTheSeekIndexCount) {
  const std::string dir = copy("log_hot");
  // Zeros from the record of index entry 3 on, as lost pages would leave.
  const auto at = peek<std::uint64_t>(dir + "/000000000.idx", 80 + 3 * 24 + 16);
  auto bytes = test::read_file(dir + "/000000000.q");
  std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.end(), 0);
  test::write_file(dir + "/000000000.q", bytes);
  expect_failure(dir, Errc::Corruption, {"000000000.q", "seek index lists seq 0..804"});
}

TEST_F(V1DamageTest, BadSegmentMagicAndVersion) {
  const std::string dir = copy("log_hot");
  poke<std::uint32_t>(dir + "/000000001.q", 0, 0x12345678);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000001.q", "magic"}), 805u);
  const std::string dir2 = tmp_.sub("v3");
  test::copy_vector("log_hot", dir2);
  poke<std::uint32_t>(dir2 + "/000000000.q", 4, 3);
  EXPECT_EQ(expect_failure(dir2, Errc::Unsupported, {"000000000.q", "version 3"}), 0u);
}

TEST_F(V1DamageTest, SegmentHeaderWithAnotherId) {
  const std::string dir = copy("log_hot");
  poke<std::uint32_t>(dir + "/000000002.q", 8, 7);
  expect_failure(dir, Errc::Corruption, {"000000002.q", "id 7"});
}

TEST_F(V1DamageTest, SeqJumpInsideASegment) {
  const std::string dir = copy("log_hot");
  poke<std::uint64_t>(dir + "/000000000.q", kRecord1 + 8, 5);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"seq 5: expected 1", "offset 128"}), 1u);
}

// Rewrites the seq of every record of a hot segment to from, from+1, ...
void renumber(const std::string& path, std::uint64_t from) {
  auto bytes = test::read_file(path);
  std::uint64_t off = 64;
  while (off + 64 <= bytes.size()) {
    std::uint32_t commit;
    std::memcpy(&commit, bytes.data() + off, 4);
    if (commit == 0) break;
    std::memcpy(bytes.data() + off + 8, &from, 8);
    ++from;
    off += record_size(commit - 1);
  }
  test::write_file(path, bytes);
}

TEST_F(V1DamageTest, SeqRestartAtASegmentStartIsANewWriterSession) {
  const std::string dir = copy("log_hot");
  fs::remove(dir + "/000000002.idx");  // its seq range no longer holds
  renumber(dir + "/000000002.q", 0);
  auto [n, st] = read_all(dir);
  EXPECT_OK(st);
  EXPECT_EQ(n, 2000u);
}

TEST_F(V1DamageTest, SeqThatNeitherContinuesNorRestartsAtASegmentStart) {
  const std::string dir = copy("log_hot");
  fs::remove(dir + "/000000002.idx");
  renumber(dir + "/000000002.q", 7);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000002.q", "seq 7 opens the segment"}), 1598u);
}

TEST_F(V1DamageTest, MissingSegmentBetweenTwoOthers) {
  const std::string dir = copy("log_hot");
  fs::remove(dir + "/000000001.q");
  auto reader = V1LogReader::open(dir);
  EXPECT_ERROR(reader, Errc::Corruption);
  EXPECT_NE(reader.error().message().find("000000001 is missing"), std::string::npos)
      << reader.error().message();
}

TEST_F(V1DamageTest, TmpFilesAndStrayFilesAreIgnored) {
  const std::string dir = copy("log_hot");
  test::write_file(dir + "/000000003.q.tmp", std::vector<char>(1000, 'x'));
  test::write_file(dir + "/000000001.q.zst.tmp", std::vector<char>(10, 'x'));
  test::write_file(dir + "/notes.txt", std::vector<char>(10, 'x'));
  ASSERT_OK_AND_ASSIGN(auto reader, V1LogReader::open(dir));
  EXPECT_EQ(reader.ignored_files().size(), 3u);  // notes.txt, expected.jsonl, seeks.jsonl
  auto [n, st] = read_all(dir);
  EXPECT_OK(st);
  EXPECT_EQ(n, 2000u);
}

// --- cold segments: lying frame indexes and truncated .q.zst files ---

TEST_F(V1DamageTest, FrameIndexWithMoreFramesThanTheFileHolds) {
  const std::string dir = copy("log_cold");
  poke<std::uint64_t>(dir + "/000000000.q.zst.idx", 16, 4);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000000.q.zst.idx", "frame count 4"}), 0u);
  poke<std::uint64_t>(dir + "/000000000.q.zst.idx", 16, 1ull << 60);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000000.q.zst.idx", "frame count"}), 0u);
}

TEST_F(V1DamageTest, FrameIndexWithASizePastTheEndOfTheFile) {
  const std::string dir = copy("log_cold");
  const std::string idx = dir + "/000000001.q.zst.idx";
  const auto size = peek<std::uint32_t>(idx, 24 + 2 * 24 + 16);
  poke<std::uint32_t>(idx, 24 + 2 * 24 + 16, size + 1000);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000001.q.zst.idx", "frame 2", "past the end"}),
            805u);
}

TEST_F(V1DamageTest, FrameIndexWithOffsetsOutOfOrder) {
  const std::string dir = copy("log_cold");
  const std::string idx = dir + "/000000000.q.zst.idx";
  const auto off1 = peek<std::uint64_t>(idx, 24 + 24 + 8);
  const auto off2 = peek<std::uint64_t>(idx, 24 + 48 + 8);
  poke<std::uint64_t>(idx, 24 + 24 + 8, off2);
  poke<std::uint64_t>(idx, 24 + 48 + 8, off1);
  expect_failure(dir, Errc::Corruption, {"000000000.q.zst.idx", "frame 1 starts at offset"});
}

TEST_F(V1DamageTest, FrameIndexWithAnotherBlockSize) {
  const std::string dir = copy("log_cold");
  poke<std::uint32_t>(dir + "/000000000.q.zst.idx", 12, 1u << 20);
  expect_failure(dir, Errc::Corruption, {"000000000.q.zst.idx", "frame 0 holds 65536 bytes"});
}

TEST_F(V1DamageTest, FrameIndexClaimingASegmentAboveTheLimitIsRefusedBeforeAnyFrameIsRead) {
  // Frames of 256 MiB each, every entry in bounds on its own: five would
  // need a reader's window the size of a record up to 1.25 GiB long. Four
  // (exactly 1 GiB) pass the index check and fail only on decompression.
  const std::string dir = copy("log_cold");
  const std::string idx = dir + "/000000000.q.zst.idx";
  const std::uint64_t zst_size = fs::file_size(dir + "/000000000.q.zst");
  const std::uint32_t block = 256u << 20;
  auto write_index = [&](std::uint64_t frames) {
    std::vector<char> bytes(24);
    std::memcpy(bytes.data(), "QZSTIDX1", 8);
    const std::uint16_t version = 1, header_len = 24;
    std::memcpy(bytes.data() + 8, &version, 2);
    std::memcpy(bytes.data() + 10, &header_len, 2);
    std::memcpy(bytes.data() + 12, &block, 4);
    std::memcpy(bytes.data() + 16, &frames, 8);
    for (std::uint64_t i = 0; i < frames; ++i) {
      const std::uint64_t compressed = i + 1 < frames ? 1 : zst_size - (frames - 1);
      const FrameIndexEntry e{i * block, i, static_cast<std::uint32_t>(compressed), block};
      const auto* p = reinterpret_cast<const char*>(&e);
      bytes.insert(bytes.end(), p, p + sizeof e);
    }
    test::write_file(idx, bytes);
  };
  write_index(4);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000000.q.zst"}), 0u);
  write_index(5);
  EXPECT_EQ(expect_failure(dir, Errc::Unsupported,
                           {"000000000.q.zst.idx", "frames 0..4", "offset 120", "1342177280 bytes",
                            "at most 1073741824"}),
            0u);
}

TEST_F(V1DamageTest, FrameIndexWithBadMagicOrVersion) {
  const std::string dir = copy("log_cold");
  test::set_bytes(dir + "/000000000.q.zst.idx", 0, "QZSTIDX2", 8);
  expect_failure(dir, Errc::Corruption, {"000000000.q.zst.idx", "magic"});
  const std::string dir2 = tmp_.sub("v2");
  test::copy_vector("log_cold", dir2);
  poke<std::uint16_t>(dir2 + "/000000000.q.zst.idx", 8, 2);
  expect_failure(dir2, Errc::Unsupported, {"000000000.q.zst.idx", "version 2"});
}

TEST_F(V1DamageTest, TruncatedColdSegment) {
  const std::string dir = copy("log_cold_1m");
  const std::string zst = dir + "/000000002.q.zst";
  test::truncate_file(zst, test::file_size(zst) - 100);
  EXPECT_EQ(expect_failure(dir, Errc::Corruption, {"000000002.q.zst.idx", "past the end"}), 1598u);
}

TEST_F(V1DamageTest, ColdSegmentWithBytesAfterItsFrames) {
  const std::string dir = copy("log_cold");
  auto bytes = test::read_file(dir + "/000000000.q.zst");
  bytes.resize(bytes.size() + 7, 'x');
  test::write_file(dir + "/000000000.q.zst", bytes);
  expect_failure(dir, Errc::Corruption, {"000000000.q.zst.idx", "bytes without a frame"});
}

TEST_F(V1DamageTest, ColdSegmentWithoutItsFrameIndex) {
  const std::string dir = copy("log_cold");
  fs::remove(dir + "/000000001.q.zst.idx");
  auto reader = V1LogReader::open(dir);
  EXPECT_ERROR(reader, Errc::Corruption);
  EXPECT_NE(reader.error().message().find("without its frame index"), std::string::npos);
}

// --- a .q beside a .q.zst of the same id ---

TEST_F(V1DamageTest, InterruptedCompressionReadsTheHotCopy) {
  const std::string dir = copy("log_hot");
  fs::copy(test::v1_vector("log_cold/000000000.q.zst"), dir + "/000000000.q.zst");
  fs::copy(test::v1_vector("log_cold/000000000.q.zst.idx"), dir + "/000000000.q.zst.idx");
  // Interrupted before the frame index was renamed into place.
  fs::copy(test::v1_vector("log_cold/000000001.q.zst"), dir + "/000000001.q.zst");
  ASSERT_OK_AND_ASSIGN(auto reader, V1LogReader::open(dir));
  EXPECT_EQ(reader.segments()[0].tier, SegmentTier::Hot);
  EXPECT_EQ(test::expect_records(reader, test::load_expected("log_hot")), 2000u);
}

// Writes `q` as a v1 cold segment `zst` (+ .idx) in frames of `block` bytes.
void compress_v1(const std::string& q, const std::string& zst, std::size_t block) {
  const auto bytes = test::read_file(q);
  auto c = ZstdCompressor::create({});
  ASSERT_OK(c);
  std::vector<std::byte> out;
  std::vector<char> idx(24);
  std::memcpy(idx.data(), "QZSTIDX1", 8);
  const std::uint16_t version = 1;
  const std::uint16_t header_len = 24;
  const auto block32 = static_cast<std::uint32_t>(block);
  const std::uint64_t frames = (bytes.size() + block - 1) / block;
  std::memcpy(idx.data() + 8, &version, 2);
  std::memcpy(idx.data() + 10, &header_len, 2);
  std::memcpy(idx.data() + 12, &block32, 4);
  std::memcpy(idx.data() + 16, &frames, 8);
  for (std::size_t off = 0; off < bytes.size(); off += block) {
    const std::size_t n = std::min(block, bytes.size() - off);
    FrameIndexEntry e{off, out.size(), 0, static_cast<std::uint32_t>(n)};
    auto size = c->compress_frame(std::as_bytes(std::span(bytes.data() + off, n)), out);
    ASSERT_OK(size);
    e.compressed_size = static_cast<std::uint32_t>(*size);
    const auto* p = reinterpret_cast<const char*>(&e);
    idx.insert(idx.end(), p, p + sizeof e);
  }
  test::write_file(zst, std::vector<char>(reinterpret_cast<const char*>(out.data()),
                                          reinterpret_cast<const char*>(out.data()) + out.size()));
  test::write_file(zst + ".idx", idx);
}

TEST_F(V1DamageTest, HotAndColdCopiesWithDifferentDataAreRefused) {
  // What a v1 writer did after every segment was compressed: it found no
  // .q, reused id 0, and wrote new data beside the old 000000000.q.zst.
  const std::string dir = copy("log_hot");
  compress_v1(test::v1_vector("table/channel=101/date=2026-01-27/000000000.q"),
              dir + "/000000000.q.zst", 65536);
  expect_failure(dir, Errc::Corruption, {"000000000.q", "hold different data"});
}

TEST_F(V1DamageTest, ColdSegmentWrittenByAnotherCompressorReads) {
  // Frames that do record their content size, and a 16 KiB block: the
  // frame index alone decides how the segment is cut.
  const std::string dir = copy("log_hot");
  for (const char* id : {"000000000", "000000002"}) {
    compress_v1(dir + "/" + id + ".q", dir + "/" + id + ".q.zst", 16384);
    fs::remove(dir + "/" + id + ".q");
  }
  ASSERT_OK_AND_ASSIGN(auto reader, V1LogReader::open(dir));
  EXPECT_EQ(test::expect_records(reader, test::load_expected("log_hot")), 2000u);
}

}  // namespace
}  // namespace chronicle::ipc::v1
