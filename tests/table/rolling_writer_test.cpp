#include <chronicle/table/segment_index.hpp>
#include <chronicle/table/table.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

#include "support/child_process.hpp"
#include "support/status_matchers.hpp"
#include "support/sync_log_fs.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kHourNs = 3'600'000'000'000ull;
constexpr std::uint64_t kDayNs = 24 * kHourNs;
// 2026-01-29T00:00:00Z
constexpr std::uint64_t kDay0 = 1'769'644'800'000'000'000ull;

class RollingWriterTest : public TempDirTest {
 protected:
  Table make(KeyType unit, std::int32_t offset = 0, bool validate = true) {
    auto scheme = PartitionScheme::create({{"venue", KeyType::String, 0}, {"t", unit, offset}});
    EXPECT_OK(scheme);
    TableConfig c;
    c.segment_size = 64 * 1024;
    c.validate_partition_order = validate;
    auto t = Table::create(tmp_.sub("t"), *scheme, c);
    EXPECT_OK(t);
    return *t;
  }
  // A daily table whose file-system calls go through `fs`.
  Result<Table> make_on(FileSystem& fs) {
    auto scheme = PartitionScheme::create({{"venue", KeyType::String, 0}, {"t", KeyType::Date, 0}});
    if (!scheme) return std::move(scheme).error();
    TableConfig c;
    c.segment_size = 64 * 1024;
    return Table::create(tmp_.sub("t"), *scheme, c, fs);
  }
  PartitionValues base(const Table& t, PartitionValue unit_value) {
    return PartitionValues::create(t.scheme(), {{"venue", "XNAS"}, {"t", unit_value}}).value();
  }
  std::vector<std::string> partition_paths(const Table& t) {
    std::vector<std::string> out;
    const auto parts = t.partitions().value();
    for (const auto& p : parts) out.push_back(p.path);
    return out;
  }
};

TEST_F(RollingWriterTest, TheNextPartitionStartsWithTheSegmentTheLeftOnePreparedAhead) {
  Table t = make(KeyType::Date);
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  const std::string day0 = t.root() + "/venue=XNAS/t=2026-01-29";
  const std::string day1 = t.root() + "/venue=XNAS/t=2026-01-30";
  ASSERT_OK(w.append(1, kDay0, {}));
  const std::string spare = segment_path(day0, 1);
  for (int i = 0; i < 5000 && ::access(spare.c_str(), F_OK) != 0; ++i) ::usleep(1000);
  struct stat prepared {};
  ASSERT_EQ(::stat(spare.c_str(), &prepared), 0) << "segment 1 was not named ahead";

  ASSERT_OK(w.append(1, kDay0 + kDayNs, {}));  // moves to the next day
  struct stat first {};
  ASSERT_EQ(::stat(segment_path(day1, 0).c_str(), &first), 0);
  EXPECT_EQ(first.st_ino, prepared.st_ino);
  EXPECT_NE(::access(spare.c_str(), F_OK), 0) << "the left partition kept its spare";
  ASSERT_OK(w.finish());
  ASSERT_OK_AND_ASSIGN(auto r, t.reader(base(t, Date{20483})));
  RecordView v;
  ASSERT_EQ(r.next(v), Step::Record);
  EXPECT_EQ(v.timestamp_ns, kDay0 + kDayNs);
}

TEST_F(RollingWriterTest, SyncCoversThePartitionsItMovedAwayFrom) {
  test::SyncLogFs fs;
  ASSERT_OK_AND_ASSIGN(auto t, make_on(fs));
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  const std::string day0 = t.root() + "/venue=XNAS/t=2026-01-29";
  const std::string day1 = t.root() + "/venue=XNAS/t=2026-01-30";
  ASSERT_OK(w.append(1, kDay0, {}));
  ASSERT_OK(w.append(1, kDay0 + kDayNs, {}));  // moves to the next day
  EXPECT_FALSE(fs.synced_file(segment_path(day0, 0))) << "moving on does not sync by itself";
  ASSERT_OK(w.sync());
  EXPECT_TRUE(fs.synced_file(segment_path(day0, 0)));
  EXPECT_TRUE(fs.synced_dir(day0));
  EXPECT_TRUE(fs.synced_dir(day1));

  // finish() leaves the last partition to the next sync() as well.
  ASSERT_OK(w.append(1, kDay0 + 2 * kDayNs, {}));
  ASSERT_OK(w.finish());
  fs.forget();
  ASSERT_OK(w.sync());
  EXPECT_TRUE(fs.synced_file(segment_path(t.root() + "/venue=XNAS/t=2026-01-31", 0)));
}

TEST_F(RollingWriterTest, FlushStartsWriteBackOfThePartitionsItMovedAwayFromToo) {
  test::SyncLogFs fs;
  ASSERT_OK_AND_ASSIGN(auto t, make_on(fs));
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  const std::string day0 = t.root() + "/venue=XNAS/t=2026-01-29";
  const std::string day1 = t.root() + "/venue=XNAS/t=2026-01-30";
  ASSERT_OK(w.append(1, kDay0, {}));
  ASSERT_OK(w.append(1, kDay0 + kDayNs, {}));  // moves to the next day
  fs.forget();
  ASSERT_OK(w.flush());
  EXPECT_TRUE(fs.wrote_back(segment_path(day0, 0)));
  EXPECT_TRUE(fs.wrote_back(segment_path(day1, 0)));
  EXPECT_FALSE(fs.synced_file(segment_path(day0, 0))) << "flush() does not wait";

  // A failure names the left partition's file; the current one is still
  // flushed (it has new records), and sync() still covers the left one.
  ASSERT_OK(w.append(1, kDay0 + kDayNs + 1, {}));
  fs.forget();
  fs.fail(FsOp::SyncRange, 1, EIO);
  auto failed = w.flush();
  EXPECT_ERROR(failed, Errc::Io);
  EXPECT_NE(failed.error().message().find(segment_path(day0, 0)), std::string::npos)
      << failed.error().message();
  EXPECT_TRUE(fs.wrote_back(segment_path(day1, 0)));
  fs.clear();
  ASSERT_OK(w.sync());
  EXPECT_TRUE(fs.synced_file(segment_path(day0, 0)));
}

TEST_F(RollingWriterTest, AFailedSyncOfALeftPartitionFailsEveryLaterSync) {
  test::SyncLogFs fs;
  ASSERT_OK_AND_ASSIGN(auto t, make_on(fs));
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  ASSERT_OK(w.append(1, kDay0, {}));
  ASSERT_OK(w.append(1, kDay0 + kDayNs, {}));
  fs.fail(FsOp::Fsync, 1, EIO);
  auto failed = w.sync();
  EXPECT_ERROR(failed, Errc::Io);
  EXPECT_NE(failed.error().message().find("t=2026-01-29"), std::string::npos)
      << failed.error().message();
  fs.clear();
  EXPECT_ERROR(w.sync(), Errc::Io);
  ASSERT_OK(w.append(1, kDay0 + kDayNs + 1, {}));
  EXPECT_ERROR(w.sync(), Errc::Io);
}

// Finishing a left partition happens off the appending thread: the move
// succeeds, and the next sync() or finish() reports the failure.
TEST_F(RollingWriterTest, AFailureToFinishALeftPartitionIsReportedByTheNextSyncAndLosesNothing) {
  test::SyncLogFs fs;
  ASSERT_OK_AND_ASSIGN(auto t, make_on(fs));
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  const std::string day0 = t.root() + "/venue=XNAS/t=2026-01-29";
  for (std::uint64_t i = 0; i < 3; ++i) ASSERT_OK(w.append(1, kDay0 + i, {}));
  // The move's first pwrite is the next partition's lock (its pid), made
  // before the move returns; the second the left partition's index.
  fs.fail(FsOp::Pwrite, 2, ENOSPC);
  ASSERT_OK(w.append(1, kDay0 + kDayNs, {}));
  auto failed = w.sync();
  EXPECT_ERROR(failed, Errc::NoSpace);
  EXPECT_NE(failed.error().message().find(day0), std::string::npos) << failed.error().message();
  EXPECT_EQ(fs.injected(), 1);
  EXPECT_TRUE(fs.synced_file(segment_path(day0, 0))) << "the records were still synced";
  fs.clear();
  ASSERT_OK(w.sync());  // reported once: it lost no record
  ASSERT_OK(w.finish());

  // Sealed, without an index: readers scan, and the next writer of the
  // partition writes it.
  EXPECT_NE(::access(segment_index_path(day0, 0).c_str(), F_OK), 0);
  ASSERT_OK_AND_ASSIGN(auto r, t.reader(base(t, Date{20482})));
  RecordView v;
  std::vector<std::uint64_t> ts;
  while (r.next(v) == Step::Record) ts.push_back(v.timestamp_ns);
  EXPECT_EQ(ts, (std::vector<std::uint64_t>{kDay0, kDay0 + 1, kDay0 + 2}));
  ASSERT_OK_AND_ASSIGN(auto again, t.partition_writer(base(t, Date{20482})));
  ASSERT_OK(again.finish());
  EXPECT_EQ(::access(segment_index_path(day0, 0).c_str(), F_OK), 0);
}

TEST_F(RollingWriterTest, FinishReportsAFailureToFinishALeftPartition) {
  test::SyncLogFs fs;
  ASSERT_OK_AND_ASSIGN(auto t, make_on(fs));
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  ASSERT_OK(w.append(1, kDay0, {}));
  fs.fail(FsOp::Pwrite, 2, EIO);
  ASSERT_OK(w.append(1, kDay0 + kDayNs, {}));
  auto failed = w.finish();
  EXPECT_ERROR(failed, Errc::Io);
  EXPECT_NE(failed.error().message().find("t=2026-01-29"), std::string::npos)
      << failed.error().message();
  EXPECT_OK(w.finish());  // reported once
}

// Fails every index write and, once armed, every write-back start.
class IndexAndWritebackFailFs : public test::SyncLogFs {
 public:
  std::atomic<bool> fail_writeback{false};

 protected:
  int inject(FsOp op, std::string_view path) override {
    if (op == FsOp::Pwrite && path.find(".idx") != std::string_view::npos) return ENOSPC;
    if (op == FsOp::SyncRange && fail_writeback) return EIO;
    return SyncLogFs::inject(op, path);
  }
};

TEST_F(RollingWriterTest, AFailureToFinishIsKeptWhileFlushReportsAnother) {
  IndexAndWritebackFailFs fs;
  ASSERT_OK_AND_ASSIGN(auto t, make_on(fs));
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  ASSERT_OK(w.append(1, kDay0, {}));
  ASSERT_OK(w.append(1, kDay0 + kDayNs, {}));  // day 0's index fails on the finisher
  fs.fail_writeback = true;
  EXPECT_ERROR(w.flush(), Errc::Io);
  fs.fail_writeback = false;
  auto kept = w.sync();
  EXPECT_ERROR(kept, Errc::NoSpace);
  EXPECT_NE(kept.error().message().find("t=2026-01-29"), std::string::npos)
      << kept.error().message();
}

// A failed index write at a segment roll inside a partition does not fail
// that append; it travels with the partition to the finisher when the
// writer moves on, and the next sync() reports it once.
TEST_F(RollingWriterTest, AFailedIndexWriteAtARollIsReportedAfterTheMove) {
  test::SyncLogFs fs;
  ASSERT_OK_AND_ASSIGN(auto t, make_on(fs));
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  const std::string day0 = t.root() + "/venue=XNAS/t=2026-01-29";
  ASSERT_OK(w.append(1, kDay0, {}));  // opens day 0 (its lock's pwrite)
  fs.fail(FsOp::Pwrite, 1, ENOSPC);   // the next pwrite: segment 0's index
  std::uint64_t n = 1;
  while (w.current()->log().log().segment_id() == 0) {
    ASSERT_OK(w.append(1, kDay0 + n++, std::vector<std::byte>(200)));
  }
  ASSERT_OK(w.sync());  // the records are all there
  ASSERT_OK(w.append(1, kDay0 + kDayNs, {}));
  auto reported = w.sync();
  EXPECT_ERROR(reported, Errc::NoSpace);
  EXPECT_NE(reported.error().message().find(segment_index_path(day0, 0)), std::string::npos)
      << reported.error().to_string();
  ASSERT_OK(w.sync());  // once
  ASSERT_OK(w.finish());
  EXPECT_EQ(w.stats().records, n + 1);
}

// Each move back finds the partition just left queued or being finished,
// still locked: the writer waits for it, then continues its sequence.
TEST_F(RollingWriterTest, MovingBackAndForthContinuesBothPartitions) {
  Table t = make(KeyType::Date, 0, false);
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  constexpr std::uint64_t kMoves = 200;
  for (std::uint64_t i = 0; i < kMoves; ++i) {
    ASSERT_OK_AND_ASSIGN(auto seq, w.append(1, kDay0 + (i % 2) * kDayNs + i, {}));
    EXPECT_EQ(seq, i / 2);
  }
  ASSERT_OK(w.finish());
  EXPECT_EQ(w.stats().rolls, kMoves - 1);
  for (std::uint64_t day = 0; day < 2; ++day) {
    ASSERT_OK_AND_ASSIGN(auto r, t.reader(base(t, Date{static_cast<std::int32_t>(20482 + day)})));
    RecordView v;
    std::uint64_t n = 0;
    while (r.next(v) == Step::Record) {
      EXPECT_EQ(v.seq, n);
      EXPECT_EQ(v.timestamp_ns, kDay0 + day * kDayNs + 2 * n + day);
      ++n;
    }
    EXPECT_EQ(n, kMoves / 2);
  }
}

TEST_F(RollingWriterTest, AMovedFromWriterRefusesEveryCall) {
  Table t = make(KeyType::Date);
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  ASSERT_OK(w.append(1, kDay0, {}));
  RollingWriter moved = std::move(w);
  // A record for another day goes to the roller, which moved too.
  auto refused = w.append(1, kDay0 + kDayNs, {});
  EXPECT_ERROR(refused, Errc::Closed);
  EXPECT_NE(refused.error().message().find("moved-from"), std::string::npos)
      << refused.error().message();
  EXPECT_ERROR(w.flush(), Errc::Closed);
  EXPECT_ERROR(w.sync(), Errc::Closed);
  ASSERT_OK(moved.append(1, kDay0 + kDayNs, {}));
  ASSERT_OK(moved.finish());
}

// A forked child must not write the parent's partitions, nor wait for the
// parent's finisher thread, which does not exist in the child.
TEST_F(RollingWriterTest, AWriterInheritedAcrossForkRefusesToMoveAndLetsGo) {
  Table t = make(KeyType::Date);
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  ASSERT_OK(w.append(1, kDay0, {}));
  ASSERT_OK(w.append(1, kDay0 + kDayNs, {}));  // the finisher thread runs
  auto other_base = PartitionValues::create(t.scheme(), {{"venue", "XNYS"}, {"t", Date{0}}});
  ASSERT_OK(other_base);
  ASSERT_OK_AND_ASSIGN(auto w2, t.rolling_writer(std::make_unique<DateRoller>("t"), *other_base));
  ASSERT_OK(w2.append(1, kDay0, {}));
  ASSERT_OK(w2.append(1, kDay0 + kDayNs, {}));
  const std::string day1 = t.root() + "/venue=XNAS/t=2026-01-30";
  const int status = test::run_in_child([&] {
    ::alarm(20);  // a hang fails the test
    EXPECT_ERROR(w.append(1, kDay0 + kDayNs + 1, {}), Errc::Closed);
    auto moved = w.append(1, kDay0 + 2 * kDayNs, {});
    EXPECT_ERROR(moved, Errc::Closed);
    EXPECT_NE(moved.error().message().find("fork"), std::string::npos) << moved.error().message();
    EXPECT_ERROR(w.sync(), Errc::Closed);
    EXPECT_OK(w.finish());
    // Closing the parent's partition in the child wrote nothing beside it.
    EXPECT_NE(::access(segment_index_path(day1, 0).c_str(), F_OK), 0);
    w2 = std::move(w);  // drops w2's finisher, whose thread is the parent's
    RollingWriter gone = std::move(w2);
  });
  test::expect_child_passed(status);
  ASSERT_OK(w2.finish());
  ASSERT_OK(w.append(1, kDay0 + kDayNs + 1, {}));
  ASSERT_OK(w.append(1, kDay0 + 2 * kDayNs, {}));
  ASSERT_OK(w.sync());
  ASSERT_OK(w.finish());
  EXPECT_EQ(partition_paths(t),
            (std::vector<std::string>{"venue=XNAS/t=2026-01-29", "venue=XNAS/t=2026-01-30",
                                      "venue=XNAS/t=2026-01-31", "venue=XNYS/t=2026-01-29",
                                      "venue=XNYS/t=2026-01-30"}));
}

TEST_F(RollingWriterTest, DateRollerSplitsRecordsByUtcDay) {
  Table t = make(KeyType::Date);
  std::vector<std::string> rolls;
  ASSERT_OK_AND_ASSIGN(
      auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0}),
                               [&](const PartitionValues* from, const PartitionValues& to) {
                                 rolls.push_back((from ? from->to_string(t.scheme()) : "-") + ">" +
                                                 to.to_string(t.scheme()));
                               }));
  for (std::uint64_t i = 0; i < 72; ++i) ASSERT_OK(w.append(1, kDay0 + i * kHourNs, {}));
  ASSERT_OK(w.finish());
  EXPECT_EQ(partition_paths(t), (std::vector<std::string>{"venue=XNAS/t=2026-01-29",
                                                          "venue=XNAS/t=2026-01-30",
                                                          "venue=XNAS/t=2026-01-31"}));
  EXPECT_EQ(w.stats().records, 72u);
  EXPECT_EQ(w.stats().partitions_written, 3u);
  EXPECT_EQ(w.stats().rolls, 2u);
  ASSERT_EQ(rolls.size(), 3u);
  EXPECT_EQ(rolls[0], "->venue=XNAS/t=2026-01-29");
  EXPECT_EQ(rolls[1], "venue=XNAS/t=2026-01-29>venue=XNAS/t=2026-01-30");
  const auto parts = t.partitions().value();
  for (const auto& p : parts) EXPECT_EQ(p.record_count, 24u) << p.path;
}

TEST_F(RollingWriterTest, UtcOffsetShiftsTheDayBoundary) {
  Table t = make(KeyType::Date, 330);  // +05:30
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  // 18:29:59.999999999Z is 23:59:59.999999999 local; 18:30Z is the next local day.
  ASSERT_OK(w.append(1, kDay0 + 18 * kHourNs + 29 * 60'000'000'000ull + 59'999'999'999ull, {}));
  ASSERT_OK(w.append(1, kDay0 + 18 * kHourNs + 30 * 60'000'000'000ull, {}));
  ASSERT_OK(w.finish());
  EXPECT_EQ(partition_paths(t), (std::vector<std::string>{"venue=XNAS/t=2026-01-29",
                                                          "venue=XNAS/t=2026-01-30"}));
}

TEST_F(RollingWriterTest, HourAndMinuteRollers) {
  {
    Table t = make(KeyType::Hour);
    ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<HourRoller>("t"), base(t, Hour{0})));
    for (std::uint64_t i = 0; i < 6; ++i) ASSERT_OK(w.append(1, kDay0 + i * kHourNs / 2, {}));
    ASSERT_OK(w.finish());
    EXPECT_EQ(partition_paths(t).size(), 3u);
    EXPECT_EQ(partition_paths(t)[2], "venue=XNAS/t=2026-01-29T02");
  }
  std::filesystem::remove_all(tmp_.sub("t"));
  Table t = make(KeyType::Minute, -60);
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<MinuteRoller>("t"), base(t, Minute{0})));
  ASSERT_OK(w.append(1, kDay0 + 30'000'000'000ull, {}));
  ASSERT_OK(w.append(1, kDay0 + 90'000'000'000ull, {}));
  ASSERT_OK(w.finish());
  EXPECT_EQ(partition_paths(t), (std::vector<std::string>{"venue=XNAS/t=2026-01-28T23%3A00",
                                                          "venue=XNAS/t=2026-01-28T23%3A01"}));
}

// With a positive UTC offset the last units before 2^64 ns start at
// k * unit - offset where k * unit itself passes 2^64: each bound is still
// exact, and every timestamp lies in its own unit's range.
TEST_F(RollingWriterTest, CalendarUnitsNearTheEndOfTimeKeepExactBounds) {
  Table t = make(KeyType::Hour, 60);
  HourRoller roller("t");
  ASSERT_OK(roller.bind(t.scheme()));
  const std::uint64_t offset = 60 * 60'000'000'000ull;
  for (std::uint64_t ts : std::vector<std::uint64_t>{UINT64_MAX - 3'000'000'000'000ull,
                                                     UINT64_MAX - 1'000'000'000ull,
                                                     UINT64_MAX - 1, UINT64_MAX}) {
    ASSERT_OK_AND_ASSIGN(auto target, roller.target_for(ts));
    // The hour of ts + offset, without forming ts + offset.
    const std::uint64_t rest = ts % kHourNs;
    const std::uint64_t begin = ts - rest - offset + (rest + offset) / kHourNs * kHourNs;
    const std::uint64_t end = begin > UINT64_MAX - kHourNs ? UINT64_MAX : begin + kHourNs;
    EXPECT_EQ(target.begin_ns, begin) << ts;
    EXPECT_EQ(target.end_ns, end) << ts;
    EXPECT_LE(target.begin_ns, ts);
  }
  // The first two lie in different hours: a RollingWriter writes two partitions.
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<HourRoller>("t"), base(t, Hour{0})));
  ASSERT_OK(w.append(1, UINT64_MAX - 3'000'000'000'000ull, {}));
  ASSERT_OK(w.append(1, UINT64_MAX - 1'000'000'000ull, {}));
  ASSERT_OK(w.finish());
  EXPECT_EQ(partition_paths(t).size(), 2u);
}

// A record too large for a segment leaves the writer where it was: no
// partition finished, none created, no roll counted, the current one still
// writable.
TEST_F(RollingWriterTest, ARecordTooLargeForASegmentDoesNotMoveTheWriter) {
  Table t = make(KeyType::Date, 0, false);
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  ASSERT_OK(w.append(1, kDay0 + kDayNs + 100, {}));
  ASSERT_OK(w.append(1, kDay0 + 2 * kDayNs, {}));
  // Too large for any segment of the table.
  const std::vector<std::byte> big(70'000);
  auto too_big = w.append(1, kDay0 + 3 * kDayNs, big);
  EXPECT_ERROR(too_big, Errc::InvalidArgument);
  EXPECT_NE(too_big.error().message().find("does not fit in a segment"), std::string::npos)
      << too_big.error().to_string();
  EXPECT_EQ(w.current()->values(), base(t, Date{20484}));  // still 2026-01-31
  EXPECT_EQ(w.stats().rolls, 1u);
  EXPECT_EQ(partition_paths(t).size(), 2u);
  ASSERT_OK(w.append(1, kDay0 + 2 * kDayNs + 1, {}));
  ASSERT_OK(w.finish());
  EXPECT_EQ(w.stats().records, 3u);
}

// A roller callable or roll callback that throws gets an error naming what
// it threw; the record is not written and the process goes on.
TEST_F(RollingWriterTest, ExceptionsFromTheRollerOrTheCallbackBecomeErrors) {
  Table t = make(KeyType::Date);
  auto roller = std::make_unique<CustomRoller>("venue", [](std::uint64_t ts) -> Result<PartitionValue> {
    if (ts == 13) throw std::runtime_error("no venue for 13");
    if (ts == 14) throw 14;
    return PartitionValue(std::string("V") + std::to_string(ts / 10));
  });
  int callbacks = 0;
  ASSERT_OK_AND_ASSIGN(
      auto w, t.rolling_writer(std::move(roller), base(t, Date{20482}),
                               [&](const PartitionValues*, const PartitionValues&) {
                                 if (++callbacks == 2) throw std::runtime_error("callback failed");
                               }));
  ASSERT_OK(w.append(1, 1, {}));  // V0
  auto thrown = w.append(1, 13, {});
  EXPECT_ERROR(thrown, Errc::InvalidArgument);
  EXPECT_NE(thrown.error().message().find("no venue for 13"), std::string::npos)
      << thrown.error().to_string();
  auto other = w.append(1, 14, {});
  EXPECT_ERROR(other, Errc::InvalidArgument);
  EXPECT_NE(other.error().message().find("not derived from std::exception"), std::string::npos)
      << other.error().to_string();
  // The callback throws on the move to V2: the writer is in V2, the record
  // is not written, and the next one is.
  auto moved = w.append(1, 20, {});
  EXPECT_ERROR(moved, Errc::InvalidArgument);
  EXPECT_NE(moved.error().message().find("callback failed"), std::string::npos)
      << moved.error().to_string();
  EXPECT_EQ(w.current()->values(), base(t, Date{20482}).with(0, PartitionValue("V2")));
  ASSERT_OK(w.append(1, 21, {}));
  ASSERT_OK(w.finish());
  EXPECT_EQ(w.stats().records, 2u);
  ASSERT_OK_AND_ASSIGN(auto r, t.reader(base(t, Date{20482}).with(0, PartitionValue("V2"))));
  RecordView v;
  ASSERT_EQ(r.next(v), Step::Record);
  EXPECT_EQ(v.timestamp_ns, 21u);
  EXPECT_EQ(r.next(v), Step::NothingYet);
}

TEST_F(RollingWriterTest, RollingBackwardsIsRefusedWhenValidating) {
  Table t = make(KeyType::Date);
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  ASSERT_OK(w.append(1, kDay0 + kDayNs, {}));
  auto back = w.append(1, kDay0, {});
  EXPECT_ERROR(back, Errc::InvalidArgument);
  EXPECT_NE(back.error().message().find("2026-01-29"), std::string::npos) << back.error().message();
  EXPECT_NE(back.error().message().find("2026-01-30"), std::string::npos);
  EXPECT_EQ(w.stats().records, 1u);
}

TEST_F(RollingWriterTest, WithoutValidationAnOlderPartitionIsReopenedAndContinued) {
  Table t = make(KeyType::Date, 0, false);
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::make_unique<DateRoller>("t"), base(t, Date{0})));
  ASSERT_OK_AND_ASSIGN(auto a0, w.append(1, kDay0 + 1, {}));
  ASSERT_OK_AND_ASSIGN(auto a1, w.append(1, kDay0 + 2, {}));
  ASSERT_OK_AND_ASSIGN(auto b0, w.append(1, kDay0 + kDayNs, {}));
  ASSERT_OK_AND_ASSIGN(auto a2, w.append(1, kDay0 + 3, {}));  // back to day 0
  EXPECT_EQ(a0, 0u);
  EXPECT_EQ(a1, 1u);
  EXPECT_EQ(b0, 0u);
  EXPECT_EQ(a2, 2u) << "the older partition continues its sequence";
  ASSERT_OK(w.finish());
  EXPECT_EQ(w.stats().partitions_written, 2u);
  EXPECT_EQ(w.stats().rolls, 2u);
  ASSERT_OK_AND_ASSIGN(auto reader, t.reader(base(t, Date{20482})));  // 2026-01-29
  RecordView v;
  std::vector<std::uint64_t> ts;
  while (reader.next(v) == Step::Record) ts.push_back(v.timestamp_ns);
  EXPECT_EQ(ts, (std::vector<std::uint64_t>{kDay0 + 1, kDay0 + 2, kDay0 + 3}));
}

TEST_F(RollingWriterTest, CustomRollerFromAnyCallable) {
  Table t = make(KeyType::Date);
  auto roller = std::make_unique<CustomRoller>("venue", [](std::uint64_t ts) -> Result<PartitionValue> {
    return PartitionValue(ts % 2 ? "ODD" : "EVEN");
  });
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::move(roller), base(t, Date{20482})));
  ASSERT_OK(w.append(1, 2, {}));  // EVEN
  ASSERT_OK(w.append(1, 3, {}));  // ODD sorts after EVEN: a forward roll
  EXPECT_ERROR(w.append(1, 4, {}), Errc::InvalidArgument);  // back to EVEN
  ASSERT_OK(w.finish());
  EXPECT_EQ(partition_paths(t), (std::vector<std::string>{"venue=EVEN/t=2026-01-29",
                                                          "venue=ODD/t=2026-01-29"}));
}

TEST_F(RollingWriterTest, RollerKeyAndTypeAreChecked) {
  Table t = make(KeyType::Date);
  EXPECT_ERROR(t.rolling_writer(std::make_unique<DateRoller>("nope"), base(t, Date{0})),
               Errc::InvalidArgument);
  EXPECT_ERROR(t.rolling_writer(std::make_unique<HourRoller>("t"), base(t, Date{0})),
               Errc::InvalidArgument);
  auto wrong = std::make_unique<CustomRoller>("venue", [](std::uint64_t) -> Result<PartitionValue> {
    return PartitionValue(std::int64_t{5});
  });
  ASSERT_OK_AND_ASSIGN(auto w, t.rolling_writer(std::move(wrong), base(t, Date{0})));
  EXPECT_ERROR(w.append(1, 1, {}), Errc::InvalidArgument);
}

TEST_F(RollingWriterTest, NoRollerAndBaseValuesOfAnotherSchemeAreRefused) {
  Table t = make(KeyType::Date);
  auto none = t.rolling_writer(nullptr, base(t, Date{0}));
  EXPECT_ERROR(none, Errc::InvalidArgument);
  EXPECT_NE(none.error().message().find("no roller"), std::string::npos) << none.error().message();
  const auto other = PartitionScheme::create({{"t", KeyType::Date, 0}}).value();
  const auto short_base = PartitionValues::create(other, {{"t", Date{0}}}).value();
  auto wrong = t.rolling_writer(std::make_unique<DateRoller>("t"), short_base);
  EXPECT_ERROR(wrong, Errc::InvalidArgument);
  EXPECT_NE(wrong.error().message().find("base values have 1 keys"), std::string::npos)
      << wrong.error().message();
  EXPECT_TRUE(partition_paths(t).empty());
}

}  // namespace
}  // namespace chronicle
