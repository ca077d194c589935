// Out of descriptors (RELIABILITY C4): RLIMIT_NOFILE=24 in a forked child,
// against a table of 50 partitions. Readers close each descriptor right
// after mapping, so a merged query over all 50 needs none kept open; a
// writer keeps a few (lock, live segment, the next segment prepared ahead),
// so the writers that do not fit fail with Io (EMFILE) naming the file,
// leave nothing half-open, and succeed once others are closed.
#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <chronicle/table/table.hpp>

#include "support/child_process.hpp"
#include "support/process_resources.hpp"
#include "support/records.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSeed = 15;
constexpr int kPartitions = 50;
constexpr std::uint64_t kRecordsEach = 20;
constexpr rlim_t kDescriptorLimit = 24;

class DescriptorLimitTest : public TempDirTest {
 protected:
  void SetUp() override {
    auto scheme = PartitionScheme::create({{"symbol", KeyType::String, 0}});
    ASSERT_OK(scheme);
    TableConfig config;
    config.segment_size = 16 * 1024;
    auto table = Table::create(tmp_.sub("t"), *scheme, config);
    ASSERT_OK(table);
    table_ = std::make_unique<Table>(*table);
    for (int p = 0; p < kPartitions; ++p) {
      auto w = table_->partition_writer(values(p));
      ASSERT_OK(w);
      for (std::uint64_t i = 0; i < kRecordsEach; ++i) {
        // Partition p's records interleave with every other's in time.
        const std::uint64_t ts = test::timestamp_for(kSeed, 0) + i * 1000 + p;
        ASSERT_OK(w->append(1, ts, test::payload_for(kSeed, i, 200)));
      }
      ASSERT_OK(w->finish());
    }
  }

  PartitionValues values(int p) const {
    return PartitionValues::create(table_->scheme(), {{"symbol", "S" + std::to_string(p)}})
        .value();
  }

  // Reads every partition merged in time order; returns the record count.
  std::uint64_t read_merged() const {
    auto reader = table_->query(PartitionFilter::all());
    EXPECT_OK(reader);
    if (!reader) return 0;
    TableRecord r;
    std::uint64_t n = 0, last_ts = 0;
    while (reader->next(r) == Step::Record) {
      EXPECT_GE(r.record.timestamp_ns, last_ts);
      last_ts = r.record.timestamp_ns;
      ++n;
    }
    EXPECT_OK(reader->status());
    return n;
  }

  std::unique_ptr<Table> table_;
};

TEST_F(DescriptorLimitTest, AMergedQueryOverFiftyPartitionsNeedsNoDescriptorKeptOpen) {
  test::expect_child_passed(test::run_in_child([&] {
    test::ScopedLimit limit(RLIMIT_NOFILE, kDescriptorLimit);
    ASSERT_TRUE(limit.ok()) << "setrlimit(RLIMIT_NOFILE): " << std::strerror(errno);
    const int before = test::open_fd_count();
    auto reader = table_->query(PartitionFilter::all());
    ASSERT_OK(reader);
    EXPECT_EQ(test::open_fd_count(), before) << "the readers kept descriptors open";
    EXPECT_EQ(read_merged(), kPartitions * kRecordsEach);
  }));
}

TEST_F(DescriptorLimitTest, WritersBeyondTheLimitFailWithEmfileAndLeaveNothingHalfOpen) {
  test::expect_child_passed(test::run_in_child([&] {
    test::ScopedLimit limit(RLIMIT_NOFILE, kDescriptorLimit);
    ASSERT_TRUE(limit.ok()) << "setrlimit(RLIMIT_NOFILE): " << std::strerror(errno);
    std::vector<PartitionWriter> writers;
    int refused = -1;
    for (int p = 0; p < kPartitions && refused < 0; ++p) {
      auto w = table_->partition_writer(values(p));
      if (w) {
        writers.push_back(std::move(*w));
        continue;
      }
      refused = p;
      const Error& e = w.error();
      EXPECT_EQ(e.code(), Errc::Io) << e.to_string();
      EXPECT_EQ(e.sys_errno(), EMFILE) << e.to_string();
      const std::string partition = tmp_.sub("t/symbol=S" + std::to_string(p));
      EXPECT_NE(e.message().find(partition), std::string::npos) << e.message();
      // (Counting all descriptors would race with the other writers'
      // background preparation.)
      EXPECT_EQ(test::open_fds_under(partition + "/"), 0) << "the failed open kept descriptors";
    }
    ASSERT_GT(refused, 0) << "no writer fitted, or all 50 did";
    // (RecordProperty would be lost with the child.)
    std::printf("[ writers  ] %d fitted within %d descriptors\n", refused,
                static_cast<int>(kDescriptorLimit));
    // The writers that opened work; so does the refused partition once
    // they are closed, continuing its sequence.
    for (auto& w : writers) {
      EXPECT_OK(w.append(1, test::timestamp_for(kSeed, 100), {}));
      EXPECT_OK(w.finish());
    }
    writers.clear();
    auto again = table_->partition_writer(values(refused));
    ASSERT_OK(again);
    EXPECT_EQ(again->next_seq(), kRecordsEach);
    EXPECT_OK(again->append(1, test::timestamp_for(kSeed, 100), {}));
    EXPECT_OK(again->finish());
    for (const auto& e : std::filesystem::recursive_directory_iterator(table_->root())) {
      EXPECT_EQ(e.path().string().find(".prep"), std::string::npos) << "leftover " << e.path();
    }
    EXPECT_EQ(read_merged(), kPartitions * kRecordsEach + refused + 1);
  }));
}

}  // namespace
}  // namespace chronicle
