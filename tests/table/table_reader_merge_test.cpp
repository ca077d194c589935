// TableReader's TimestampOrder merge, at the edges of its tournament tree:
// every partition count from 1 to 9 (odd ones leave the tree unbalanced),
// random interleaving with many ties, a timestamp of UINT64_MAX (the largest
// a record may carry, which must still come before a drained partition), and
// live data: partitions that said NothingYet join the merge again when their
// writers append.
#include <chronicle/table/table.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
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
  void create_table(std::size_t partitions, const std::string& name = "t") {
    auto scheme = PartitionScheme::create({{"shard", KeyType::Int, 0}});
    ASSERT_OK(scheme);
    TableConfig config;
    config.segment_size = 64 * 1024;
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
