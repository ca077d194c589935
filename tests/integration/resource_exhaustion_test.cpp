// Resource exhaustion (RELIABILITY S8): files that claim enormous sizes,
// and a table of 100,000 partitions. Each case runs in a forked child that
// reports its peak RSS growth (getrusage, wait4) and wall time; the caps are
// 256 MiB and 2 seconds per file, with a clear error where the input is bad.
#include <chronicle/compression/cold_segment.hpp>
#include <chronicle/compression/seekable_format.hpp>
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/zstd_codec.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/table/table.hpp>

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "support/child_usage.hpp"
#include "support/files.hpp"
#include "support/log_builder.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kRssCap = 256ull << 20;
constexpr auto kTimeCap = std::chrono::seconds(2);
constexpr std::uint64_t kSeed = 5;

// "ok", or the error's category and message: what the child reports.
template <class R>
std::string outcome(const R& r) {
  if (r) return "ok";
  return std::string(errc_name(r.error().code())) + ": " + r.error().message();
}

// Runs `fn` in a child, prints its cost and checks it against the caps.
test::ChildUsage expect_within_caps(const std::string& what, const std::function<std::string()>& fn) {
  const test::ChildUsage u = test::run_measured(fn);
  std::printf("[   cost   ] %s: peak RSS +%.1f MiB, %.3f s: %s\n", what.c_str(),
              static_cast<double>(u.peak_rss_growth_bytes) / (1 << 20),
              std::chrono::duration<double>(u.wall).count(), u.result.substr(0, 160).c_str());
  EXPECT_TRUE(u.exited_cleanly) << what;
  EXPECT_LT(u.peak_rss_growth_bytes, kRssCap) << what;
  EXPECT_LT(u.wall, kTimeCap) << what;
  return u;
}

class ResourceExhaustionTest : public TempDirTest {
 protected:
  std::string log() const { return tmp_.sub("log"); }
  // A closed log of sealed 64 KiB segments.
  void write_log() {
    LogOptions o;
    o.segment_size = 64 * 1024;
    auto w = SegmentWriter::open(log(), o);
    ASSERT_OK(w);
    test::append_records(*w, kSeed, 0, 1000);
    ASSERT_OK(w->close());
  }
  // Segment 0 compressed, its seek table footer's frame count set to `n`.
  std::string cold_with_frame_count(std::uint32_t n) {
    write_log();
    EXPECT_OK(compress_segment(log(), 0));
    const std::string path = segment_path(log(), 0, SegmentTier::Cold);
    test::set_bytes(path, test::file_size(path) - 9, &n, sizeof n);
    return path;
  }
};

TEST_F(ResourceExhaustionTest, ASeekTableOfFFFFFFFFFramesIsRefusedBeforeAllocating) {
  const std::string path = cold_with_frame_count(0xFFFFFFFFu);
  const auto u = expect_within_caps("numFrames 0xFFFFFFFF", [&] {
    return outcome(ColdSegment::open(FileSystem::system(), path, 0));
  });
  EXPECT_EQ(u.result.rfind("Corruption: " + path, 0), 0u) << u.result;
  EXPECT_NE(u.result.find("4294967295 frames"), std::string::npos) << u.result;
}

// A zstd bomb claim (F3): 1 GiB, the format's largest frame, from the 64 KiB
// of a real frame, within the 32768:1 zstd can reach; the frame's own header
// says otherwise. Before the fix this allocated and zeroed 1 GiB (1.5 s).
TEST_F(ResourceExhaustionTest, AFrameClaimingMoreThanItsHeaderSaysIsRefusedBeforeAllocating) {
  write_log();
  ASSERT_OK(compress_segment(log(), 0));
  const std::string path = segment_path(log(), 0, SegmentTier::Cold);
  // The first entry's decompressed size (entries of 12 bytes before the
  // 9-byte footer).
  std::vector<char> bytes = test::read_file(path);
  std::uint32_t n;
  std::memcpy(&n, bytes.data() + bytes.size() - 9, 4);
  const std::size_t first_entry = bytes.size() - 9 - 12 * n;
  const std::uint32_t claim = 1u << 30;
  std::memcpy(bytes.data() + first_entry + 4, &claim, 4);
  test::write_file(path, bytes);
  const auto u = expect_within_caps("1 GiB frame claim", [&] {
    return outcome(ColdSegment::open(FileSystem::system(), path, 0));
  });
  EXPECT_EQ(u.result.rfind("Corruption: " + path, 0), 0u) << u.result;
  EXPECT_NE(u.result.find("expected 1073741824"), std::string::npos) << u.result;
}

// A file whose frame really is that large, and says so in its header: the
// format allows 1 GiB per frame, but a cold-segment reader holds a few frames
// at once, so chronicle refuses frames above kMaxColdFrameSize before it
// decompresses (or allocates for) any. The general SeekableReader still opens
// it when asked to accept the format's limit.
TEST_F(ResourceExhaustionTest, ColdFramesLargerThanChronicleWritesAreRefusedBeforeAllocating) {
  const std::vector<std::byte> zeros(kMaxColdFrameSize + 4096);
  auto z = ZstdCompressor::create(CodecOptions{});
  ASSERT_OK(z);
  std::vector<std::byte> file;
  ASSERT_OK_AND_ASSIGN(const std::size_t csize, z->compress_frame(zeros, file));
  const std::uint32_t c[] = {static_cast<std::uint32_t>(csize)};
  const std::uint32_t d[] = {static_cast<std::uint32_t>(zeros.size())};
  const auto table = serialize_seek_table(c, d, {});
  file.insert(file.end(), table.begin(), table.end());
  std::filesystem::create_directories(log());
  const std::string path = segment_path(log(), 0, SegmentTier::Cold);
  test::write_file(path, std::vector<char>(reinterpret_cast<const char*>(file.data()),
                                           reinterpret_cast<const char*>(file.data()) + file.size()));
  const auto u = expect_within_caps("a real 64 MiB + 4 KiB frame", [&] {
    return outcome(ColdSegment::open(FileSystem::system(), path, 0));
  });
  EXPECT_EQ(u.result.rfind("Unsupported: " + path, 0), 0u) << u.result;
  EXPECT_NE(u.result.find(fmt::format("holds {} bytes: more than the {} bytes", zeros.size(),
                                      kMaxColdFrameSize)),
            std::string::npos)
      << u.result;
  EXPECT_OK(SeekableReader::open(FileSystem::system(), path, kSeekableMaxFrameSize));
}

TEST_F(ResourceExhaustionTest, ASegmentClaiming2To40RecordsIsRefused) {
  write_log();
  const std::string path = segment_path(log(), 0);
  std::vector<char> bytes = test::read_file(path);
  auto* base = reinterpret_cast<std::byte*>(bytes.data());
  const SegmentHeader h = read_segment_header(base);
  write_seal_block(base, h.end_of_data, 1ull << 40, h.min_timestamp_ns, h.max_timestamp_ns);
  test::write_file(path, bytes);
  const auto u = expect_within_caps("2^40 records", [&] {
    auto reader = LogReader::open(log());
    if (!reader) return outcome(reader);
    RecordView v;
    while (reader->next(v) == Step::Record) {
    }
    return outcome(reader->status());
  });
  EXPECT_EQ(u.result.rfind("Corruption: " + path, 0), 0u) << u.result;
}

TEST_F(ResourceExhaustionTest, HugeTableMetadataIsRefused) {
  const std::string root = tmp_.sub("t");
  ASSERT_OK(Table::create(root, PartitionScheme::create({{"venue", KeyType::String, 0}}).value()));
  const std::string meta = root + "/_table.json";
  auto install = [&](const std::string& text) {
    test::write_file(meta, std::vector<char>(text.begin(), text.end()));
  };
  auto open = [&] { return outcome(Table::open(root)); };
  install(std::string(1'000'000, '['));
  EXPECT_NE(expect_within_caps("1,000,000 nested arrays", open).result.find("Corruption"),
            std::string::npos);
  install("{\"format\": \"" + std::string(10'000'000, 'x') + "\"}");
  EXPECT_NE(expect_within_caps("10 MB string", open).result.find("Corruption"), std::string::npos);
  test::truncate_file(meta, 1ull << 30);  // a sparse 1 GiB file
  EXPECT_NE(expect_within_caps("1 GiB file", open).result.find("limited to"), std::string::npos);
}

// 100,000 partition directories (empty: a partition that exists but holds
// no segment yet) on the tmpfs the binary's TMPDIR points at.
TEST_F(ResourceExhaustionTest, ATableOf100000PartitionsListsWithinTheCaps) {
  const std::string root = tmp_.sub("t");
  auto table = Table::create(root, PartitionScheme::create({{"venue", KeyType::String, 0}}).value());
  ASSERT_OK(table);
  const auto start = std::chrono::steady_clock::now();
  constexpr int kPartitions = 100'000;
  char name[32];
  for (int i = 0; i < kPartitions; ++i) {
    std::snprintf(name, sizeof name, "/venue=P%06d", i);
    ASSERT_EQ(::mkdir((root + name).c_str(), 0755), 0);
  }
  std::printf("[   cost   ] creating %d partition directories: %.3f s\n", kPartitions,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  const auto listed = expect_within_caps("listing 100,000 partitions", [&] {
    ListOptions o;
    o.stats = false;
    auto parts = table->partitions(PartitionFilter::all(), o);
    return parts ? std::to_string(parts->size()) : outcome(parts);
  });
  EXPECT_EQ(listed.result, std::to_string(kPartitions));
}

}  // namespace
}  // namespace chronicle
