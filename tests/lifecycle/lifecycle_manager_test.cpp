#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>

#include <chronicle/compression/seekable_reader.hpp>
#include <chronicle/core/temp_name.hpp>
#include <chronicle/lifecycle/access_tracker.hpp>
#include <chronicle/table/segment_index.hpp>

#include "lifecycle/lifecycle_fixture.hpp"
#include "support/fault_fs.hpp"
#include "support/files.hpp"
#include "support/tree_hash.hpp"

namespace chronicle {
namespace {

using test::kNow;
using test::LifecycleTest;
constexpr std::uint64_t kDay = kNanosPerDay;

TEST_F(LifecycleTest, ImmediateCompressesEverySealedSegmentAndReadsStayTheSame) {
  make_table(3, 300);
  const auto before = all_records();
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  EXPECT_EQ(stats.partitions_scanned, 3u);
  EXPECT_EQ(stats.compressed, stats.segments_scanned);
  EXPECT_EQ(stats.eligible, stats.compressed);
  EXPECT_TRUE(stats.errors.empty()) << stats.to_string();
  EXPECT_LT(stats.bytes_after, stats.bytes_before);
  EXPECT_EQ(count_files(".q"), 0u);
  EXPECT_EQ(all_records(), before);
}

// A scan reads a segment's seal block only when a decision looks at record
// times (age_after, age-based retention); otherwise just the newest
// segment's, the only one that may be unsealed. Counted through the seam.
TEST_F(LifecycleTest, AScanReadsOlderSealBlocksOnlyWhenRecordTimesMatter) {
  make_table(3, 300);
  std::uint64_t older = 0;
  for (int p = 0; p < 3; ++p) older += segments(p).size() - 1;
  ASSERT_GE(older, 6u);
  auto preads = [&](CompressionPolicy policy) {
    test::FaultFs fs;
    LifecycleConfig c;
    c.policy = policy;
    c.fs = &fs;
    auto m = manager(c);
    fs.reset_counts();
    auto stats = m.run_once();
    EXPECT_OK(stats);
    EXPECT_EQ(stats->compressed, 0u);
    return static_cast<std::uint64_t>(fs.count(FsOp::Pread));
  };
  const std::uint64_t never = preads(CompressionPolicy::never());
  const std::uint64_t by_age = preads(CompressionPolicy::age_after(365));
  EXPECT_EQ(by_age - never, older) << "never " << never << ", age_after " << by_age;
}

// A manager keeps the seal blocks it read: a second scan of an unchanged
// table reads none (a stat each instead), and a file changed since (new
// modification time, or replaced by another inode) is read again.
TEST_F(LifecycleTest, ALaterScanRereadsOnlySealBlocksOfChangedFiles) {
  make_table(3, 300);
  std::uint64_t hot = 0;
  for (int p = 0; p < 3; ++p) hot += segments(p).size();
  test::FaultFs fs;
  LifecycleConfig c;
  c.policy = CompressionPolicy::age_after(365);
  c.fs = &fs;
  auto m = manager(c);
  auto preads = [&] {
    fs.reset_counts();
    auto stats = m.run_once();
    EXPECT_OK(stats);
    EXPECT_EQ(stats->compressed, 0u);
    EXPECT_EQ(stats->segments_scanned, hot);
    return static_cast<std::uint64_t>(fs.count(FsOp::Pread));
  };
  const std::uint64_t first = preads();
  const std::uint64_t second = preads();
  EXPECT_EQ(first - second, hot) << "first scan " << first << " preads, second " << second;

  const std::string touched = segment_path(dir(0), segments(0)[1].id, SegmentTier::Hot);
  const timespec ts[2] = {{1'000'000, 0}, {1'000'000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, touched.c_str(), ts, 0), 0);
  const std::string replaced = segment_path(dir(1), segments(1)[0].id, SegmentTier::Hot);
  std::filesystem::copy_file(replaced, replaced + ".copy");
  std::filesystem::rename(replaced + ".copy", replaced);
  EXPECT_EQ(preads(), second + 2);
  EXPECT_EQ(preads(), second);

  // What the cache answers is what the headers say: once the clock passes
  // the records' age, every segment is eligible.
  clock_.set(kNow + 400 * kDay);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  EXPECT_EQ(stats.compressed, hot);
}

TEST_F(LifecycleTest, RunningTwiceCompressesNothingTheSecondTime) {
  make_table(2, 300);
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  auto m = manager(c);
  ASSERT_OK(m.run_once());
  ASSERT_OK_AND_ASSIGN(auto second, m.run_once());
  EXPECT_EQ(second.compressed, 0u);
  EXPECT_EQ(second.eligible, 0u);
  EXPECT_EQ(second.skipped["cold"], second.segments_scanned);
}

TEST_F(LifecycleTest, AgeAfterIsDecidedByRecordTimestampsOnTheInjectedClock) {
  // Every record at kNow - 2 days: the newest is exactly 2 days old at kNow.
  make_table(1, 300, {}, kNow - 2 * kDay, 0);
  set_mtimes(kNow);  // the seal time does not matter
  LifecycleConfig c;
  c.policy = CompressionPolicy::age_after(2);
  clock_.set(kNow - 1);  // 2 days - 1 ns after the records
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto early, m.run_once());
  EXPECT_EQ(early.compressed, 0u);
  EXPECT_EQ(early.skipped["not_eligible"], early.segments_scanned);
  clock_.set(kNow);
  ASSERT_OK_AND_ASSIGN(auto on_time, m.run_once());
  EXPECT_EQ(on_time.compressed, on_time.segments_scanned);
}

TEST_F(LifecycleTest, TheTablesPolicyAppliesUnlessOverridden) {
  TableConfig tc;
  tc.compression_policy = CompressionPolicy::never();
  make_table(1, 300, tc);
  auto m = manager({});
  EXPECT_EQ(m.policy(), CompressionPolicy::never());
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  EXPECT_EQ(stats.compressed, 0u);
}

TEST_F(LifecycleTest, ADryRunChangesNothing) {
  make_table(2, 300);
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  c.dry_run = true;
  c.retention.max_partition_bytes = 1;
  const auto before = test::tree_hash(root());
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  EXPECT_TRUE(stats.dry_run);
  EXPECT_GT(stats.eligible + stats.retention_eligible, 0u);
  EXPECT_EQ(stats.compressed, 0u);
  EXPECT_EQ(stats.deleted_segments, 0u);
  EXPECT_EQ(test::tree_hash(root()), before);
}

TEST_F(LifecycleTest, TheLiveSegmentIsNeverTouched) {
  make_table(1, 300, {}, kNow - 10 * kDay);
  auto w = table_->partition_writer(values(0));  // reopens: a new live segment
  ASSERT_OK(w);
  ASSERT_OK(w->append(1, kNow - 9 * kDay, std::vector<std::byte>(100)));
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  c.retention.max_age_days = 1;
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  EXPECT_EQ(stats.skipped["live"], 1u) << stats.to_string();
  const auto live = segment_path(dir(0), segments(0).back().id);
  EXPECT_TRUE(test::exists(live));
  ASSERT_OK(w->append(1, kNow - 9 * kDay + 1, std::vector<std::byte>(100)));
}

TEST_F(LifecycleTest, IdleAfterLeavesRecentlyReadSegmentsHot) {
  TableConfig tc;
  tc.track_access = true;
  make_table(2, 300, tc);
  set_mtimes(kNow - 10 * kDay);
  // Partition 0 was read yesterday; partition 1 never.
  {
    clock_.set(kNow - kDay);
    auto tracker = AccessTracker::create({std::chrono::milliseconds(0), &clock_}).value();
    Table t = *table_;
    t.set_read_observer(tracker);
    auto reader = t.reader(values(0));
    ASSERT_OK(reader);
    RecordView v;
    while (reader->next(v) == Step::Record) {
    }
    ASSERT_OK(tracker->flush());
  }
  clock_.set(kNow);
  LifecycleConfig c;
  c.policy = CompressionPolicy::idle_after(2, true);
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  EXPECT_EQ(count_files(".q.zst"), segments(1).size()) << stats.to_string();
  for (const auto& e : segments(0)) EXPECT_TRUE(e.hot) << e.id;
  // Without read tracking the same partition would go cold.
  c.policy = CompressionPolicy::idle_after(2, false);
  auto m2 = manager(c);
  ASSERT_OK(m2.run_once());
  for (const auto& e : segments(0)) EXPECT_FALSE(e.hot) << e.id;
}

TEST_F(LifecycleTest, RetentionDeletesOldSegmentsButNeverTheNewest) {
  // 600 records over the last 6 days: a third of the segments hold only
  // records older than 4 days.
  make_table(1, 600, {}, kNow - 6 * kDay, kDay / 100);
  const auto all = segments(0);
  ASSERT_GE(all.size(), 6u);
  LifecycleConfig c;
  c.policy = CompressionPolicy::never();
  c.retention.max_age_days = 4;
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  EXPECT_GT(stats.deleted_segments, 0u) << stats.to_string();
  EXPECT_LT(stats.deleted_segments, all.size() - 1) << stats.to_string();
  EXPECT_GT(stats.bytes_deleted, 0u);
  // What is left starts at the first record younger than 4 days.
  ASSERT_OK_AND_ASSIGN(auto reader, table_->reader(values(0)));
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_GT(v.timestamp_ns, kNow - 5 * kDay);
  // Everything old is gone, even the newest segment when all of it is old.
  clock_.set(kNow + 30 * kDay);
  ASSERT_OK(m.run_once());
  ASSERT_EQ(segments(0).size(), 1u);
  EXPECT_FALSE(test::exists(segment_index_path(dir(0), 0)));
  // The next writer continues the sequence after the kept newest segment.
  auto w = table_->partition_writer(values(0));
  ASSERT_OK(w);
  EXPECT_EQ(w->next_seq(), 600u);
}

TEST_F(LifecycleTest, RetentionByBytesDeletesOldestFirstWithinTheBudget) {
  make_table(1, 600);
  const auto all = segments(0);
  LifecycleConfig c;
  c.policy = CompressionPolicy::never();
  c.retention.max_partition_bytes = 3 * 16 * 1024;
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  const auto left = segments(0);
  EXPECT_EQ(left.size(), 3u) << stats.to_string();
  EXPECT_EQ(left.back().id, all.back().id);
  EXPECT_EQ(left.front().id, all[all.size() - 3].id);
}

TEST_F(LifecycleTest, OldPartitionsAreDeletedWholeUnlessAWriterHoldsThem) {
  make_table(2, 100, {}, kNow - 40 * kDay);
  auto w = table_->partition_writer(values(1));  // holds partition 1
  ASSERT_OK(w);
  LifecycleConfig c;
  c.policy = CompressionPolicy::never();
  c.retention.delete_partitions_after_days = 30;
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  EXPECT_EQ(stats.deleted_partitions, 1u) << stats.to_string();
  EXPECT_FALSE(test::exists(dir(0)));
  EXPECT_TRUE(test::exists(dir(1)));
  ASSERT_OK_AND_ASSIGN(auto parts, table_->partitions());
  EXPECT_EQ(parts.size(), 1u);
}

TEST_F(LifecycleTest, APartitionHeldByAnotherRunIsSkippedAsBusy) {
  make_table(2, 300);
  const int fd = ::open((dir(0) + "/.lifecycle.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  ::close(fd);
  EXPECT_EQ(stats.skipped["busy"], 1u);
  for (const auto& e : segments(0)) EXPECT_TRUE(e.hot);
  for (const auto& e : segments(1)) EXPECT_FALSE(e.hot);
}

TEST_F(LifecycleTest, ErrorsStayPerPartitionAndNameThePath) {
  make_table(3, 300);
  // A damaged segment in partition 1.
  const auto bad = segment_path(dir(1), segments(1).front().id);
  test::flip_bit(bad, kSegmentHeaderSize + 50, 1);
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  ASSERT_EQ(stats.errors.size(), 1u) << stats.to_string();
  EXPECT_EQ(stats.errors[0].path, bad);
  EXPECT_NE(stats.errors[0].message.find("checksum"), std::string::npos);
  EXPECT_TRUE(test::exists(bad));
  EXPECT_EQ(stats.compressed, stats.segments_scanned - 1);
  ASSERT_OK_AND_ASSIGN(auto back, LifecycleStats::from_json(stats.to_json()));
  EXPECT_EQ(back, stats);
}

TEST_F(LifecycleTest, LeftoversOfACrashedRunAreRemovedAndTheJobFinished) {
  make_table(1, 300);
  const auto id = segments(0).front().id;
  test::write_file(segment_path(dir(0), id, SegmentTier::Cold) + ".tmp-99999-0", {'x'});
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  EXPECT_EQ(stats.temp_files_removed, 1u);
  EXPECT_EQ(stats.compressed, stats.segments_scanned);
}

TEST_F(LifecycleTest, ParallelWorkersCompressEverything) {
  make_table(6, 300);
  const auto before = all_records();
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  c.parallel_workers = 2;
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  EXPECT_EQ(stats.compressed, stats.segments_scanned);
  EXPECT_EQ(all_records(), before);
}

TEST_F(LifecycleTest, TheByteRateCapSlowsCompressionDown) {
  make_table(1, 300);
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  c.max_bytes_per_second = 40 * 1024;  // the first second is a burst
  auto m = manager(c);
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  std::uint64_t used = 0;
  for (const auto& e : segments(0)) {
    ASSERT_OK_AND_ASSIGN(auto seekable, SeekableReader::open(FileSystem::system(), segment_path(dir(0), e.id, SegmentTier::Cold)));
    used += seekable.size();
  }
  const double expected_s = static_cast<double>(used - 40 * 1024) / (40 * 1024);
  EXPECT_GE(std::chrono::duration<double>(stats.duration).count(), expected_s * 0.9)
      << stats.to_string();
}

TEST_F(LifecycleTest, CompressAndDecompressOnePartition) {
  make_table(2, 300);
  auto m = manager({});
  ASSERT_OK_AND_ASSIGN(auto stats, m.compress_partition("symbol=S1"));
  EXPECT_EQ(stats.compressed, segments(1).size());
  for (const auto& e : segments(0)) EXPECT_TRUE(e.hot);
  ASSERT_OK_AND_ASSIGN(auto back, m.decompress_segment("symbol=S1", segments(1).front().id));
  EXPECT_EQ(back.decompressed, 1u);
  EXPECT_TRUE(segments(1).front().hot);
  EXPECT_ERROR(m.compress_partition("symbol=NOPE"), Errc::NotFound);
  EXPECT_ERROR(m.compress_partition("../../etc"), Errc::InvalidArgument);
}

TEST_F(LifecycleTest, BackgroundModeRunsUntilStopped) {
  make_table(1, 300);
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  auto m = manager(c);
  std::atomic<int> runs{0};
  ASSERT_OK(m.start_background(std::chrono::milliseconds(10), [&](const Result<LifecycleStats>& r) {
    EXPECT_TRUE(r.has_value());
    ++runs;
  }));
  EXPECT_ERROR(m.start_background(std::chrono::milliseconds(10)), Errc::InvalidArgument);
  while (runs < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  m.stop_background();
  const int seen = runs;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(runs, seen);
  EXPECT_EQ(count_files(".q"), 0u);
}

// With a cap of 4 KiB/s and 4 KiB frames, the run would take about four
// seconds per 16 KiB segment; stop_background() ends it within a frame.
TEST_F(LifecycleTest, StopBackgroundCutsARateCappedRunShortAndLosesNothing) {
  make_table(1, 300);
  const auto before = all_records();
  const std::size_t hot = segments(0).size();
  ASSERT_GE(hot, 4u);
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  c.block_size = 4096;
  c.max_bytes_per_second = LifecycleConfig::kMinBytesPerSecond;
  auto m = manager(c);
  std::mutex mu;
  std::optional<Result<LifecycleStats>> last;
  ASSERT_OK(m.start_background(std::chrono::hours(1), [&](const Result<LifecycleStats>& r) {
    std::lock_guard lock(mu);
    last = r;
  }));
  // Until the first compression has its temporary file (and is then held
  // back by the cap after its first frame).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (count_files(".q.zst") == 0 && std::chrono::steady_clock::now() < deadline) {
    bool temp = false;
    for (const auto& e : std::filesystem::directory_iterator(dir(0))) {
      temp |= e.path().filename().string().find(kTempMarker) != std::string::npos;
    }
    if (temp) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const auto t0 = std::chrono::steady_clock::now();
  m.stop_background();
  const double stop_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(stop_s, 2.0) << "a capped run is not cut short";

  std::lock_guard lock(mu);
  ASSERT_TRUE(last.has_value());
  ASSERT_OK(*last);
  const LifecycleStats& stats = **last;
  EXPECT_TRUE(stats.errors.empty()) << stats.to_string();
  EXPECT_GE(stats.skipped.count("stopped") ? stats.skipped.at("stopped") : 0, 1u) << stats.to_string();
  EXPECT_LT(stats.compressed, hot) << stats.to_string();
  EXPECT_EQ(count_files(".q.zst"), stats.compressed);
  EXPECT_EQ(count_files(".q"), hot - stats.compressed);
  for (const auto& e : std::filesystem::directory_iterator(dir(0))) {
    EXPECT_EQ(e.path().filename().string().find(kTempMarker), std::string::npos) << e.path();
  }
  EXPECT_EQ(all_records(), before);

  // The next run, uncapped, finishes the job.
  c.max_bytes_per_second = 0;
  auto next = manager(c);
  ASSERT_OK_AND_ASSIGN(auto done, next.run_once());
  EXPECT_EQ(done.compressed, hot - stats.compressed) << done.to_string();
  EXPECT_EQ(count_files(".q"), 0u);
  EXPECT_EQ(all_records(), before);
}

TEST_F(LifecycleTest, BadConfigsAreRefused) {
  make_table(1, 10);
  LifecycleConfig c;
  c.parallel_workers = 0;
  EXPECT_ERROR(StorageLifecycleManager::open(root(), c), Errc::InvalidArgument);
  c.parallel_workers = 10'000;
  EXPECT_ERROR(StorageLifecycleManager::open(root(), c), Errc::InvalidArgument);
  c = {};
  c.block_size = 1;
  EXPECT_ERROR(StorageLifecycleManager::open(root(), c), Errc::InvalidArgument);
  c = {};
  c.retention.max_age_days = 0;
  EXPECT_ERROR(StorageLifecycleManager::open(root(), c), Errc::InvalidArgument);
  EXPECT_ERROR(StorageLifecycleManager::open(tmp_.sub("missing"), {}), Errc::NotFound);
}

// RELIABILITY J6: each LifecycleConfig field with a range, at both ends where
// there are two; the message names the field and the value, and open()
// changes nothing under the table.
TEST_F(LifecycleTest, EveryBadConfigFieldIsRefusedNamingIt) {
  make_table(1, 10);
  const std::uint64_t before = test::tree_hash(root());
  struct Case {
    const char* field;
    const char* value;
    std::function<void(LifecycleConfig&)> set;
  };
  const std::vector<Case> cases = {
      {"parallel_workers", "0", [](LifecycleConfig& c) { c.parallel_workers = 0; }},
      {"parallel_workers", "65", [](LifecycleConfig& c) { c.parallel_workers = 65; }},
      {"parallel_workers", "10000", [](LifecycleConfig& c) { c.parallel_workers = 10'000; }},
      {"compression level", "0", [](LifecycleConfig& c) { c.compression_level = 0; }},
      {"compression level", "23", [](LifecycleConfig& c) { c.compression_level = 23; }},
      {"compression_block_size", "1", [](LifecycleConfig& c) { c.block_size = 1; }},
      {"compression_block_size", "67108865",
       [](LifecycleConfig& c) { c.block_size = (64ull << 20) + 1; }},
      {"days", "0", [](LifecycleConfig& c) { c.policy = CompressionPolicy::idle_after(0, true); }},
      {"size_threshold", "0",
       [](LifecycleConfig& c) { c.policy = CompressionPolicy::size_threshold(0); }},
      {"custom compression policy", "predicate",
       [](LifecycleConfig& c) { c.policy = CompressionPolicy::custom(nullptr); }},
      {"retention.max_age_days", "0", [](LifecycleConfig& c) { c.retention.max_age_days = 0; }},
      {"retention.max_age_days", "36501",
       [](LifecycleConfig& c) { c.retention.max_age_days = 36'501; }},
      {"retention.delete_partitions_after_days", "0",
       [](LifecycleConfig& c) { c.retention.delete_partitions_after_days = 0; }},
      {"retention.delete_partitions_after_days", "36501",
       [](LifecycleConfig& c) { c.retention.delete_partitions_after_days = 36'501; }},
      {"retention.max_partition_bytes", "0",
       [](LifecycleConfig& c) { c.retention.max_partition_bytes = 0; }},
      {"max_bytes_per_second", "1", [](LifecycleConfig& c) { c.max_bytes_per_second = 1; }},
      {"max_bytes_per_second", "4095", [](LifecycleConfig& c) { c.max_bytes_per_second = 4095; }},
  };
  for (const Case& k : cases) {
    LifecycleConfig c;
    k.set(c);
    EXPECT_ERROR(c.validate(), Errc::InvalidArgument);
    auto m = StorageLifecycleManager::open(root(), c);
    EXPECT_ERROR(m, Errc::InvalidArgument);
    const std::string message = m.error().message();
    EXPECT_NE(message.find(k.field), std::string::npos) << k.field << ": " << message;
    EXPECT_NE(message.find(k.value), std::string::npos) << k.field << ": " << message;
  }
  EXPECT_EQ(test::tree_hash(root()), before);
}

// The arguments of the manager's calls: a background interval that is not
// positive, and partition paths and segment ids that name nothing.
TEST_F(LifecycleTest, BadCallArgumentsAreRefusedNamingThem) {
  make_table(1, 300);
  // Every file but the partition lock, which decompress_segment takes (as any
  // lifecycle run does) before it looks for the segment.
  const auto files = [&] {
    std::vector<std::pair<std::string, std::uintmax_t>> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root())) {
      if (e.path().filename() == ".lifecycle.lock") continue;
      out.emplace_back(e.path().string(), e.is_regular_file() ? e.file_size() : 0);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto before = files();
  auto m = manager({});
  for (const auto interval : {std::chrono::milliseconds(0), std::chrono::milliseconds(-5)}) {
    const Status st = m.start_background(interval);
    EXPECT_ERROR(st, Errc::InvalidArgument);
    EXPECT_NE(st.error().message().find(std::to_string(interval.count()) + " ms"), std::string::npos)
        << st.error().message();
  }
  for (const char* path : {"../../etc", "", "symbol=S1/extra=1", "nosuchkey=1"}) {
    auto r = m.decompress_segment(path, 1);
    EXPECT_ERROR(r, Errc::InvalidArgument);
    auto c = m.compress_partition(path);
    EXPECT_ERROR(c, Errc::InvalidArgument);
  }
  auto missing = m.decompress_segment("symbol=S0", 987'654);
  EXPECT_ERROR(missing, Errc::NotFound);
  EXPECT_NE(missing.error().message().find("987654"), std::string::npos) << missing.error().message();
  EXPECT_EQ(files(), before);
}

}  // namespace
}  // namespace chronicle
