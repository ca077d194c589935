// A partition removed while a table is listed or queried (retention deletes
// whole partitions while analytics run): partitions() and query() leave it
// out instead of failing with NotFound.
#include <chronicle/table/table.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr int kPartitions = 16;
constexpr int kRecords = 10;

class PartitionRemovalRaceTest : public TempDirTest {
 protected:
  void SetUp() override {
    auto scheme = PartitionScheme::create({{"venue", KeyType::String, 0}, {"k", KeyType::Int, 0}});
    ASSERT_OK(scheme);
    TableConfig c;
    c.segment_size = 16 * 1024;
    ASSERT_OK(Table::create(root(), *scheme, c));
    ASSERT_OK_AND_ASSIGN(auto t, Table::open(root()));
    for (int k = 0; k < kPartitions; ++k) write(t, k);
  }
  std::string root() const { return tmp_.sub("t"); }
  // Partition k, each under a venue of its own so that removing it removes
  // a directory level above it too.
  static PartitionValues values(const Table& t, int k) {
    return PartitionValues::create(t.scheme(), {{"venue", "V" + std::to_string(k)}, {"k", k}})
        .value();
  }
  static void write(const Table& t, int k) {
    auto w = t.partition_writer(values(t, k));
    ASSERT_OK(w);
    for (int i = 0; i < kRecords; ++i) ASSERT_OK(w->append(1, 1000 + i, {}));
    ASSERT_OK(w->finish());
  }
};

TEST_F(PartitionRemovalRaceTest, ListingAndQueriesLeaveOutPartitionsRemovedMeanwhile) {
  std::atomic<bool> stop{false};
  std::thread remover([&] {
    auto t = Table::open(root());
    ASSERT_OK(t);
    for (int i = 0; !stop.load(); ++i) {
      const int k = i % kPartitions;
      std::filesystem::remove_all(root() + "/venue=V" + std::to_string(k));
      write(*t, k);
    }
  });
  ASSERT_OK_AND_ASSIGN(auto t, Table::open(root()));
  int listings = 0, queries = 0;
  for (int i = 0; i < 300; ++i) {
    ListOptions stats;
    stats.stats = true;
    auto listed = t.partitions(PartitionFilter::all(), stats);
    ASSERT_TRUE(listed.has_value()) << listed.error().to_string();
    EXPECT_LE(listed->size(), static_cast<std::size_t>(kPartitions));
    ++listings;
    auto q = t.query(PartitionFilter::all(), {.from_ns = 1005});
    ASSERT_TRUE(q.has_value()) << q.error().to_string();
    ++queries;
    TableRecord rec;
    while (q->next(rec) == Step::Record) {
      EXPECT_GE(rec.record.timestamp_ns, 1005u);
    }
  }
  stop = true;
  remover.join();
  EXPECT_EQ(listings, 300);
  EXPECT_EQ(queries, 300);
}

}  // namespace
}  // namespace chronicle
