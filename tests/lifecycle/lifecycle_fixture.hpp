#pragma once
// A table with a few partitions of several sealed segments each, whose
// segment files' modification times the test sets, and a manual clock.

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/table.hpp>

#include "support/manual_clock.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle::test {

inline constexpr std::uint64_t kNow = 1'800'000'000'000'000'000ull;

class LifecycleTest : public TempDirTest {
 protected:
  std::string root() const { return tmp_.sub("t"); }

  // `partitions` partitions (symbol=S0..), each with `records` records in
  // 16 KiB segments, closed (every segment sealed). Record i has timestamp
  // first_ts + i * step_ns.
  void make_table(int partitions, int records, TableConfig config = {},
                  std::uint64_t first_ts = kNow - 10 * kNanosPerDay, std::uint64_t step_ns = 1000) {
    config.segment_size = 16 * 1024;
    auto scheme = PartitionScheme::create({{"symbol", KeyType::String, 0}});
    ASSERT_OK(scheme);
    auto t = Table::create(root(), *scheme, config);
    ASSERT_OK(t);
    table_ = std::make_unique<Table>(*t);
    for (int p = 0; p < partitions; ++p) {
      auto w = table_->partition_writer(values(p));
      ASSERT_OK(w);
      for (int i = 0; i < records; ++i) {
        ASSERT_OK(w->append(1, first_ts + static_cast<std::uint64_t>(i) * step_ns,
                            std::vector<std::byte>(200, std::byte{static_cast<unsigned char>(i)})));
      }
      ASSERT_OK(w->finish());
    }
  }
  PartitionValues values(int p) const {
    return PartitionValues::create(table_->scheme(), {{"symbol", "S" + std::to_string(p)}}).value();
  }
  std::string dir(int p) const { return root() + "/symbol=S" + std::to_string(p); }
  std::vector<SegmentEntry> segments(int p) const { return list_segments(dir(p)).value(); }

  // Sets the modification time of every segment file of the table.
  void set_mtimes(std::uint64_t ns) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(root())) {
      const std::string name = e.path().filename().string();
      if (name.ends_with(".q") || name.ends_with(".q.zst")) {
        const timespec ts[2] = {{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)},
                                {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)}};
        ::utimensat(AT_FDCWD, e.path().c_str(), ts, AT_SYMLINK_NOFOLLOW);
      }
    }
  }
  std::uint64_t count_files(const std::string& suffix) const {
    std::uint64_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root())) {
      if (e.path().filename().string().ends_with(suffix)) ++n;
    }
    return n;
  }
  StorageLifecycleManager manager(LifecycleConfig config) {
    config.clock = &clock_;
    auto m = StorageLifecycleManager::open(root(), config);
    EXPECT_OK(m);
    return std::move(*m);
  }
  // Every record of the table, in order, read through a query.
  std::vector<std::pair<std::size_t, std::uint64_t>> all_records() {
    std::vector<std::pair<std::size_t, std::uint64_t>> out;
    auto q = table_->query(PartitionFilter::all(), {}, MergeStrategy::PartitionOrder);
    EXPECT_OK(q);
    TableRecord rec;
    Step step;
    while ((step = q->next(rec)) == Step::Record) out.emplace_back(rec.partition, rec.record.seq);
    EXPECT_EQ(step, Step::NothingYet) << q->status().error().to_string();
    return out;
  }

  ManualClock clock_{kNow};
  std::unique_ptr<Table> table_;
};

}  // namespace chronicle::test
