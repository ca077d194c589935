// TimeSeriesWriter's index and TimeSeriesReader's seeks, checked against a
// brute-force scan on hot, cold and mixed partitions.
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/reader/time_series_reader.hpp>
#include <chronicle/table/writer/time_series_writer.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <random>

#include "support/fault_fs.hpp"
#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

struct Written {
  std::uint64_t seq;
  std::uint64_t ts;
};

class TimeSeriesTest : public TempDirTest {
 protected:
  std::string dir() const { return tmp_.sub("p"); }
  TimeSeriesOptions opts(std::uint32_t stride = 4) const {
    TimeSeriesOptions o;
    o.log.segment_size = 8192;
    o.index_stride = stride;
    return o;
  }
  // Writes n records with runs of equal timestamps longer than the stride.
  std::vector<Written> write(std::uint64_t n, std::uint32_t stride = 4, std::uint64_t seed = 1) {
    auto w = TimeSeriesWriter::open(dir(), opts(stride));
    EXPECT_OK(w);
    std::mt19937_64 rng(seed);
    std::vector<Written> out;
    std::uint64_t ts = 1'000'000;
    for (std::uint64_t i = 0; i < n; ++i) {
      if (rng() % 3 == 0) ts += 1 + rng() % 1000;  // runs of equal timestamps
      auto seq = w->append(1, ts, std::vector<std::byte>(rng() % 100));
      EXPECT_OK(seq);
      out.push_back({*seq, ts});
    }
    EXPECT_OK(w->close());
    return out;
  }
  // The brute-force answer: index of the first record with ts >= target.
  static std::size_t first_at_or_after(const std::vector<Written>& all, std::uint64_t target) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].ts >= target) return i;
    }
    return all.size();
  }
  void check_seeks(const std::vector<Written>& all, const std::string& what) {
    ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir()));
    std::vector<std::uint64_t> targets = {
        0,          all.front().ts - 1, all.front().ts, all.back().ts, all.back().ts + 1,
        UINT64_MAX, INT64_MAX};
    for (const auto& w : all) {
      if (w.seq % 7 == 0) {
        targets.push_back(w.ts);
        targets.push_back(w.ts + 1);
        targets.push_back(w.ts - 1);
      }
    }
    for (std::uint64_t target : targets) {
      ASSERT_OK_AND_ASSIGN(auto result, reader.seek_timestamp(target));
      const std::size_t want = first_at_or_after(all, target);
      RecordView v;
      const Step step = reader.next(v);
      if (want == all.size()) {
        EXPECT_EQ(result, SeekResult::EndOfLog) << what << " target " << target;
        EXPECT_EQ(step, Step::NothingYet) << what << " target " << target;
        continue;
      }
      EXPECT_EQ(result, target < all.front().ts ? SeekResult::BeforeStart : SeekResult::Found)
          << what << " target " << target;
      ASSERT_EQ(step, Step::Record)
          << what << " target " << target << ": " << reader.status().error().to_string();
      EXPECT_EQ(v.seq, all[want].seq) << what << " target " << target;
      EXPECT_EQ(v.timestamp_ns, all[want].ts);
    }
  }
};

TEST_F(TimeSeriesTest, WritesAnIndexPerSealedSegment) {
  const auto all = write(400, 4);
  ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir()));
  ASSERT_GE(segments.size(), 3u);
  std::uint64_t records = 0;
  for (const auto& s : segments) {
    ASSERT_OK_AND_ASSIGN(auto index, read_segment_index(FileSystem::system(), dir(), s.id));
    EXPECT_EQ(index.stride, 4u);
    EXPECT_EQ(index.entries.size(), (index.record_count + 3) / 4);
    EXPECT_EQ(index.entries.front().seq, index.base_seq);
    EXPECT_EQ(index.entries.front().offset, kSegmentHeaderSize);
    EXPECT_TRUE(index.ordered);
    records += index.record_count;
  }
  EXPECT_EQ(records, all.size());
}

TEST_F(TimeSeriesTest, SeeksMatchABruteForceScanHotColdAndMixed) {
  const auto all = write(600, 4);
  check_seeks(all, "hot");
  ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir()));
  SegmentCompressionOptions c;
  c.seekable.block_size = 4096;
  for (std::size_t i = 0; i < segments.size(); i += 2)
    ASSERT_OK(compress_segment(dir(), segments[i].id, c));
  check_seeks(all, "mixed");
  for (std::size_t i = 1; i < segments.size(); i += 2)
    ASSERT_OK(compress_segment(dir(), segments[i].id, c));
  check_seeks(all, "cold");
}

TEST_F(TimeSeriesTest, EqualTimestampsLongerThanTheStrideSeekToTheFirst) {
  auto w = TimeSeriesWriter::open(dir(), opts(2));
  ASSERT_OK(w);
  std::vector<Written> all;
  for (std::uint64_t i = 0; i < 50; ++i) {
    const std::uint64_t ts = i < 5 ? 100 : (i < 45 ? 200 : 300);
    ASSERT_OK_AND_ASSIGN(auto seq, w->append(1, ts, std::vector<std::byte>(200)));
    all.push_back({seq, ts});
  }
  ASSERT_OK(w->close());
  check_seeks(all, "runs");
  ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir()));
  ASSERT_OK(reader.seek_timestamp(200));
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(v.seq, 5u);
}

TEST_F(TimeSeriesTest, DamagedOrMissingIndexesMakeSeeksSlowerNeverWrong) {
  const auto all = write(500, 4);
  ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir()));
  ASSERT_GE(segments.size(), 4u);
  // Missing, truncated, another segment's, and an index whose entries lie.
  std::filesystem::remove(segment_index_path(dir(), segments[0].id));
  test::truncate_file(segment_index_path(dir(), segments[1].id), 70);
  std::filesystem::copy_file(segment_index_path(dir(), segments[3].id),
                             segment_index_path(dir(), segments[2].id),
                             std::filesystem::copy_options::overwrite_existing);
  ASSERT_OK_AND_ASSIGN(auto lying, read_segment_index(FileSystem::system(), dir(), segments[3].id));
  for (auto& e : lying.entries) e.offset += 8;  // points into the middle of records
  ASSERT_OK(write_segment_index(FileSystem::system(), dir(), lying, 0644, false));
  check_seeks(all, "damaged indexes");
}

// RELIABILITY J6: each TimeSeriesOptions field with a range (a writer
// opened outside a table gets the ranges of TableConfig::validate()); the
// message names the field and the value, and nothing is created.
TEST_F(TimeSeriesTest, OpenRefusesEveryBadOptionNamingIt) {
  struct Case {
    const char* field;
    const char* value;
    std::function<void(TimeSeriesOptions&)> set;
  };
  const std::vector<Case> cases = {
      {"index_stride", "0", [](TimeSeriesOptions& o) { o.index_stride = 0; }},
      {"index_stride", "1048577", [](TimeSeriesOptions& o) { o.index_stride = (1u << 20) + 1; }},
      {"timestamp_order", "2",
       [](TimeSeriesOptions& o) { o.timestamp_order = static_cast<TimestampOrder>(2); }},
      {"segment_size", "4095", [](TimeSeriesOptions& o) { o.log.segment_size = 4095; }},
      {"file_mode", "662", [](TimeSeriesOptions& o) { o.log.file_mode = 0662; }},
  };
  for (const Case& k : cases) {
    TimeSeriesOptions o = opts();
    k.set(o);
    EXPECT_ERROR(validate(o), Errc::InvalidArgument);
    auto w = TimeSeriesWriter::open(dir(), o);
    EXPECT_ERROR(w, Errc::InvalidArgument);
    const std::string message = w.error().message();
    EXPECT_NE(message.find(k.field), std::string::npos) << k.field << ": " << message;
    EXPECT_NE(message.find(k.value), std::string::npos) << k.field << ": " << message;
    EXPECT_FALSE(test::exists(dir())) << k.field << " " << k.value;
  }
  TimeSeriesOptions o = opts();
  o.index_stride = 1u << 20;
  EXPECT_OK(validate(o));
}

TEST_F(TimeSeriesTest, ReaderOpenRefusesAMissingDirectoryAndAFile) {
  auto missing = TimeSeriesReader::open(dir());
  EXPECT_ERROR(missing, Errc::NotFound);
  EXPECT_NE(missing.error().message().find(dir()), std::string::npos) << missing.error().message();
  test::write_file(dir(), {'x'});
  auto file = TimeSeriesReader::open(dir());
  EXPECT_ERROR(file, Errc::InvalidArgument);
  EXPECT_NE(file.error().message().find("not a directory"), std::string::npos)
      << file.error().message();
}

TEST_F(TimeSeriesTest, StrictOrderRefusesABackwardTimestampNamingBoth) {
  ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), opts()));
  ASSERT_OK(w.append(1, 500, {}));
  auto r = w.append(1, 499, {});
  EXPECT_ERROR(r, Errc::InvalidArgument);
  EXPECT_NE(r.error().message().find("499"), std::string::npos);
  EXPECT_NE(r.error().message().find("500"), std::string::npos);
  ASSERT_OK(w.append(1, 500, {}));  // equal is fine
  EXPECT_EQ(w.next_seq(), 2u);
}

TEST_F(TimeSeriesTest, StrictOrderHoldsAcrossReopen) {
  {
    ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), opts()));
    ASSERT_OK(w.append(1, 500, {}));
  }
  ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), opts()));
  EXPECT_EQ(w.last_timestamp(), std::optional<std::uint64_t>(500));
  EXPECT_ERROR(w.append(1, 10, {}), Errc::InvalidArgument);
}

TEST_F(TimeSeriesTest, PermissiveOrderFlagsTheSegmentAndSeeksStillMatchBruteForce) {
  TimeSeriesOptions o = opts();
  o.timestamp_order = TimestampOrder::Permissive;
  std::vector<Written> all;
  {
    ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), o));
    std::mt19937_64 rng(9);
    for (int i = 0; i < 300; ++i) {
      const std::uint64_t ts = 1000 + rng() % 5000;
      ASSERT_OK_AND_ASSIGN(auto seq, w.append(1, ts, std::vector<std::byte>(rng() % 120)));
      all.push_back({seq, ts});
    }
  }
  ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir()));
  ASSERT_OK_AND_ASSIGN(auto index, read_segment_index(FileSystem::system(), dir(), segments[0].id));
  EXPECT_FALSE(index.ordered);
  // "First record in sequence order with ts >= target".
  ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir()));
  for (std::uint64_t target = 900; target < 6100; target += 97) {
    ASSERT_OK(reader.seek_timestamp(target));
    const std::size_t want = first_at_or_after(all, target);
    RecordView v;
    const Step step = reader.next(v);
    if (want == all.size()) {
      EXPECT_EQ(step, Step::NothingYet);
    } else {
      ASSERT_EQ(step, Step::Record);
      EXPECT_EQ(v.seq, all[want].seq) << target;
    }
  }
}

TEST_F(TimeSeriesTest, AMissingIndexIsRebuiltWhenTheWriterReopens) {
  write(300, 4);
  ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir()));
  const std::string idx = segment_index_path(dir(), segments[0].id);
  const auto before = test::read_file(idx);
  std::filesystem::remove(idx);
  { ASSERT_OK(TimeSeriesWriter::open(dir(), opts(4))); }
  EXPECT_EQ(test::read_file(idx), before);
}

// A partition deleted by a run that stopped part-way can leave index files
// without their segments. Written again, the partition reuses those ids: the
// writer removes the old indexes at open, so no seek takes them for the new
// segments' (they described records 100.., the new ones hold 1000..).
TEST_F(TimeSeriesTest, IndexesLeftFromAnEarlierPartitionAreRemovedAtOpen) {
  write(300, 4);
  ASSERT_OK_AND_ASSIGN(auto old_segments, list_segments(dir()));
  ASSERT_GE(old_segments.size(), 3u);
  for (const SegmentEntry& e : old_segments) std::filesystem::remove(segment_path(dir(), e.id));
  ASSERT_OK_AND_ASSIGN(auto left, list_segment_indexes(dir()));
  ASSERT_EQ(left.size(), old_segments.size());

  ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), opts()));
  ASSERT_OK_AND_ASSIGN(auto now_left, list_segment_indexes(dir()));
  EXPECT_TRUE(now_left.empty());
  // A reader that summarizes the live segment before the writer rolls, and
  // fresh readers after it rolled and after it reopened, all find 1005.
  ASSERT_OK(w.append(1, 1000, std::vector<std::byte>(64)));
  ASSERT_OK_AND_ASSIGN(auto early, TimeSeriesReader::open(dir()));
  ASSERT_OK(early.seek_timestamp(0));
  std::vector<Written> all = {{0, 1000}};
  for (std::uint64_t ts = 1001; ts < 1300; ++ts) {
    ASSERT_OK_AND_ASSIGN(auto seq, w.append(1, ts, std::vector<std::byte>(64)));
    all.push_back({seq, ts});
  }
  ASSERT_OK(w.close());
  ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir()));
  for (TimeSeriesReader* r : {&early, &reader}) {
    ASSERT_OK_AND_ASSIGN(auto found, r->seek_timestamp(1005));
    EXPECT_EQ(found, SeekResult::Found);
    RecordView v;
    ASSERT_EQ(r->next(v), Step::Record);
    EXPECT_EQ(v.timestamp_ns, 1005u);
  }
  check_seeks(all, "rewritten partition");
}

// The append that rolls has written its record before the sealed segment's
// index is written: a failure of that write does not fail the append (a
// caller retrying it would write the record twice). The segment is read by
// scanning, close() reports the failure after writing the live segment's
// index, and the next writer writes the missing index.
TEST_F(TimeSeriesTest, AFailedIndexWriteAtARollDoesNotFailTheAppend) {
  test::FaultFs fs;
  TimeSeriesOptions o = opts();
  o.log.fs = &fs;
  ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), o));
  fs.fail(FsOp::Pwrite, 1, ENOSPC);  // the first index write
  std::vector<Written> all;
  for (std::uint64_t ts = 1000; ts < 1300; ++ts) {
    ASSERT_OK_AND_ASSIGN(auto seq, w.append(1, ts, std::vector<std::byte>(64)));
    EXPECT_EQ(seq, all.size());
    all.push_back({seq, ts});
  }
  ASSERT_GE(w.log().segment_id(), 2u);
  EXPECT_FALSE(test::exists(segment_index_path(dir(), 0)));
  EXPECT_TRUE(test::exists(segment_index_path(dir(), 1)));
  EXPECT_OK(w.sync());  // the records are durable all the same
  TimeSeriesWriter moved = std::move(w);  // the failure moves with the writer
  auto reported = moved.close();
  EXPECT_ERROR(reported, Errc::NoSpace);
  EXPECT_NE(reported.error().message().find(".idx"), std::string::npos) << reported.error().to_string();
  EXPECT_OK(moved.close());  // reported once
  check_seeks(all, "index of segment 0 missing");
  ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir()));
  for (const SegmentEntry& e : segments) {
    if (e.id == 0) continue;
    EXPECT_TRUE(read_segment_index(FileSystem::system(), dir(), e.id).has_value()) << e.id;
  }
  { ASSERT_OK(TimeSeriesWriter::open(dir(), opts())); }
  ASSERT_OK_AND_ASSIGN(auto rebuilt, read_segment_index(FileSystem::system(), dir(), 0));
  EXPECT_EQ(rebuilt.base_seq, 0u);
  EXPECT_EQ(rebuilt.min_timestamp_ns, 1000u);
}

// A writer reopening a partition whose last segment is sealed takes the
// last timestamp from that segment's index, or, when the index is missing
// and the segment compressed (so not rebuilt), from its sealed header: the
// order of the next record is checked either way.
TEST_F(TimeSeriesTest, OrderIsCheckedAfterACompressedSegmentThatLostItsIndex) {
  const auto all = write(300, 4);
  ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir()));
  const std::uint64_t last = segments.back().id;
  std::filesystem::remove(segment_index_path(dir(), last));
  SegmentCompressionOptions c;
  c.seekable.block_size = 4096;
  ASSERT_OK(compress_segment(dir(), last, c));
  TimeSeriesOptions o = opts();
  o.log.opener = &UnifiedSegmentOpener::instance();  // as a Table's writers have
  ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), o));
  EXPECT_EQ(w.last_timestamp(), std::optional<std::uint64_t>(all.back().ts));
  auto early = w.append(1, all.back().ts - 1, {});
  EXPECT_ERROR(early, Errc::InvalidArgument);
  ASSERT_OK(w.append(1, all.back().ts, {}));
}

// RELIABILITY S8: an index file is read whole, so one over 256 MiB is
// refused unread (a sparse file costs no disk), and a file under the cap
// that is not an index is refused on its header, before its body is read.
TEST_F(TimeSeriesTest, OversizedOrForeignIndexFilesAreRefusedUnread) {
  std::filesystem::create_directories(dir());
  const std::string idx = segment_index_path(dir(), 0);
  test::write_file(idx, {});
  std::filesystem::resize_file(idx, 64 + 24 * std::uint64_t{11'184'808} + 8);  // 1 entry over
  auto big = read_segment_index(FileSystem::system(), dir(), 0);
  EXPECT_ERROR(big, Errc::Corruption);
  EXPECT_NE(big.error().message().find("at most 11184807 entries"), std::string::npos)
      << big.error().to_string();
  EXPECT_NE(big.error().message().find(idx), std::string::npos) << big.error().to_string();

  std::filesystem::resize_file(idx, 64 + 24 * std::uint64_t{1'000'000} + 8);  // zeros
  struct PreadLengths : FileSystem {
    std::vector<std::uint64_t> lens;
    void observe(const FsCall& call) override {
      if (call.op == FsOp::Pread) lens.push_back(call.len);
    }
  } fs;
  auto zeros = read_segment_index(fs, dir(), 0);
  EXPECT_ERROR(zeros, Errc::Corruption);
  EXPECT_NE(zeros.error().message().find("not a chronicle segment index"), std::string::npos)
      << zeros.error().to_string();
  EXPECT_EQ(fs.lens, std::vector<std::uint64_t>{64});
}

TEST_F(TimeSeriesTest, ExtremeTimestampsAreStoredAndFound) {
  ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), opts()));
  std::vector<Written> all;
  for (std::uint64_t ts : std::vector<std::uint64_t>{0, 0, 1, INT64_MAX, UINT64_MAX}) {
    ASSERT_OK_AND_ASSIGN(auto seq, w.append(1, ts, {}));
    all.push_back({seq, ts});
  }
  ASSERT_OK(w.close());
  check_seeks(all, "extremes");
}

TEST_F(TimeSeriesTest, LiveSegmentIsSeekedByScanning) {
  ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), opts()));
  std::vector<Written> all;
  for (std::uint64_t i = 0; i < 30; ++i) {
    ASSERT_OK_AND_ASSIGN(auto seq, w.append(1, 1000 + i * 10, std::vector<std::byte>(50)));
    all.push_back({seq, 1000 + i * 10});
  }
  check_seeks(all, "live");
  ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir()));
  ASSERT_OK_AND_ASSIGN(auto r, reader.seek_timestamp(5000));
  EXPECT_EQ(r, SeekResult::EndOfLog);
  RecordView v;
  EXPECT_EQ(reader.next(v), Step::NothingYet);
  ASSERT_OK(w.append(1, 6000, {}));
  ASSERT_EQ(reader.next(v), Step::Record);  // tails from the end
  EXPECT_EQ(v.timestamp_ns, 6000u);
}

// The reader keeps its listing and segment summaries between seeks; a seek
// past what it knows lists the directory again and finds segments written
// since.
TEST_F(TimeSeriesTest, SeeksFindSegmentsWrittenAfterTheReaderCachedItsListing) {
  ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), opts()));
  std::vector<Written> all;
  auto append = [&](std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t ts = 1000 + all.size() * 10;
      ASSERT_OK_AND_ASSIGN(auto seq, w.append(1, ts, std::vector<std::byte>(60)));
      all.push_back({seq, ts});
    }
  };
  append(200);
  ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir()));
  ASSERT_OK_AND_ASSIGN(auto r, reader.seek_timestamp(all[50].ts));
  EXPECT_EQ(r, SeekResult::Found);
  append(400);  // several more segments
  ASSERT_OK_AND_ASSIGN(auto listed, list_segments(dir()));
  ASSERT_GE(listed.size(), 5u);
  for (const std::size_t want :
       {std::size_t{550}, std::size_t{60}, std::size_t{420}, std::size_t{599}}) {
    ASSERT_OK_AND_ASSIGN(r, reader.seek_timestamp(all[want].ts));
    EXPECT_EQ(r, SeekResult::Found);
    RecordView v;
    ASSERT_EQ(reader.next(v), Step::Record);
    EXPECT_EQ(v.seq, all[want].seq);
  }
  ASSERT_OK_AND_ASSIGN(r, reader.seek_timestamp(all.back().ts + 1));
  EXPECT_EQ(r, SeekResult::EndOfLog);
  append(1);
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(v.seq, all.back().seq);
}

// A partition deleted under a reader (retention): what the reader holds
// stays readable, and a seek beyond it is a clear NotFound, not stale data.
TEST_F(TimeSeriesTest, SeekBeyondWhatTheReaderHoldsAfterThePartitionIsDeletedIsNotFound) {
  const auto all = write(300, 4);
  ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir()));
  ASSERT_GE(segments.size(), 3u);
  ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir()));
  ASSERT_OK_AND_ASSIGN(auto r, reader.seek_timestamp(all[5].ts));
  ASSERT_EQ(r, SeekResult::Found);
  std::filesystem::remove_all(dir());
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(v.seq, all[first_at_or_after(all, all[5].ts)].seq);
  EXPECT_ERROR(reader.seek_timestamp(all.back().ts), Errc::NotFound);
}

// A seek that runs into damage in the segment the reader is in reports it
// and leaves the reader where it was.
TEST_F(TimeSeriesTest, DamageFoundBySeekingInTheCurrentSegmentLeavesTheReaderInPlace) {
  const auto all = write(300, 4);
  ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir()));
  std::filesystem::remove(segment_index_path(dir(), segments[0].id));  // scan from the start
  ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir()));
  RecordView v;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(reader.next(v), Step::Record);
  // Damage the payload of record 10, in segment 0.
  std::uint64_t offset = kSegmentHeaderSize;
  ASSERT_OK_AND_ASSIGN(auto probe, LogReader::open(dir()));
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(probe.next(v), Step::Record);
    offset = probe.cursor().offset();
  }
  test::flip_bit(segment_path(dir(), segments[0].id), offset + kRecordHeaderSize, 0);
  auto r = reader.seek_timestamp(all[12].ts);
  EXPECT_ERROR(r, Errc::Corruption);
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(v.seq, 3u);
}

// A record appended after the seek scanned the live segment but before the
// seek returned must not be skipped: EndOfLog leaves the reader where its
// scan ended, not at whatever the end is a moment later. The observer stands
// in for a concurrent writer: it appends on any open of a segment that
// follows the seek's own summary and scan (the old implementation reopened
// segments to find the end).
TEST_F(TimeSeriesTest, EndOfLogDoesNotSkipRecordsAppendedDuringTheSeek) {
  ASSERT_OK_AND_ASSIGN(auto w, TimeSeriesWriter::open(dir(), opts()));
  for (std::uint64_t i = 0; i < 30; ++i) ASSERT_OK(w.append(1, 1000 + i, {}));
  struct AppendingObserver : ReadObserver {
    TimeSeriesWriter* writer = nullptr;
    int opens = 0;
    std::uint64_t next_ts = 6000;
    void segment_opened(const std::string&, std::uint64_t) noexcept override {
      if (writer != nullptr && ++opens > 2) {
        EXPECT_TRUE(writer->append(1, next_ts++, {}).has_value());
      }
    }
  };
  auto observer = std::make_shared<AppendingObserver>();
  ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir(), observer));
  observer->writer = &w;
  ASSERT_OK_AND_ASSIGN(auto r, reader.seek_timestamp(5000));
  EXPECT_EQ(r, SeekResult::EndOfLog);
  observer->writer = nullptr;
  ASSERT_OK(w.append(1, 9000, {}));
  std::vector<std::uint64_t> seen;
  RecordView v;
  while (reader.next(v) == Step::Record) seen.push_back(v.timestamp_ns);
  std::vector<std::uint64_t> expected;
  for (std::uint64_t ts = 6000; ts < observer->next_ts; ++ts) expected.push_back(ts);
  expected.push_back(9000);
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace chronicle
