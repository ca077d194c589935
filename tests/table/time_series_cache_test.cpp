// TimeSeriesReader keeps the segments its seeks opened (TimeSeriesReaderOptions):
// seeking back to one opens nothing, the bounds are honoured, a kept segment
// whose file the lifecycle replaced or deleted is let go at the next
// directory listing, and a query's readers keep none.
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/reader/time_series_reader.hpp>
#include <chronicle/table/segment_index.hpp>
#include <chronicle/table/table.hpp>
#include <chronicle/table/writer/time_series_writer.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "support/process_resources.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

class CountingObserver final : public ReadObserver {
 public:
  void segment_opened(const std::string&, std::uint64_t id) noexcept override {
    std::lock_guard lock(mu_);
    ++opens_[id];
  }
  std::uint64_t total() const {
    std::lock_guard lock(mu_);
    std::uint64_t n = 0;
    for (const auto& [id, c] : opens_) n += c;
    return n;
  }
  std::size_t distinct() const {
    std::lock_guard lock(mu_);
    return opens_.size();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::uint64_t, std::uint64_t> opens_;
};

// Mappings of `path` after it was deleted.
int deleted_mappings_of(const std::string& path) {
  return test::mappings_naming(path + " (deleted)");
}

class TimeSeriesCacheTest : public test::TempDirTest {
 protected:
  std::string dir() const { return tmp_.sub("p"); }
  // `n` records of 100 bytes at timestamps 1000, 2000, ... in 8 KiB segments
  // (59 records each); returns the number of segments.
  std::size_t write(std::uint64_t n) {
    TimeSeriesOptions o;
    o.log.segment_size = 8192;
    o.index_stride = 4;
    auto w = TimeSeriesWriter::open(dir(), o);
    EXPECT_OK(w);
    for (std::uint64_t i = 0; i < n; ++i)
      EXPECT_OK(w->append(1, (i + 1) * 1000, std::vector<std::byte>(100)));
    EXPECT_OK(w->close());
    return list_segments(dir()).value().size();
  }
  // `seeks` seeks to random records; checks each lands on its record.
  void seek_randomly(TimeSeriesReader& reader, std::uint64_t records, int seeks) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < seeks; ++i) {
      const std::uint64_t k = rng() % records;
      ASSERT_OK_AND_ASSIGN(auto result, reader.seek_timestamp((k + 1) * 1000));
      ASSERT_EQ(result, SeekResult::Found);
      ASSERT_EQ(reader.next_seq(), k) << "seek " << i;
    }
  }
};

TEST_F(TimeSeriesCacheTest, OptionsOutOfRangeAreRefusedNamingThem) {
  write(10);
  const std::size_t over = TimeSeriesReaderOptions::kMaxCachedSegments + 1;
  for (const bool hot : {true, false}) {
    TimeSeriesReaderOptions o;
    (hot ? o.cached_hot_segments : o.cached_cold_segments) = over;
    EXPECT_ERROR(validate(o), Errc::InvalidArgument);
    auto r = TimeSeriesReader::open(dir(), nullptr, o);
    EXPECT_ERROR(r, Errc::InvalidArgument);
    const std::string message = r.error().message();
    EXPECT_NE(message.find(hot ? "cached_hot_segments" : "cached_cold_segments"), std::string::npos)
        << message;
    EXPECT_NE(message.find(std::to_string(over)), std::string::npos) << message;
  }
  EXPECT_OK(TimeSeriesReader::open(
      dir(), nullptr,
      {TimeSeriesReaderOptions::kMaxCachedSegments, TimeSeriesReaderOptions::kMaxCachedSegments}));
  EXPECT_OK(TimeSeriesReader::open(dir(), nullptr, {0, 0}));
}

// With room for every segment, 600 random seeks open each segment once; with
// room for two, most seeks open one again; with none, nearly every one does.
TEST_F(TimeSeriesCacheTest, SeeksBackOpenNothingWhenTheSegmentsAreKept) {
  const std::uint64_t records = 40 * 72;
  const std::size_t segments = write(records);
  ASSERT_GE(segments, 40u);
  for (const bool cold : {false, true}) {
    if (cold) {
      ASSERT_OK_AND_ASSIGN(const auto listed, list_segments(dir()));
      for (const SegmentEntry& e : listed) {
        ASSERT_OK(compress_segment(dir(), e.id, SegmentCompressionOptions{}));
      }
    }
    std::uint64_t opens[3] = {};
    const std::size_t room[3] = {64, 2, 0};
    for (int i = 0; i < 3; ++i) {
      auto observer = std::make_shared<CountingObserver>();
      TimeSeriesReaderOptions o;
      (cold ? o.cached_cold_segments : o.cached_hot_segments) = room[i];
      ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir(), observer, o));
      seek_randomly(reader, records, 600);
      opens[i] = observer->total();
      if (i == 0) {
        EXPECT_EQ(opens[0], observer->distinct()) << (cold ? "cold" : "hot");
        EXPECT_LE(opens[0], segments);
      }
    }
    EXPECT_GT(opens[1], 400u) << (cold ? "cold" : "hot");
    EXPECT_GT(opens[2], opens[1]) << (cold ? "cold" : "hot");
  }
}

TEST_F(TimeSeriesCacheTest, AKeptHotSegmentCompressedMeanwhileIsLetGoAtTheNextListing) {
  const std::uint64_t records = 5 * 72;
  ASSERT_GE(write(records), 5u);
  ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir()));
  ASSERT_OK_AND_ASSIGN(auto in_first, reader.seek_timestamp(10 * 1000));  // segment 0
  ASSERT_EQ(in_first, SeekResult::Found);
  ASSERT_OK_AND_ASSIGN(auto in_third, reader.seek_timestamp(150 * 1000));  // segment 2: 0 is kept
  ASSERT_EQ(in_third, SeekResult::Found);
  const std::string hot0 = segment_path(dir(), 0);
  ASSERT_OK(compress_segment(dir(), 0, SegmentCompressionOptions{}));
  EXPECT_EQ(deleted_mappings_of(hot0), 1) << "the kept segment holds the deleted file";
  // A seek past the end lists the directory again.
  ASSERT_OK_AND_ASSIGN(auto past, reader.seek_timestamp((records + 1) * 1000));
  EXPECT_EQ(past, SeekResult::EndOfLog);
  EXPECT_EQ(deleted_mappings_of(hot0), 0);
  // Segment 0 is now read in its cold form.
  ASSERT_OK_AND_ASSIGN(auto back, reader.seek_timestamp(10 * 1000));
  EXPECT_EQ(back, SeekResult::Found);
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(v.seq, 9u);
}

// The cold form of a segment restored to hot by decompress_segment, and a
// hot or cold segment deleted (as retention does), are let go the same way.
TEST_F(TimeSeriesCacheTest, AKeptSegmentDecompressedOrDeletedMeanwhileIsLetGoAtTheNextListing) {
  const std::uint64_t records = 5 * 72;
  ASSERT_GE(write(records), 5u);
  enum class Change { Decompressed, ColdDeleted, HotDeleted };
  // Segments 1, 2 and 3 in turn, so that each case finds its segment whole.
  std::uint64_t id = 1;
  for (const Change change : {Change::Decompressed, Change::ColdDeleted, Change::HotDeleted}) {
    const bool cold = change != Change::HotDeleted;
    SCOPED_TRACE(change == Change::Decompressed ? "decompressed"
                 : cold                         ? "cold deleted"
                                                : "hot deleted");
    if (cold) ASSERT_OK(compress_segment(dir(), id, SegmentCompressionOptions{}));
    ASSERT_OK_AND_ASSIGN(auto reader, TimeSeriesReader::open(dir()));
    // A record in segment `id` (59 records each), then one in the last: `id` is kept.
    ASSERT_OK_AND_ASSIGN(auto in_segment, reader.seek_timestamp((id * 59 + 10) * 1000));
    ASSERT_EQ(in_segment, SeekResult::Found);
    ASSERT_EQ(reader.next_seq(), id * 59 + 9);
    ASSERT_OK_AND_ASSIGN(auto in_last, reader.seek_timestamp(records * 1000));
    ASSERT_EQ(in_last, SeekResult::Found);
    const std::string file = segment_path(dir(), id, cold ? SegmentTier::Cold : SegmentTier::Hot);
    if (change == Change::Decompressed) {
      ASSERT_OK(decompress_segment(dir(), id, SegmentCompressionOptions{}));
    } else {
      ASSERT_EQ(std::remove(file.c_str()), 0);
    }
    EXPECT_EQ(deleted_mappings_of(file), 1) << "the kept segment holds the deleted file";
    ASSERT_OK_AND_ASSIGN(auto past, reader.seek_timestamp((records + 1) * 1000));
    EXPECT_EQ(past, SeekResult::EndOfLog);
    EXPECT_EQ(deleted_mappings_of(file), 0);
    ++id;
  }
}

// A query holds a reader per partition, each seeking once to the range's
// start: the segments that seek opened on its way (here every one, with no
// index to skip them) are not kept, or a query over thousands of partitions
// would hold many mappings per partition.
TEST_F(TimeSeriesCacheTest, AQuerysReadersKeepOnlyTheSegmentTheyReadFrom) {
  ASSERT_OK_AND_ASSIGN(auto scheme, PartitionScheme::create({{"symbol", KeyType::String, 0}}));
  TableConfig config;
  config.segment_size = 8192;
  ASSERT_OK_AND_ASSIGN(auto table, Table::create(tmp_.sub("t"), scheme, config));
  ASSERT_OK_AND_ASSIGN(auto values, PartitionValues::create(scheme, {{"symbol", "AAPL"}}));
  ASSERT_OK_AND_ASSIGN(auto writer, table.partition_writer(values));
  const std::uint64_t records = 30 * 72;
  for (std::uint64_t i = 0; i < records; ++i) {
    ASSERT_OK(writer.append(1, (i + 1) * 1000, std::vector<std::byte>(100)));
  }
  ASSERT_OK(writer.finish());
  ASSERT_OK_AND_ASSIGN(const auto partitions, table.partitions());
  ASSERT_EQ(partitions.size(), 1u);
  const std::string partition = table.root() + "/" + partitions[0].path;
  ASSERT_OK_AND_ASSIGN(const auto segments, list_segments(partition));
  ASSERT_GE(segments.size(), 30u);
  for (const SegmentEntry& e : segments) std::remove(segment_index_path(partition, e.id).c_str());

  ASSERT_OK_AND_ASSIGN(auto query,
                       table.query(PartitionFilter::all(), {records * 1000, std::nullopt}));
  EXPECT_EQ(test::mappings_naming(partition + "/"), 1) << "segments kept after the seek";
  TableRecord rec;
  ASSERT_EQ(query.next(rec), Step::Record);
  EXPECT_EQ(rec.record.seq, records - 1);
  // A reader of its own keeps them, for seeks to come.
  ASSERT_OK_AND_ASSIGN(auto reader, table.reader(values));
  ASSERT_OK_AND_ASSIGN(auto at_end, reader.seek_timestamp(records * 1000));
  EXPECT_EQ(at_end, SeekResult::Found);
  EXPECT_GE(test::mappings_naming(partition + "/"), 30);
}

}  // namespace
}  // namespace chronicle
