#include <chronicle/core/checksum.hpp>
#include <chronicle/lifecycle/access_tracker.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "lifecycle/lifecycle_fixture.hpp"
#include "support/files.hpp"

namespace chronicle {
namespace {

using test::kNow;
using test::LifecycleTest;

AccessTrackerOptions manual(const Clock* clock) { return {std::chrono::milliseconds(0), clock}; }

TEST_F(LifecycleTest, TrackerRecordsReadsPerPartitionAndSegment) {
  make_table(2, 10);
  ASSERT_OK_AND_ASSIGN(auto tracker, AccessTracker::create(manual(&clock_)));
  EXPECT_FALSE(tracker->flushes_in_background());
  tracker->segment_opened(dir(0), 0);
  clock_.advance(100);
  tracker->segment_opened(dir(0), 0);
  tracker->segment_opened(dir(1), 0);  // same id, other partition: no collision
  ASSERT_OK(tracker->flush());
  ASSERT_OK_AND_ASSIGN(auto a0, AccessTracker::load(dir(0)));
  ASSERT_OK_AND_ASSIGN(auto a1, AccessTracker::load(dir(1)));
  EXPECT_EQ(a0[0].read_count, 2u);
  EXPECT_EQ(a0[0].last_read_ns, kNow + 100);
  EXPECT_EQ(a1[0].read_count, 1u);
  EXPECT_EQ(a1[0].last_read_ns, kNow + 100);
  ASSERT_OK_AND_ASSIGN(auto none, AccessTracker::load(dir(0) + "/nothing-here"));
  EXPECT_TRUE(none.empty());
}

TEST_F(LifecycleTest, TableReadersReportEverySegmentTheyOpenWhenTrackingIsOn) {
  TableConfig tc;
  tc.track_access = true;
  make_table(1, 300);
  ASSERT_OK_AND_ASSIGN(auto tracker, AccessTracker::create(manual(&clock_)));
  // track_access comes from the table's config: on here, off in make_table's.
  Table off = *table_;
  off.set_read_observer(tracker);
  {
    auto r = off.reader(values(0));
    ASSERT_OK(r);
    RecordView v;
    while (r->next(v) == Step::Record) {
    }
  }
  ASSERT_OK(tracker->flush());
  ASSERT_OK_AND_ASSIGN(auto nothing, AccessTracker::load(dir(0)));
  EXPECT_TRUE(nothing.empty()) << "track_access is off in this table's config";

  std::filesystem::remove_all(root());
  make_table(1, 300, tc);
  Table on = *table_;
  on.set_read_observer(tracker);
  auto q = on.query(PartitionFilter::all());
  ASSERT_OK(q);
  TableRecord rec;
  while (q->next(rec) == Step::Record) {
  }
  ASSERT_OK(tracker->flush());
  ASSERT_OK_AND_ASSIGN(auto seen, AccessTracker::load(dir(0)));
  EXPECT_EQ(seen.size(), segments(0).size());
  for (const auto& [id, a] : seen) EXPECT_GE(a.read_count, 1u) << id;
}

TEST_F(LifecycleTest, TwoProcessesMergeTheirReads) {
  make_table(1, 10);
  auto child = [&](std::uint64_t now, int reads) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      test::ManualClock c(now);
      auto t = AccessTracker::create(manual(&c)).value();
      for (int i = 0; i < reads; ++i) t->segment_opened(dir(0), 0);
      ::_exit(t->flush() ? 0 : 1);
    }
    return pid;
  };
  const pid_t a = child(kNow + 5, 3), b = child(kNow + 9, 4);
  for (pid_t p : {a, b}) {
    int status = 0;
    ::waitpid(p, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  ASSERT_OK_AND_ASSIGN(auto seen, AccessTracker::load(dir(0)));
  EXPECT_EQ(seen[0].read_count, 7u);
  EXPECT_EQ(seen[0].last_read_ns, kNow + 9);
}

TEST_F(LifecycleTest, ADamagedAccessFileIsReportedAndRebuilt) {
  make_table(1, 10);
  for (const auto& junk : {std::vector<char>{}, std::vector<char>(7, 'x'),
                           std::vector<char>(1 << 16, '\xff')}) {
    test::write_file(dir(0) + "/.access", junk);
    EXPECT_ERROR(AccessTracker::load(dir(0)), Errc::Corruption);
    ASSERT_OK_AND_ASSIGN(auto t, AccessTracker::create(manual(&clock_)));
    t->segment_opened(dir(0), 3);
    ASSERT_OK(t->flush());
    ASSERT_OK_AND_ASSIGN(auto seen, AccessTracker::load(dir(0)));
    EXPECT_EQ(seen[3].read_count, 1u);
  }
  // Every truncation of a valid file is detected.
  const auto valid = test::read_file(dir(0) + "/.access");
  for (std::size_t len = 0; len < valid.size(); ++len) {
    test::write_file(dir(0) + "/.access", std::vector<char>(valid.begin(), valid.begin() + static_cast<long>(len)));
    EXPECT_FALSE(AccessTracker::load(dir(0))) << len;
  }
}

// Found by access_file_fuzz: a file with a valid checksum whose ids repeat
// or go down decoded, and a repeated id silently lost one entry's reads.
// AccessTracker only writes each id once, ascending.
TEST_F(LifecycleTest, AnAccessFileWithIdsOutOfOrderIsCorrupt) {
  make_table(1, 10);
  // magic, version 1, then the entries (id, last_read_ns, read_count) and XXH64.
  const auto file = [](std::initializer_list<std::uint64_t> ids) {
    std::vector<char> bytes = {'C', 'H', 'R', 'A', 'C', 'C', '1', '\0', 1, 0, 0, 0};
    const auto put = [&bytes](const auto& v) {
      const char* p = reinterpret_cast<const char*>(&v);
      bytes.insert(bytes.end(), p, p + sizeof v);
    };
    put(static_cast<std::uint32_t>(ids.size()));
    for (std::uint64_t id : ids) {
      put(id);
      put(kNow);
      put(std::uint64_t{1});
    }
    put(xxh64(bytes.data(), bytes.size()));
    return bytes;
  };
  test::write_file(dir(0) + "/.access", file({3, 7}));
  ASSERT_OK_AND_ASSIGN(auto ascending, AccessTracker::load(dir(0)));
  EXPECT_EQ(ascending.size(), 2u);
  for (const auto& ids : {file({7, 3}), file({3, 3}), file({0x400000000003, 6, 9})}) {
    test::write_file(dir(0) + "/.access", ids);
    const auto loaded = AccessTracker::load(dir(0));
    EXPECT_ERROR(loaded, Errc::Corruption);
    EXPECT_NE(loaded.error().message().find("ids must ascend"), std::string::npos)
        << loaded.error().message();
  }
}

TEST_F(LifecycleTest, FlushFailuresOnReadOnlyDataAreCountedAndNeverStopReads) {
  make_table(1, 10);
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 0755), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(90);
    auto t = AccessTracker::create(manual(&clock_)).value();
    Table table = Table::open(root()).value();
    table.set_read_observer(t);
    auto r = table.reader(values(0));
    if (!r) ::_exit(1);
    RecordView v;
    int n = 0;
    while (r->next(v) == Step::Record) ++n;
    t->segment_opened(dir(0), 0);
    const bool failed = !t->flush();
    ::_exit(n == 10 && failed && t->flush_errors() == 1 ? 0 : 2);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(LifecycleTest, TheBackgroundThreadFlushesOnItsOwn) {
  make_table(1, 10);
  ASSERT_OK_AND_ASSIGN(auto t, AccessTracker::create({std::chrono::milliseconds(5), &clock_}));
  EXPECT_TRUE(t->flushes_in_background());
  t->segment_opened(dir(0), 1);
  for (int i = 0; i < 400; ++i) {
    if (auto seen = AccessTracker::load(dir(0)); seen && !seen->empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL() << "the background flush never wrote the access file";
}

// A negative interval, or one past a day (whose deadline could overflow the
// clock in the flush thread's wait), is refused naming the value.
TEST_F(LifecycleTest, AFlushIntervalOutOfRangeIsRefusedNamingIt) {
  using std::chrono::milliseconds;
  for (const milliseconds bad : {milliseconds(-1), AccessTrackerOptions::kMaxFlushInterval + milliseconds(1),
                                 milliseconds::max()}) {
    AccessTrackerOptions o;
    o.flush_interval = bad;
    EXPECT_ERROR(validate(o), Errc::InvalidArgument);
    auto t = AccessTracker::create(o);
    EXPECT_ERROR(t, Errc::InvalidArgument);
    EXPECT_NE(t.error().message().find(std::to_string(bad.count()) + " ms"), std::string::npos)
        << t.error().message();
  }
  ASSERT_OK_AND_ASSIGN(auto longest, AccessTracker::create({AccessTrackerOptions::kMaxFlushInterval}));
  EXPECT_TRUE(longest->flushes_in_background());
  ASSERT_OK_AND_ASSIGN(auto none, AccessTracker::create({milliseconds(0)}));
  EXPECT_FALSE(none->flushes_in_background());
}

}  // namespace
}  // namespace chronicle
