// TableReader's TimestampOrder merge, at the edges of its tournament tree:
// every partition count from 1 to 9 (odd ones leave the tree unbalanced),
// random interleaving with many ties, a timestamp of UINT64_MAX (the largest
// a record may carry, which must still come before a drained partition), and
// live data: partitions that said NothingYet join the merge again when their
// writers append; time ranges over ordered and unordered partitions.
#include <chronicle/table/table.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;
using Key = std::tuple<std::uint64_t, std::size_t, std::uint64_t>;  // ts, partition, seq

class TableReaderMergeTest : public TempDirTest {
 protected:
  void create_table(std::size_t partitions, const std::string& name = "t",
                    TimestampOrder order = TimestampOrder::Strict) {
    auto scheme = PartitionScheme::create({{"shard", KeyType::Int, 0}});
    ASSERT_OK(scheme);
    TableConfig config;
    config.segment_size = 64 * 1024;
    config.timestamp_order = order;
    auto t = Table::create(tmp_.sub(name), *scheme, config);
    ASSERT_OK(t);
    table_ = std::make_unique<Table>(*t);
    for (std::size_t p = 0; p < partitions; ++p) {
      // Shards 10, 11, ... so that partition order (by value) is p's order.
      auto values = PartitionValues::create(table_->scheme(),
                                            {{"shard", static_cast<std::int64_t>(10 + p)}});
      ASSERT_OK(values);
      auto w = table_->partition_writer(*values);
      ASSERT_OK(w);
      writers_.push_back(std::move(*w));
    }
  }

  void append(std::size_t partition, std::uint64_t ts) {
    auto seq = writers_[partition].append(1, ts, std::vector<std::byte>(8));
    ASSERT_OK(seq);
    written_.emplace_back(ts, partition, *seq);
  }

  // Reads until NothingYet.
  std::vector<Key> drain(TableReader& reader) {
    std::vector<Key> out;
    TableRecord r;
    Step step;
    while ((step = reader.next(r)) == Step::Record) {
      out.emplace_back(r.record.timestamp_ns, r.partition, r.record.seq);
    }
    EXPECT_EQ(step, Step::NothingYet) << reader.status().error().to_string();
    return out;
  }

  std::vector<Key> sorted_written() const {
    std::vector<Key> all = written_;
    std::sort(all.begin(), all.end());
    return all;
  }

  // What a query of [from, to) must return: each partition from its first
  // record (in seq order) with ts >= from, its records in range, merged by
  // always taking the head with the smallest (ts, partition). For ordered
  // partitions that is written_ sorted and cut to the range.
  std::vector<Key> model_merge(std::size_t partitions, TimeRange range) const {
    std::vector<std::vector<Key>> in_range(partitions);
    std::vector<bool> started(partitions, !range.from_ns);
    for (const Key& k : written_) {  // in append order, so in seq order per partition
      const auto [ts, p, seq] = k;
      started[p] = started[p] || ts >= *range.from_ns;
      if (!started[p] || (range.from_ns && ts < *range.from_ns)) continue;
      if (range.to_ns && ts >= *range.to_ns) continue;
      in_range[p].push_back(k);
    }
    std::vector<Key> out;
    std::vector<std::size_t> at(partitions, 0);
    for (;;) {
      std::optional<std::size_t> best;
      for (std::size_t p = 0; p < partitions; ++p) {
        if (at[p] < in_range[p].size() &&
            (!best || std::get<0>(in_range[p][at[p]]) < std::get<0>(in_range[*best][at[*best]]))) {
          best = p;
        }
      }
      if (!best) return out;
      out.push_back(in_range[*best][at[*best]++]);
    }
  }

  std::unique_ptr<Table> table_;
  std::vector<PartitionWriter> writers_;
  std::vector<Key> written_;
};

TEST_F(TableReaderMergeTest, EveryPartitionCountMergesRandomInterleavingWithTies) {
  for (std::size_t k = 1; k <= 9; ++k) {
    SCOPED_TRACE("partitions: " + std::to_string(k));
    writers_.clear();
    written_.clear();
    create_table(k, "t" + std::to_string(k));
    std::mt19937_64 rng(k);
    std::vector<std::uint64_t> ts(k, 1'000);
    for (int i = 0; i < 3'000; ++i) {
      const std::size_t p = rng() % k;
      ts[p] += rng() % 3;  // ties within and across partitions
      append(p, ts[p]);
    }
    auto q = table_->query(PartitionFilter::all(), {}, MergeStrategy::TimestampOrder);
    ASSERT_OK(q);
    EXPECT_EQ(drain(*q), sorted_written());
  }
}

// The merge takes a record straight into the tree when its timestamp lies
// well inside the range and leaves every other case (the range's ends, a
// record before `from` in an unordered partition, UINT64_MAX) to the exact
// check: each range here puts records on both sides of both ends.
TEST_F(TableReaderMergeTest, TimeRangesCutOrderedAndUnorderedPartitionsExactly) {
  const std::vector<TimeRange> ranges = {
      {}, {100, std::nullopt}, {std::nullopt, 200}, {100, 200}, {150, 150}, {0, 1}};
  for (const TimestampOrder order : {TimestampOrder::Strict, TimestampOrder::Permissive}) {
    SCOPED_TRACE(std::string(timestamp_order_name(order)));
    writers_.clear();
    written_.clear();
    create_table(4, std::string("t-") + std::string(timestamp_order_name(order)), order);
    std::mt19937_64 rng(7);
    std::vector<std::uint64_t> ts(4, 0);
    for (int i = 0; i < 2'000; ++i) {
      const std::size_t p = rng() % 4;
      // Ordered: steps of 0-1, ending near 240 (so every range below cuts
      // them on both sides). Unordered: anywhere in 0..1000.
      ts[p] = order == TimestampOrder::Strict ? ts[p] + rng() % 2 : rng() % 1'000;
      append(p, ts[p]);
    }
    append(1, UINT64_MAX);
    for (auto& w : writers_) ASSERT_OK(w.flush());
    for (const TimeRange& range : ranges) {
      SCOPED_TRACE("from " + (range.from_ns ? std::to_string(*range.from_ns) : "-") + " to " +
                   (range.to_ns ? std::to_string(*range.to_ns) : "-"));
      auto q = table_->query(PartitionFilter::all(), range, MergeStrategy::TimestampOrder);
      ASSERT_OK(q);
      EXPECT_EQ(drain(*q), model_merge(4, range));
    }
  }
}

TEST_F(TableReaderMergeTest, TheLargestTimestampStillComesBeforeADrainedPartition) {
  create_table(3);
  append(2, UINT64_MAX);
  append(0, 5);
  append(0, UINT64_MAX);
  append(1, 7);
  auto q = table_->query(PartitionFilter::all(), {}, MergeStrategy::TimestampOrder);
  ASSERT_OK(q);
  EXPECT_EQ(drain(*q), (std::vector<Key>{{5, 0, 0}, {7, 1, 0}, {UINT64_MAX, 0, 1},
                                         {UINT64_MAX, 2, 0}}));
}

TEST_F(TableReaderMergeTest, DrainedPartitionsJoinAgainWhenTheirWritersAppend) {
  create_table(5);
  for (std::size_t p = 0; p < 5; ++p) append(p, 100 + p);
  auto q = table_->query(PartitionFilter::all(), {}, MergeStrategy::TimestampOrder);
  ASSERT_OK(q);
  EXPECT_EQ(drain(*q), sorted_written());

  // Two of the five have more; the rest stay drained.
  written_.clear();
  append(3, 200);
  append(1, 200);
  append(3, 201);
  ASSERT_OK(writers_[1].flush());
  ASSERT_OK(writers_[3].flush());
  EXPECT_EQ(drain(*q), (std::vector<Key>{{200, 1, 1}, {200, 3, 1}, {201, 3, 2}}));

  // Then all of them, each once more.
  written_.clear();
  for (std::size_t p = 5; p-- > 0;) append(p, 300 - p);
  EXPECT_EQ(drain(*q), sorted_written());
  TableRecord r;
  EXPECT_EQ(q->next(r), Step::NothingYet);
}

}  // namespace
}  // namespace chronicle
