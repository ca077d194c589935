// Fault injection on the cold paths (RELIABILITY C1, D3, G1, K1): every
// file-system call of compress_segment, decompress_segment, Table::create, a
// lifecycle run and an access-tracker flush fails in turn. After each: the
// records read back exactly once, nothing is left half-done that the next
// clean run does not finish, and metadata is either absent or complete.
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/lifecycle/access_tracker.hpp>
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/table/segment_index.hpp>

#include <gtest/gtest.h>

#include <filesystem>

#include "lifecycle/lifecycle_fixture.hpp"
#include "support/fault_sweep.hpp"
#include "support/files.hpp"

namespace chronicle {
namespace {

using test::LifecycleTest;

class ColdPathFaultTest : public LifecycleTest {
 protected:
  // A closed partition log to copy before every run.
  void SetUp() override {
    make_table(1, 300);
    std::filesystem::copy(root(), tmp_.sub("seed"), std::filesystem::copy_options::recursive);
    before_ = all_records();
    ASSERT_GE(segments(0).size(), 2u);
  }
  void restore() {
    std::filesystem::remove_all(root());
    std::filesystem::copy(tmp_.sub("seed"), root(), std::filesystem::copy_options::recursive);
  }
  // Records read once each, whatever mix of tiers the fault left; the next
  // clean run leaves no temp file.
  void expect_intact(const std::string& what) {
    EXPECT_EQ(all_records(), before_) << what;
    ASSERT_OK(remove_stale_temp_files(dir(0), FileSystem::system()));
    for (const auto& e : std::filesystem::directory_iterator(dir(0))) {
      EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << what << ": " << e.path();
    }
  }
  std::vector<std::pair<std::size_t, std::uint64_t>> before_;
};

TEST_F(ColdPathFaultTest, CompressSegment) {
  const int points = test::sweep_faults(
      tmp_.path(), [&] { restore(); },
      [&](FileSystem& fs) {
        SegmentCompressionOptions o;
        o.fs = &fs;
        o.seekable.block_size = 4096;
        auto r = compress_segment(dir(0), 0, o);
        return r ? Status() : Status(r.error());
      },
      [&](const std::string& what) {
        expect_intact(what);
        // A clean rerun finishes the job.
        auto again = compress_segment(dir(0), 0);
        EXPECT_TRUE(again || again.error().code() == Errc::NotFound) << what;
        EXPECT_FALSE(test::exists(segment_path(dir(0), 0))) << what;
        EXPECT_TRUE(test::exists(segment_path(dir(0), 0, SegmentTier::Cold))) << what;
        EXPECT_EQ(all_records(), before_) << what;
      });
  RecordProperty("fault_points", points);
  EXPECT_GT(points, 20);
}

TEST_F(ColdPathFaultTest, DecompressSegment) {
  ASSERT_OK(compress_segment(dir(0), 0));
  std::filesystem::remove_all(tmp_.sub("seed"));
  std::filesystem::copy(root(), tmp_.sub("seed"), std::filesystem::copy_options::recursive);
  const int points = test::sweep_faults(
      tmp_.path(), [&] { restore(); },
      [&](FileSystem& fs) {
        SegmentCompressionOptions o;
        o.fs = &fs;
        auto r = decompress_segment(dir(0), 0, o);
        return r ? Status() : Status(r.error());
      },
      [&](const std::string& what) {
        expect_intact(what);
        auto again = decompress_segment(dir(0), 0);
        EXPECT_TRUE(again || again.error().code() == Errc::NotFound) << what;
        EXPECT_TRUE(test::exists(segment_path(dir(0), 0))) << what;
        EXPECT_FALSE(test::exists(segment_path(dir(0), 0, SegmentTier::Cold))) << what;
        EXPECT_EQ(all_records(), before_) << what;
      });
  RecordProperty("fault_points", points);
  EXPECT_GT(points, 10);
}

TEST_F(ColdPathFaultTest, LifecycleRunWithRetention) {
  const int points = test::sweep_faults(
      tmp_.path(), [&] { restore(); },
      [&](FileSystem& fs) {
        LifecycleConfig c;
        c.policy = CompressionPolicy::immediate();
        c.fs = &fs;
        auto m = StorageLifecycleManager::open(root(), c);
        if (!m) return Status(m.error());
        auto stats = m->run_once();
        if (!stats) return Status(stats.error());
        // Per-segment errors are in the stats, each naming its path.
        for (const auto& e : stats->errors) EXPECT_NE(e.path.find(root()), std::string::npos);
        return Status();
      },
      [&](const std::string& what) {
        EXPECT_EQ(all_records(), before_) << what;
        LifecycleConfig c;
        c.policy = CompressionPolicy::immediate();
        auto m = StorageLifecycleManager::open(root(), c);
        ASSERT_OK(m);
        ASSERT_OK_AND_ASSIGN(auto stats, m->run_once());
        EXPECT_TRUE(stats.errors.empty()) << what << ": " << stats.to_string();
        EXPECT_EQ(count_files(".q"), 0u) << what;
        EXPECT_EQ(count_files(".q.zst"), segments(0).size()) << what;
        EXPECT_EQ(all_records(), before_) << what;
      });
  RecordProperty("fault_points", points);
  EXPECT_GT(points, 20);
}

// An index file left without its segment would be taken for the index of
// the next segment of that id, once the partition is written again. Deleting
// segments (retention by age) or whole partitions, with every file-system
// call failing in turn, never leaves one.
TEST_F(ColdPathFaultTest, RetentionNeverLeavesAnIndexWithoutItsSegment) {
  const auto orphan_indexes = [&] {
    std::vector<std::uint64_t> orphans;
    if (!test::exists(dir(0))) return orphans;
    auto ids = list_segment_indexes(dir(0));
    EXPECT_OK(ids);
    if (!ids) return orphans;
    for (std::uint64_t id : *ids) {
      if (!test::exists(segment_path(dir(0), id, SegmentTier::Hot)) &&
          !test::exists(segment_path(dir(0), id, SegmentTier::Cold))) {
        orphans.push_back(id);
      }
    }
    return orphans;
  };
  // The segment files are renamed after the copy, so that a directory read
  // on tmpfs (newest first) lists them before their indexes: deleting in
  // listing order would then leave an index behind at a failed unlink.
  const auto restore_segments_first = [&] {
    restore();
    for (const auto& e : std::filesystem::directory_iterator(dir(0))) {
      if (e.path().extension() != ".q") continue;
      const std::string moved = e.path().string() + ".moved";
      std::filesystem::rename(e.path(), moved);
      std::filesystem::rename(moved, e.path());
    }
  };
  // Restored files are new: the clock moves past every age.
  clock_.set(test::kNow + 365 * kNanosPerDay);
  for (const bool whole_partitions : {false, true}) {
    LifecycleStats clean;
    const auto run = [&](FileSystem& fs) {
      LifecycleConfig c;
      c.policy = CompressionPolicy::never();
      if (whole_partitions) {
        c.retention.delete_partitions_after_days = 5;
      } else {
        c.retention.max_age_days = 5;
      }
      c.fs = &fs;
      c.clock = &clock_;
      auto m = StorageLifecycleManager::open(root(), c);
      if (!m) return Status(m.error());
      auto stats = m->run_once();
      if (!stats) return Status(stats.error());
      clean = *stats;  // per-segment errors are in the stats
      return Status();
    };
    const int points = test::sweep_faults(
        tmp_.path(), restore_segments_first, run, [&](const std::string& what) {
          EXPECT_EQ(orphan_indexes(), std::vector<std::uint64_t>{}) << what;
        });
    EXPECT_GT(points, 3) << "whole partitions: " << whole_partitions;
    restore_segments_first();
    ASSERT_OK(run(FileSystem::system()));
    EXPECT_GT(whole_partitions ? clean.deleted_partitions : clean.deleted_segments, 0u)
        << clean.to_string();
  }
}

TEST_F(ColdPathFaultTest, TableCreateLeavesNoTableOrACompleteOne) {
  const std::string root2 = tmp_.sub("t2");
  const auto scheme = PartitionScheme::create({{"k", KeyType::Int, 0}}).value();
  const int points = test::sweep_faults(
      tmp_.path(), [&] { std::filesystem::remove_all(root2); },
      [&](FileSystem& fs) {
        auto t = Table::create(root2, scheme, {}, fs);
        return t ? Status() : Status(t.error());
      },
      [&](const std::string& what) {
        auto t = Table::open(root2);
        EXPECT_TRUE(t || t.error().code() == Errc::NotFound) << what << ": " << t.error().to_string();
        if (t) {
          EXPECT_EQ(t->scheme(), scheme) << what;
        }
      });
  EXPECT_GT(points, 5);
}

TEST_F(ColdPathFaultTest, AccessTrackerFlushNeverLeavesADamagedFile) {
  ASSERT_OK_AND_ASSIGN(auto seed, AccessTracker::create({std::chrono::milliseconds(0), &clock_}));
  seed->segment_opened(dir(0), 0);
  ASSERT_OK(seed->flush());
  const auto good = test::read_file(dir(0) + "/.access");
  const int points = test::sweep_faults(
      tmp_.path(), [&] { test::write_file(dir(0) + "/.access", good); },
      [&](FileSystem& fs) -> Status {
        auto t = AccessTracker::create({std::chrono::milliseconds(0), &clock_, &fs});
        if (!t) return std::move(t).error();
        (*t)->segment_opened(dir(0), 1);
        return (*t)->flush();
      },
      [&](const std::string& what) {
        auto loaded = AccessTracker::load(dir(0));
        ASSERT_OK(loaded);
        EXPECT_EQ((*loaded)[0].read_count, 1u) << what;
      });
  EXPECT_GT(points, 3);
}

}  // namespace
}  // namespace chronicle
