// Three days x several symbols written through RollingWriters, some segments
// compressed, then queried with every filter kind and strategy; the results
// are compared with an in-memory model of what was written.
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/table.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kDay0 = 1'769'644'800'000'000'000ull;  // 2026-01-29
constexpr std::uint64_t kDayNs = 86'400'000'000'000ull;

struct Row {
  std::string symbol;
  std::int64_t date;
  std::uint64_t ts;
  std::uint64_t seq;
  std::uint16_t type;
  std::vector<std::byte> payload;
};

class TableQueryTest : public TempDirTest {
 protected:
  void SetUp() override {
    auto scheme = PartitionScheme::create(
        {{"symbol", KeyType::String, 0}, {"date", KeyType::Date, 0}, {"shard", KeyType::Int, 0}});
    ASSERT_OK(scheme);
    TableConfig c;
    c.segment_size = 16 * 1024;
    c.index_stride = 8;
    auto t = Table::create(tmp_.sub("t"), *scheme, c);
    ASSERT_OK(t);
    table_ = std::make_unique<Table>(*t);
    std::mt19937_64 rng(42);
    for (const std::string symbol : {"AAPL", "MSFT", "NVDA", "b%/..x"}) {
      for (std::int64_t shard : {9, 10}) {
        auto base = PartitionValues::create(table_->scheme(),
                                            {{"symbol", symbol}, {"date", Date{0}}, {"shard", shard}});
        ASSERT_OK(base);
        auto w = table_->rolling_writer(std::make_unique<DateRoller>("date"), *base);
        ASSERT_OK(w);
        std::map<std::int64_t, std::uint64_t> seqs;
        std::uint64_t ts = kDay0;
        while (ts < kDay0 + 3 * kDayNs) {
          // Coarse timestamps so that partitions tie often.
          ts += (1 + rng() % 60) * 60'000'000'000ull;
          if (ts >= kDay0 + 3 * kDayNs) break;
          Row r{symbol, static_cast<std::int64_t>(20482 + (ts - kDay0) / kDayNs), ts, 0,
                static_cast<std::uint16_t>(rng() % 3), std::vector<std::byte>(rng() % 300)};
          for (auto& b : r.payload) b = static_cast<std::byte>(rng());
          auto seq = w->append(r.type, r.ts, r.payload);
          ASSERT_OK(seq);
          r.seq = *seq;
          EXPECT_EQ(r.seq, seqs[r.date]++);
          rows_.push_back(std::move(r));
          shards_.push_back(shard);
        }
        ASSERT_OK(w->finish());
      }
    }
    // Compress every other sealed segment of every partition.
    SegmentCompressionOptions opts;
    opts.seekable.block_size = 4096;
    const auto parts = table_->partitions().value();
    for (const auto& p : parts) {
      const std::string dir = table_->root() + "/" + p.path;
      auto segments = list_segments(dir);
      ASSERT_OK(segments);
      for (std::size_t i = 0; i < segments->size(); i += 2) {
        ASSERT_OK(compress_segment(dir, (*segments)[i].id, opts));
      }
    }
  }

  using Key = std::tuple<std::uint64_t, std::size_t, std::uint64_t>;  // ts, partition, seq

  // The model's answer: rows matching `keep`, sorted by (ts, partition, seq).
  std::vector<Key> expected(const std::function<bool(const Row&, std::int64_t shard)>& keep,
                            const std::vector<PartitionInfo>& partitions, TimeRange range) {
    std::vector<Key> out;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const Row& r = rows_[i];
      if (!keep(r, shards_[i])) continue;
      if (range.from_ns && r.ts < *range.from_ns) continue;
      if (range.to_ns && r.ts >= *range.to_ns) continue;
      const auto values = PartitionValues::create(
          table_->scheme(), {{"symbol", r.symbol}, {"date", Date{r.date}}, {"shard", shards_[i]}});
      const auto it = std::find_if(partitions.begin(), partitions.end(),
                                   [&](const PartitionInfo& p) { return p.values == *values; });
      EXPECT_NE(it, partitions.end());
      out.emplace_back(r.ts, static_cast<std::size_t>(it - partitions.begin()), r.seq);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<Key> run(const PartitionFilter& filter, TimeRange range, MergeStrategy strategy,
                       std::vector<PartitionInfo>* partitions) {
    auto q = table_->query(filter, range, strategy);
    EXPECT_OK(q);
    std::vector<Key> out;
    TableRecord rec;
    Step step;
    while ((step = q->next(rec)) == Step::Record) {
      out.emplace_back(rec.record.timestamp_ns, rec.partition, rec.record.seq);
    }
    EXPECT_EQ(step, Step::NothingYet) << q->status().error().to_string();
    *partitions = q->partitions();
    return out;
  }

  void check(const PartitionFilter& filter, const std::function<bool(const Row&, std::int64_t)>& keep,
             TimeRange range = {}) {
    std::vector<PartitionInfo> partitions;
    const auto merged = run(filter, range, MergeStrategy::TimestampOrder, &partitions);
    const auto want = expected(keep, partitions, range);
    EXPECT_EQ(merged, want) << filter.to_string();
    auto sequential = run(filter, range, MergeStrategy::PartitionOrder, &partitions);
    // Partition after partition: sorted by partition, then seq.
    auto by_partition = want;
    std::sort(by_partition.begin(), by_partition.end(), [](const Key& a, const Key& b) {
      return std::tie(std::get<1>(a), std::get<2>(a)) < std::tie(std::get<1>(b), std::get<2>(b));
    });
    EXPECT_EQ(sequential, by_partition) << filter.to_string();
  }

  std::unique_ptr<Table> table_;
  std::vector<Row> rows_;
  std::vector<std::int64_t> shards_;
};

TEST_F(TableQueryTest, AllPartitionsMergedInTimestampOrderWithDeterministicTies) {
  check(PartitionFilter::all(), [](const Row&, std::int64_t) { return true; });
}

TEST_F(TableQueryTest, ExactInRangeAndNotFilters) {
  check(PartitionFilter::exact("symbol", "MSFT"), [](const Row& r, std::int64_t) { return r.symbol == "MSFT"; });
  check(PartitionFilter::in("symbol", {"AAPL", "b%/..x"}),
        [](const Row& r, std::int64_t) { return r.symbol == "AAPL" || r.symbol == "b%/..x"; });
  check(PartitionFilter::in("symbol", {}), [](const Row&, std::int64_t) { return false; });
  // Ints compare numerically: 9 < 10, although "10" < "9" as text.
  check(PartitionFilter::range("shard", PartitionValue(std::int64_t{10}), std::nullopt),
        [](const Row&, std::int64_t shard) { return shard >= 10; });
  check(PartitionFilter::range("date", Date{20483}, Date{20484}),
        [](const Row& r, std::int64_t) { return r.date >= 20483 && r.date <= 20484; });
  check(PartitionFilter::not_(PartitionFilter::exact("symbol", "NVDA")),
        [](const Row& r, std::int64_t) { return r.symbol != "NVDA"; });
}

TEST_F(TableQueryTest, AndOrCombinations) {
  check(PartitionFilter::and_({PartitionFilter::exact("symbol", "AAPL"),
                               PartitionFilter::or_({PartitionFilter::exact("date", Date{20482}),
                                                     PartitionFilter::exact("shard", PartitionValue(std::int64_t{9}))})}),
        [](const Row& r, std::int64_t shard) {
          return r.symbol == "AAPL" && (r.date == 20482 || shard == 9);
        });
}

TEST_F(TableQueryTest, TimeRangesAcrossDayBoundariesAndColdSegments) {
  const std::uint64_t from = kDay0 + kDayNs - 3'600'000'000'000ull;
  const std::uint64_t to = kDay0 + kDayNs + 7'200'000'000'000ull;
  check(PartitionFilter::all(), [](const Row&, std::int64_t) { return true; }, {from, to});
  check(PartitionFilter::exact("symbol", "MSFT"), [](const Row& r, std::int64_t) { return r.symbol == "MSFT"; },
        {from, std::nullopt});
  check(PartitionFilter::all(), [](const Row&, std::int64_t) { return true; }, {std::nullopt, kDay0 + 1});
  check(PartitionFilter::all(), [](const Row&, std::int64_t) { return true; }, {to, to});
}

TEST_F(TableQueryTest, PayloadsAreReadBackExactly) {
  auto q = table_->query(PartitionFilter::exact("symbol", "NVDA"));
  ASSERT_OK(q);
  TableRecord rec;
  std::size_t n = 0;
  std::map<std::tuple<std::uint64_t, std::uint64_t, std::int64_t>, const Row*> model;
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].symbol == "NVDA") model[{rows_[i].ts, rows_[i].seq, shards_[i]}] = &rows_[i];
  }
  while (q->next(rec) == Step::Record) {
    const auto& p = q->partitions()[rec.partition];
    const auto it = model.find({rec.record.timestamp_ns, rec.record.seq, p.values[2].as_int()});
    ASSERT_NE(it, model.end());
    EXPECT_EQ(rec.record.type_id, it->second->type);
    EXPECT_TRUE(std::equal(rec.record.payload.begin(), rec.record.payload.end(),
                           it->second->payload.begin(), it->second->payload.end()));
    ++n;
  }
  EXPECT_EQ(n, model.size());
}

TEST_F(TableQueryTest, PartitionInfoCountsEverySegmentAndRecord) {
  ASSERT_OK_AND_ASSIGN(auto parts, table_->partitions());
  EXPECT_EQ(parts.size(), 4u * 2 * 3);
  std::uint64_t records = 0;
  for (const auto& p : parts) {
    EXPECT_EQ(p.segment_count, p.hot_segments + p.cold_segments) << p.path;
    EXPECT_GT(p.cold_segments, 0u) << p.path;
    EXPECT_GT(p.bytes_on_disk, 0u);
    EXPECT_LE(p.min_timestamp_ns, p.max_timestamp_ns);
    records += p.record_count;
  }
  EXPECT_EQ(records, rows_.size());
  EXPECT_EQ(parts[0].path.find("symbol=AAPL/date=2026-01-29/shard=9"), 0u) << parts[0].path;
}

TEST_F(TableQueryTest, BadQueriesAreRefused) {
  EXPECT_ERROR(table_->query(PartitionFilter::exact("nope", "x")), Errc::InvalidArgument);
  EXPECT_ERROR(table_->query(PartitionFilter::exact("shard", "x")), Errc::InvalidArgument);
  EXPECT_ERROR(table_->query(PartitionFilter::all(), {10, 5}), Errc::InvalidArgument);
  auto empty = table_->query(PartitionFilter::exact("symbol", "NONE"));
  ASSERT_OK(empty);
  TableRecord rec;
  EXPECT_EQ(empty->next(rec), Step::NothingYet);
}

// query() and partitions(): each bad argument named in the message.
TEST_F(TableQueryTest, QueryAndPartitionsNameTheirBadArguments) {
  auto reversed = table_->query(PartitionFilter::all(), {10, 5});
  EXPECT_ERROR(reversed, Errc::InvalidArgument);
  EXPECT_NE(reversed.error().message().find("[10, 5)"), std::string::npos)
      << reversed.error().message();
  auto strategy = table_->query(PartitionFilter::all(), {}, static_cast<MergeStrategy>(7));
  EXPECT_ERROR(strategy, Errc::InvalidArgument);
  EXPECT_NE(strategy.error().message().find("merge strategy 7"), std::string::npos)
      << strategy.error().message();
  auto unknown = table_->partitions(PartitionFilter::exact("nope", "x"));
  EXPECT_ERROR(unknown, Errc::InvalidArgument);
  EXPECT_NE(unknown.error().message().find("nope"), std::string::npos) << unknown.error().message();
  auto typed = table_->partitions(PartitionFilter::exact("date", std::int64_t{5}));
  EXPECT_ERROR(typed, Errc::InvalidArgument);
  EXPECT_NE(typed.error().message().find("date"), std::string::npos) << typed.error().message();
}

}  // namespace
}  // namespace chronicle
