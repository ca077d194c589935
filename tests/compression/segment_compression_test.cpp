#include <chronicle/compression/cold_segment.hpp>
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>

#include "support/files.hpp"
#include "support/log_builder.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSeed = 11;

class SegmentCompressionTest : public TempDirTest {
 protected:
  std::string dir() const { return tmp_.sub("log"); }
  std::string hot(std::uint64_t id) const { return segment_path(dir(), id, SegmentTier::Hot); }
  std::string cold(std::uint64_t id) const { return segment_path(dir(), id, SegmentTier::Cold); }

  // A closed log of n records in 64 KiB segments.
  void write_log(std::uint64_t n, std::size_t max_len = 2000) {
    LogOptions o;
    o.segment_size = 64 * 1024;
    auto w = SegmentWriter::open(dir(), o);
    ASSERT_OK(w);
    test::append_records(*w, kSeed, 0, n, max_len);
    ASSERT_OK(w->close());
  }
  SegmentCompressionOptions opts(std::uint64_t block = 16384) const {
    SegmentCompressionOptions o;
    o.seekable.block_size = block;
    return o;
  }
  test::ReadBack read_both(std::size_t max_len = 2000) {
    return test::read_back(dir(), kSeed, max_len, both_tiers());
  }
  std::uint64_t segments() {
    auto l = list_segments(dir());
    EXPECT_OK(l);
    return l->size();
  }
};

TEST_F(SegmentCompressionTest, CompressedLogReadsBackExactlyTheSameRecords) {
  write_log(1200);
  const auto before = read_both();
  ASSERT_EQ(before.seqs.size(), 1200u);
  const std::uint64_t n = segments();
  ASSERT_GE(n, 4u);
  for (std::uint64_t id = 0; id < n; ++id) {
    ASSERT_OK_AND_ASSIGN(auto r, compress_segment(dir(), id, opts()));
    EXPECT_LT(r.bytes_after, r.used_bytes);
    EXPECT_EQ(r.bytes_before, 64u * 1024);
    EXPECT_FALSE(test::exists(hot(id)));
    EXPECT_TRUE(test::exists(cold(id)));
    // Mixed tiers after every step.
    EXPECT_EQ(read_both().seqs, before.seqs) << "after compressing " << id;
  }
  // And back again.
  for (std::uint64_t id = 0; id < n; id += 2) {
    ASSERT_OK_AND_ASSIGN(auto r, decompress_segment(dir(), id, opts()));
    EXPECT_EQ(test::file_size(hot(id)), r.used_bytes);
    EXPECT_FALSE(test::exists(cold(id)));
  }
  EXPECT_EQ(read_both().seqs, before.seqs);
}

TEST_F(SegmentCompressionTest, OnlyTheUsedPrefixIsCompressedAndStockZstdRestoresIt) {
  write_log(100);
  const auto original = test::read_file(hot(0));
  SegmentHeader h;
  std::memcpy(&h, original.data(), sizeof h);
  ASSERT_OK(compress_segment(dir(), 0, opts(4096)));
  const std::string out = tmp_.sub("restored");
  ASSERT_EQ(std::system(("zstd -q -d -f '" + cold(0) + "' -o '" + out + "'").c_str()), 0);
  const auto restored = test::read_file(out);
  ASSERT_EQ(restored.size(), h.end_of_data);
  EXPECT_EQ(std::memcmp(restored.data(), original.data(), h.end_of_data), 0);
}

TEST_F(SegmentCompressionTest, UsedSizesAroundTheBlockSizeRoundTrip) {
  // F4: used bytes a multiple of the block size, one under, one over.
  for (std::uint64_t target : {8192ull, 8191ull + 1, 12288ull, 12280ull, 12296ull}) {
    std::filesystem::remove_all(dir());
    LogOptions o;
    o.segment_size = 64 * 1024;
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
    // One padding-free record fills the segment up to `target` bytes.
    const std::uint64_t payload = target - kSegmentHeaderSize - kRecordHeaderSize;
    ASSERT_EQ(payload % 8, 0u);
    ASSERT_OK(w.append(1, 1, std::vector<std::byte>(payload, std::byte{3})));
    ASSERT_OK(w.close());
    ASSERT_OK_AND_ASSIGN(auto r, compress_segment(dir(), 0, opts(4096)));
    EXPECT_EQ(r.used_bytes, target);
    EXPECT_EQ(r.frames, (target + 4095) / 4096);
    ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir(), both_tiers()));
    RecordView v;
    ASSERT_EQ(reader.next(v), Step::Record) << reader.status().error().to_string();
    EXPECT_EQ(v.payload.size(), payload);
    EXPECT_EQ(reader.next(v), Step::NothingYet) << reader.status().error().to_string();
  }
}

TEST_F(SegmentCompressionTest, SegmentWithNoRecordsRoundTrips) {
  {
    LogOptions o;
    o.segment_size = 64 * 1024;
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
    test::append_records(w, kSeed, 0, 1);
    ASSERT_OK(w.close());
  }
  // Segment 1 is created empty by the next writer and sealed empty by hand:
  // a zero-record sealed segment, as retention could leave.
  std::vector<std::byte> seg(64 * 1024);
  SegmentHeader h{};
  h.magic = kSegmentMagic;
  h.format_version = kSegmentFormatVersion;
  h.header_size = kSegmentHeaderSize;
  h.segment_id = 1;
  h.capacity = seg.size();
  h.base_seq = 1;
  h.identity_checksum = identity_checksum_of(h);
  std::memcpy(seg.data(), &h, sizeof h);
  publish_commit_release(seg.data() + kSegmentHeaderSize, kEndOfSegment);
  write_seal_block(seg.data(), kSegmentHeaderSize, 0, 0, 0);
  test::write_file(hot(1), std::vector<char>(reinterpret_cast<char*>(seg.data()),
                                             reinterpret_cast<char*>(seg.data()) + seg.size()));
  ASSERT_OK_AND_ASSIGN(auto r, compress_segment(dir(), 1, opts()));
  EXPECT_EQ(r.used_bytes, kSegmentHeaderSize);
  EXPECT_EQ(read_both().seqs, test::iota_seqs(0, 1));
}

TEST_F(SegmentCompressionTest, TheLiveSegmentIsNeverCompressed) {
  LogOptions o;
  o.segment_size = 64 * 1024;
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
  test::append_records(w, kSeed, 0, 5);
  const auto before = test::read_file(hot(0));
  auto r = compress_segment(dir(), 0, opts());
  EXPECT_ERROR(r, Errc::InvalidArgument);
  EXPECT_NE(r.error().message().find("not sealed"), std::string::npos);
  EXPECT_EQ(test::read_file(hot(0)), before);
  EXPECT_FALSE(test::exists(cold(0)));
}

// RELIABILITY J6: compress_segment/decompress_segment options and ids, and
// ColdSegment's read-ahead count; each refusal names the field and the value
// and leaves the log directory as it was.
TEST_F(SegmentCompressionTest, BadOptionsAndIdsAreRefusedNamingThem) {
  write_log(1200);
  ASSERT_GE(segments(), 3u);
  ASSERT_OK(compress_segment(dir(), 1, opts()));
  const auto listing = [&] {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir())) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  const auto before = listing();
  struct Case {
    const char* field;
    const char* value;
    SegmentCompressionOptions options;
  };
  std::vector<Case> cases;
  cases.push_back({"compression_block_size", "100", opts(100)});
  cases.push_back({"compression_block_size", "67108865", opts((64ull << 20) + 1)});
  cases.push_back({"compression level", "0", opts()});
  cases.back().options.seekable.codec.level = 0;
  cases.push_back({"compression level", "99", opts()});
  cases.back().options.seekable.codec.level = 99;
  cases.push_back({"file_mode", "666", opts()});
  cases.back().options.file_mode = 0666;
  for (const Case& k : cases) {
    auto r = compress_segment(dir(), 0, k.options);
    EXPECT_ERROR(r, Errc::InvalidArgument);
    EXPECT_NE(r.error().message().find(k.field), std::string::npos) << r.error().message();
    EXPECT_NE(r.error().message().find(k.value), std::string::npos) << r.error().message();
  }
  auto r = decompress_segment(dir(), 1, cases.back().options);
  EXPECT_ERROR(r, Errc::InvalidArgument);
  EXPECT_NE(r.error().message().find("file_mode 666"), std::string::npos) << r.error().message();
  // Ids that name no segment.
  for (auto* op : {&compress_segment, &decompress_segment}) {
    auto missing = (*op)(dir(), 4242, opts());
    EXPECT_ERROR(missing, Errc::NotFound);
    EXPECT_NE(missing.error().message().find("000004242"), std::string::npos)
        << missing.error().message();
  }
  EXPECT_EQ(listing(), before);

  // ColdReadOptions::read_ahead_frames: 0..kMaxReadAheadFrames.
  EXPECT_OK(ColdSegment::open(FileSystem::system(), cold(1), 1,
                              ColdReadOptions{kMaxReadAheadFrames}));
  for (const std::size_t ahead : {kMaxReadAheadFrames + 1, std::numeric_limits<std::size_t>::max()}) {
    auto c = ColdSegment::open(FileSystem::system(), cold(1), 1, ColdReadOptions{ahead});
    EXPECT_ERROR(c, Errc::InvalidArgument);
    EXPECT_NE(c.error().message().find("read_ahead_frames " + std::to_string(ahead)),
              std::string::npos)
        << c.error().message();
    auto u = UnifiedSegmentOpener(FileSystem::system(), ColdReadOptions{ahead}).open(dir(), 1);
    EXPECT_ERROR(u, Errc::InvalidArgument);
  }
}

TEST_F(SegmentCompressionTest, DamagedSourceIsNotCompressedAndStaysInPlace) {
  write_log(50);
  test::flip_bit(hot(0), kSegmentHeaderSize + 40, 2);
  const auto before = test::read_file(hot(0));
  auto r = compress_segment(dir(), 0, opts());
  EXPECT_ERROR(r, Errc::Corruption);
  EXPECT_EQ(test::read_file(hot(0)), before);
  EXPECT_FALSE(test::exists(cold(0)));
  for (const auto& e : std::filesystem::directory_iterator(dir())) {
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

TEST_F(SegmentCompressionTest, RunAfterACrashBetweenRenameAndUnlinkFinishesTheJob) {
  write_log(200);
  const auto before = read_both();
  // Produce the state: .q.zst complete next to the .q.
  ASSERT_OK(compress_segment(dir(), 0, opts()));
  const auto cold_bytes = test::read_file(cold(0));
  ASSERT_OK(decompress_segment(dir(), 0, opts()));
  test::write_file(cold(0), cold_bytes);
  EXPECT_EQ(read_both().seqs, before.seqs) << "both forms present: read once";
  ASSERT_OK_AND_ASSIGN(auto r, compress_segment(dir(), 0, opts()));
  EXPECT_TRUE(r.finished_earlier_run);
  EXPECT_FALSE(test::exists(hot(0)));
  EXPECT_EQ(read_both().seqs, before.seqs);
}

TEST_F(SegmentCompressionTest, ADamagedLeftoverColdFileIsReplacedNotTrusted) {
  write_log(200);
  const auto before = read_both();
  test::write_file(cold(0), std::vector<char>(1000, 'z'));
  ASSERT_OK_AND_ASSIGN(auto r, compress_segment(dir(), 0, opts()));
  EXPECT_FALSE(r.finished_earlier_run);
  EXPECT_EQ(read_both().seqs, before.seqs);
}

TEST_F(SegmentCompressionTest, DecompressRefusesWhenBothFormsDiffer) {
  write_log(200);
  ASSERT_OK(compress_segment(dir(), 0, opts()));
  ASSERT_OK(decompress_segment(dir(), 0, opts()));
  ASSERT_OK(compress_segment(dir(), 0, opts()));
  // A different hot file next to the cold one.
  std::filesystem::copy_file(cold(0), tmp_.sub("keep"));
  ASSERT_OK(decompress_segment(dir(), 0, opts()));
  test::flip_bit(hot(0), 500, 0);
  std::filesystem::copy_file(tmp_.sub("keep"), cold(0));
  EXPECT_ERROR(decompress_segment(dir(), 0, opts()), Errc::Corruption);
  EXPECT_TRUE(test::exists(hot(0)));
  EXPECT_TRUE(test::exists(cold(0)));
}

TEST_F(SegmentCompressionTest, StaleTempFilesAreRemovedAndNothingElse) {
  write_log(200);
  test::write_file(dir() + "/000000000.q.zst.tmp-123-abc", {'x'});
  test::write_file(dir() + "/000000001.q.tmp-9-ff", {'x'});
  test::write_file(dir() + "/unrelated.tmp-1", {'x'});
  ASSERT_EQ(::symlink(tmp_.sub("victim").c_str(), (dir() + "/000000002.q.zst.tmp-1-1").c_str()), 0);
  test::write_file(tmp_.sub("victim"), {'v'});
  ASSERT_OK_AND_ASSIGN(auto n, remove_stale_temp_files(dir(), FileSystem::system()));
  EXPECT_EQ(n, 3u);
  EXPECT_TRUE(test::exists(dir() + "/unrelated.tmp-1"));
  EXPECT_EQ(test::read_file(tmp_.sub("victim")), std::vector<char>{'v'});
  EXPECT_TRUE(test::exists(hot(0)));
}

TEST_F(SegmentCompressionTest, WriterReopensALogWhoseLastSegmentIsCold) {
  write_log(300);
  const std::uint64_t n = segments();
  for (std::uint64_t id = 0; id < n; ++id) ASSERT_OK(compress_segment(dir(), id, opts()));
  LogOptions o;
  o.segment_size = 64 * 1024;
  EXPECT_ERROR(SegmentWriter::open(dir(), o), Errc::Unsupported);
  o.opener = &UnifiedSegmentOpener::instance();
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
  EXPECT_EQ(w.next_seq(), 300u);
  EXPECT_EQ(w.segment_id(), n);
  test::append_records(w, kSeed, 300, 310);
  EXPECT_EQ(read_both().seqs, test::iota_seqs(0, 310));
}

TEST_F(SegmentCompressionTest, SeekSeqWorksOnColdSegments) {
  write_log(500);
  for (std::uint64_t id = 0; id < segments(); id += 2) ASSERT_OK(compress_segment(dir(), id, opts(4096)));
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir(), both_tiers()));
  RecordView v;
  for (std::uint64_t target : {0ull, 1ull, 99ull, 250ull, 377ull, 499ull, 3ull}) {
    ASSERT_OK(reader.seek_seq(target));
    ASSERT_EQ(reader.next(v), Step::Record) << reader.status().error().to_string();
    EXPECT_EQ(v.seq, target);
    const auto p = test::payload_for(kSeed, target, 2000);
    EXPECT_TRUE(std::equal(v.payload.begin(), v.payload.end(), p.begin(), p.end()));
  }
}

TEST_F(SegmentCompressionTest, ReadAtAndRecordsAreTheSameForBothTiers) {
  write_log(150);
  ASSERT_OK_AND_ASSIGN(auto hot_reader, UnifiedSegmentReader::open(dir(), 0));
  EXPECT_EQ(hot_reader.tier(), SegmentTier::Hot);
  ASSERT_TRUE(hot_reader.hot_bytes().has_value());
  const std::uint64_t used = hot_reader.header().end_of_data;
  std::vector<std::byte> from_hot(used);
  ASSERT_OK(hot_reader.read_at(0, from_hot));
  std::vector<std::uint64_t> hot_seqs;
  RecordView v;
  while (hot_reader.next(v) == CursorStep::Record) hot_seqs.push_back(v.seq);
  ASSERT_OK(compress_segment(dir(), 0, opts(4096)));
  ASSERT_OK_AND_ASSIGN(auto cold_reader, UnifiedSegmentReader::open(dir(), 0));
  EXPECT_EQ(cold_reader.tier(), SegmentTier::Cold);
  EXPECT_FALSE(cold_reader.hot_bytes().has_value());
  std::vector<std::byte> from_cold(used);
  ASSERT_OK(cold_reader.read_at(0, from_cold));
  EXPECT_EQ(from_cold, from_hot);
  std::vector<std::uint64_t> cold_seqs;
  CursorStep step;
  while ((step = cold_reader.next(v)) == CursorStep::Record) cold_seqs.push_back(v.seq);
  EXPECT_EQ(step, CursorStep::EndOfSegment) << cold_reader.error().to_string();
  EXPECT_EQ(cold_seqs, hot_seqs);
  std::vector<std::byte> past(2);
  EXPECT_ERROR(cold_reader.read_at(used - 1, past), Errc::InvalidArgument);
}

std::size_t thread_count() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// A cold segment set aside in a reader's cache is trimmed of its frames and
// of its read-ahead thread; reading it again, from anywhere, decompresses
// what it needs and gives the same records, with read-ahead or without.
TEST_F(SegmentCompressionTest, ATrimmedColdSegmentReadsTheSameRecordsAgain) {
  write_log(150);
  ASSERT_OK(compress_segment(dir(), 0, opts(4096)));
  const std::size_t threads = thread_count();
  for (const std::size_t ahead : {std::size_t{0}, std::size_t{2}}) {
    ASSERT_OK_AND_ASSIGN(auto cold_segment,
                         ColdSegment::open(FileSystem::system(), cold(0), 0, ColdReadOptions{ahead}));
    std::vector<std::pair<std::uint64_t, std::uint64_t>> first;  // offset, seq
    SegmentCursor cursor(std::move(cold_segment));
    RecordView v;
    while (cursor.next(v) == CursorStep::Record) first.emplace_back(cursor.offset(), v.seq);
    ASSERT_GT(first.size(), 10u);
    EXPECT_EQ(thread_count(), threads + (ahead > 0 ? 1 : 0)) << "ahead " << ahead;
    std::unique_ptr<SegmentSource> source = cursor.release_source();
    for (std::size_t from : {first.size() / 2, std::size_t{0}, first.size() - 1}) {
      source->trim();
      EXPECT_EQ(thread_count(), threads) << "ahead " << ahead << " from " << from;
      const std::uint64_t offset = from == 0 ? kSegmentHeaderSize : first[from - 1].first;
      SegmentCursor again(std::move(source), offset, first[from].second);
      for (std::size_t i = from; i < first.size(); ++i) {
        ASSERT_EQ(again.next(v), CursorStep::Record) << "ahead " << ahead << " from " << from;
        EXPECT_EQ(v.seq, first[i].second);
      }
      EXPECT_EQ(again.next(v), CursorStep::EndOfSegment);
      source = again.release_source();
    }
  }
}

TEST_F(SegmentCompressionTest, OpenerFallsBackWhenTheHotFileVanishes) {
  write_log(100);
  ASSERT_OK(compress_segment(dir(), 0, opts()));
  // Listing said .q (it was hot); the open finds only .q.zst: still one read.
  ASSERT_OK_AND_ASSIGN(auto r, UnifiedSegmentReader::open(dir(), 0));
  EXPECT_EQ(r.tier(), SegmentTier::Cold);
  std::filesystem::remove(cold(0));
  auto gone = UnifiedSegmentReader::open(dir(), 0);
  EXPECT_ERROR(gone, Errc::NotFound);
  EXPECT_NE(gone.error().message().find("neither"), std::string::npos);
}

TEST_F(SegmentCompressionTest, AReaderKeepsReadingASegmentReplacedUnderIt) {
  write_log(300);
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir(), both_tiers()));
  RecordView v;
  for (int i = 0; i < 10; ++i) ASSERT_EQ(reader.next(v), Step::Record);
  for (std::uint64_t id = 0; id < segments(); ++id) ASSERT_OK(compress_segment(dir(), id, opts()));
  std::uint64_t expected = 10;
  Step step;
  while ((step = reader.next(v)) == Step::Record) ASSERT_EQ(v.seq, expected++);
  EXPECT_EQ(step, Step::NothingYet) << reader.status().error().to_string();
  EXPECT_EQ(expected, 300u);
}

}  // namespace
}  // namespace chronicle
