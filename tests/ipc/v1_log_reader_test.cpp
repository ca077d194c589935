// V1LogReader against the chronicle-rs v1 vectors: every record of every
// log vector, every seek probe, on hot, cold (64 KiB and 1 MiB frames) and
// mixed logs, with and without their seek indexes.
#include <chronicle/ipc/v1/v1_checksum.hpp>
#include <chronicle/ipc/v1/v1_log_reader.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "ipc/v1_test_util.hpp"
#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle::ipc::v1 {
namespace {

using test::TempDirTest;

TEST(V1Vectors, CopiesMatchSha256Sums) {
  // The copies in tests/data must stay byte-identical to what chronicle-rs
  // wrote: any drift is caught here.
  const std::string cmd =
      "cd '" + test::v1_vectors() + "' && sha256sum --check --quiet --strict SHA256SUMS";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(V1Checksum, IsTheZlibCrc32) {
  const std::string check = "123456789";
  EXPECT_EQ(crc32_ieee(std::as_bytes(std::span(check.data(), check.size()))), 0xCBF43926u);
  EXPECT_EQ(crc32_ieee({}), 0u);
}

struct Probe {
  std::uint64_t target = 0;
  std::string result;
  std::optional<std::uint64_t> next_seq;
  std::optional<std::uint64_t> next_ts;
};

std::vector<Probe> load_probes() {
  std::ifstream in(test::v1_vector("log_hot/seeks.jsonl"));
  std::vector<Probe> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    Probe p;
    p.target = j.at("target_ts").get<std::uint64_t>();
    p.result = j.at("result").get<std::string>();
    if (!j.at("next_seq").is_null()) p.next_seq = j.at("next_seq").get<std::uint64_t>();
    if (!j.at("next_timestamp_ns").is_null()) p.next_ts = j.at("next_timestamp_ns").get<std::uint64_t>();
    out.push_back(p);
  }
  return out;
}

void check_reads_all(const std::string& dir, std::size_t hot, std::size_t cold) {
  const auto expected = test::load_expected("log_hot");
  ASSERT_EQ(expected.size(), 2000u);
  ASSERT_OK_AND_ASSIGN(auto reader, V1LogReader::open(dir));
  std::size_t hot_seen = 0;
  std::size_t cold_seen = 0;
  for (const V1SegmentFile& f : reader.segments()) ++(f.tier == SegmentTier::Hot ? hot_seen : cold_seen);
  EXPECT_EQ(hot_seen, hot);
  EXPECT_EQ(cold_seen, cold);
  EXPECT_EQ(test::expect_records(reader, expected), expected.size());
  RecordView v;
  EXPECT_EQ(reader.next(v), Step::NothingYet) << "the end stays the end";
}

void check_probes(const std::string& dir) {
  const auto probes = load_probes();
  ASSERT_EQ(probes.size(), 72u);
  ASSERT_OK_AND_ASSIGN(auto reader, V1LogReader::open(dir));
  for (const Probe& p : probes) {
    ASSERT_OK_AND_ASSIGN(SeekResult r, reader.seek_timestamp(p.target));
    EXPECT_EQ(seek_result_name(r), p.result) << "target " << p.target;
    RecordView v;
    const Step step = reader.next(v);
    if (!p.next_seq) {
      EXPECT_EQ(step, Step::NothingYet) << "target " << p.target;
      continue;
    }
    ASSERT_EQ(step, Step::Record) << "target " << p.target << ": " << reader.status().error().to_string();
    EXPECT_EQ(v.seq, *p.next_seq) << "target " << p.target;
    EXPECT_EQ(v.timestamp_ns, *p.next_ts) << "target " << p.target;
  }
}

TEST(V1LogReaderTest, ReadsHotLog) { check_reads_all(test::v1_vector("log_hot"), 3, 0); }
TEST(V1LogReaderTest, ReadsColdLogWith64KiBFramesThroughTheFrameIndex) {
  check_reads_all(test::v1_vector("log_cold"), 0, 3);
}
TEST(V1LogReaderTest, ReadsColdLogWith1MiBFrames) { check_reads_all(test::v1_vector("log_cold_1m"), 0, 3); }
TEST(V1LogReaderTest, ReadsMixedLog) { check_reads_all(test::v1_vector("log_mixed"), 1, 2); }

TEST(V1LogReaderTest, ColdExpectedFileEqualsHotExpectedFile) {
  const auto hot = test::load_expected("log_hot");
  const auto cold = test::load_expected("log_cold");
  ASSERT_EQ(hot.size(), cold.size());
  for (std::size_t i = 0; i < hot.size(); ++i) {
    EXPECT_EQ(hot[i].timestamp_ns, cold[i].timestamp_ns);
    EXPECT_EQ(hot[i].payload, cold[i].payload);
  }
}

TEST(V1LogReaderTest, HotPayloadsAreZeroCopy) {
  ASSERT_OK_AND_ASSIGN(auto a, V1LogReader::open(test::v1_vector("log_hot")));
  RecordView v0;
  RecordView v1;
  RecordView v2;
  ASSERT_EQ(a.next(v0), Step::Record);
  ASSERT_EQ(a.next(v1), Step::Record);
  ASSERT_EQ(a.next(v2), Step::Record);
  // Record 1 (1 payload byte) takes roundup64(64 + 1) = 128 bytes of the
  // mapping, so the payloads of records 1 and 2 lie 128 bytes apart in it.
  EXPECT_EQ(v2.payload.data() - v1.payload.data(), 128);
}

TEST(V1LogReaderTest, SeekProbesOnHotLog) { check_probes(test::v1_vector("log_hot")); }
TEST(V1LogReaderTest, SeekProbesOnColdLog) { check_probes(test::v1_vector("log_cold")); }
TEST(V1LogReaderTest, SeekProbesOnCold1MiBLog) { check_probes(test::v1_vector("log_cold_1m")); }
TEST(V1LogReaderTest, SeekProbesOnMixedLog) { check_probes(test::v1_vector("log_mixed")); }

class V1SeekIndexFallbackTest : public TempDirTest {};

TEST_F(V1SeekIndexFallbackTest, SeeksWithoutSeekIndexesByScanning) {
  for (const std::string name : {"log_hot", "log_cold", "log_mixed"}) {
    const std::string dir = tmp_.sub(name);
    test::copy_vector(name, dir);
    for (int id = 0; id < 3; ++id) std::filesystem::remove(dir + "/00000000" + std::to_string(id) + ".idx");
    SCOPED_TRACE(name);
    check_probes(dir);
  }
}

TEST_F(V1SeekIndexFallbackTest, SeeksWithDamagedSeekIndexesByScanning) {
  const std::string dir = tmp_.sub("log_cold");
  test::copy_vector("log_cold", dir);
  // Segment 0: garbage entry; segment 1: truncated; segment 2: wrong magic.
  const std::uint64_t junk = 0x0123456789abcdefull;
  test::set_bytes(dir + "/000000000.idx", 80 + 24 * 3 + 16, &junk, sizeof junk);
  test::truncate_file(dir + "/000000001.idx", 100);
  test::set_bytes(dir + "/000000002.idx", 0, "XXXX", 4);
  check_probes(dir);
  check_reads_all(dir, 0, 3);
}

TEST_F(V1SeekIndexFallbackTest, SeekIndexEntryThatPointsAtTheWrongRecordIsNotTrusted) {
  const std::string dir = tmp_.sub("log_hot");
  test::copy_vector("log_hot", dir);
  // Move entry 3 of segment 0 one record slot on: still well-formed and
  // ordered, but it no longer points at the record it names.
  const std::string idx = dir + "/000000000.idx";
  auto bytes = test::read_file(idx);
  std::uint64_t o3;
  std::memcpy(&o3, bytes.data() + 80 + 24 * 3 + 16, 8);
  const std::uint64_t mid = o3 + 64;  // still ordered, but not entry 3's record
  test::set_bytes(idx, 80 + 24 * 3 + 16, &mid, 8);
  check_probes(dir);
}

// Found by v1_log_fuzz's seek-against-scan check: v1 indexes carry no
// checksum, and one whose maximum timestamp was lowered (still well-formed:
// its last entry's timestamp) made a seek skip the segment holding the
// answer and return EndOfLog.
TEST_F(V1SeekIndexFallbackTest, SeekIndexThatUnderstatesItsMaximumIsNotTrusted) {
  const auto expected = test::load_expected("log_hot");
  for (const std::string name : {"log_hot", "log_cold"}) {
    SCOPED_TRACE(name);
    const std::string dir = tmp_.sub(name);
    test::copy_vector(name, dir);
    for (int id = 0; id < 3; ++id) {
      const std::string idx = dir + "/00000000" + std::to_string(id) + ".idx";
      const auto bytes = test::read_file(idx);
      std::uint64_t entries;
      std::memcpy(&entries, bytes.data() + 72, 8);
      std::uint64_t last_entry_ts;
      std::memcpy(&last_entry_ts, bytes.data() + 80 + 24 * (entries - 1) + 8, 8);
      test::set_bytes(idx, 64, &last_entry_ts, 8);  // max_timestamp_ns
    }
    check_probes(dir);
    ASSERT_OK_AND_ASSIGN(auto reader, V1LogReader::open(dir));
    // The last record of each segment lies above its index's lowered maximum.
    for (std::size_t i : {804u, 1597u, 1999u}) {
      ASSERT_OK_AND_ASSIGN(SeekResult r, reader.seek_timestamp(expected[i].timestamp_ns));
      EXPECT_EQ(r, SeekResult::Found) << i;
      std::size_t first = i;
      while (first > 0 && expected[first - 1].timestamp_ns == expected[i].timestamp_ns) --first;
      EXPECT_EQ(test::expect_records(reader, expected, first), expected.size() - first) << i;
    }
  }
}

TEST_F(V1SeekIndexFallbackTest, ReadsAfterASeekContinueToTheEnd) {
  const auto expected = test::load_expected("log_hot");
  for (const std::string name : {"log_hot", "log_cold", "log_mixed"}) {
    ASSERT_OK_AND_ASSIGN(auto reader, V1LogReader::open(test::v1_vector(name)));
    for (std::size_t i : {0u, 1u, 804u, 805u, 806u, 1500u, 1597u, 1598u, 1999u}) {
      ASSERT_OK(reader.seek_timestamp(expected[i].timestamp_ns));
      // Equal timestamps are never skipped: the seek lands on the first.
      std::size_t first = i;
      while (first > 0 && expected[first - 1].timestamp_ns == expected[i].timestamp_ns) --first;
      EXPECT_EQ(test::expect_records(reader, expected, first), expected.size() - first) << name << " " << i;
    }
  }
}

}  // namespace
}  // namespace chronicle::ipc::v1
