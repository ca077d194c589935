// Fault injection through the FileSystem seam (RELIABILITY C1): count the
// calls an operation makes, then fail each one in turn, once and from then
// on, with EIO and ENOSPC. Every failure must be a clear error naming a path;
// afterwards the descriptors and mappings are back to their baseline, and a
// clean reopen reads exactly the acknowledged records.
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>

#include <cstring>
#include <filesystem>
#include <functional>

#include "support/child_process.hpp"
#include "support/fault_fs.hpp"
#include "support/fault_sweep.hpp"
#include "support/files.hpp"
#include "support/log_builder.hpp"
#include "support/process_resources.hpp"
#include "support/status_matchers.hpp"
#include "support/sync_log_fs.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSeed = 5;

struct Outcome {
  std::uint64_t acknowledged = 0;  // records whose append returned success
  Status status;                   // the first error, if any
};

class FaultTest : public TempDirTest {
 protected:
  std::string dir() const { return tmp_.sub("log"); }

  LogOptions options(FileSystem& fs) const {
    LogOptions o;
    o.segment_size = 4096;
    o.prepare_ahead = false;  // every call on this thread, in a fixed order
    o.fs = &fs;
    return o;
  }

  // Opens the log, appends `count` records from `first` across several
  // rolls, flushes, syncs and closes; stops at the first error.
  Outcome append_scenario(FileSystem& fs, std::uint64_t first, std::uint64_t count) {
    Outcome out;
    auto w = SegmentWriter::open(dir(), options(fs));
    if (!w) {
      out.status = w.error();
      return out;
    }
    for (std::uint64_t s = first; s < first + count; ++s) {
      auto r = w->append(test::type_for(kSeed, s), test::timestamp_for(kSeed, s),
                         test::payload_for(kSeed, s, 700));
      if (!r) {
        out.status = r.error();
        return out;
      }
      ++out.acknowledged;
      if (s % 7 == 0) {
        if (auto st = w->flush(); !st) {
          out.status = st;
          return out;
        }
      }
    }
    if (auto st = w->sync(); !st) {
      out.status = st;
      return out;
    }
    out.status = w->close();
    return out;
  }

  // Sweeps every call `scenario` makes (support/fault_sweep.hpp); `verify`
  // gets what the faulty run acknowledged.
  void sweep(const std::function<void()>& prepare,
             const std::function<Outcome(FileSystem&)>& scenario,
             const std::function<void(const Outcome&, const std::string&)>& verify) {
    Outcome last;
    const int points = test::sweep_faults(
        tmp_.path(), prepare,
        [&](FileSystem& fs) {
          last = scenario(fs);
          return last.status;
        },
        [&](const std::string& what) { verify(last, what); });
    RecordProperty("fault_points", points);
    EXPECT_GT(points, 40);
  }

  // After a fault: a clean writer opens the log, and a reader returns
  // exactly records [0, expected) with their content, then nothing.
  void expect_log_holds(std::uint64_t expected, const std::string& what) {
    {
      auto w = SegmentWriter::open(dir(), LogOptions{.segment_size = 4096});
      ASSERT_OK(w) ;
      EXPECT_EQ(w->next_seq(), expected) << what;
    }
    auto got = test::read_back(dir(), kSeed, 700);
    EXPECT_EQ(got.last, Step::NothingYet) << what << ": " << got.status.error().to_string();
    EXPECT_EQ(got.seqs, test::iota_seqs(0, expected)) << what;
    for (const auto& e : std::filesystem::directory_iterator(dir())) {
      EXPECT_EQ(e.path().string().find(".prep"), std::string::npos)
          << what << ": leftover " << e.path();
    }
  }
};

TEST_F(FaultTest, CreateAppendAcrossRollsSyncAndClose) {
  sweep([&] { std::filesystem::remove_all(dir()); },
        [&](FileSystem& fs) { return append_scenario(fs, 0, 60); },
        [&](const Outcome& got, const std::string& what) {
          expect_log_holds(got.acknowledged, what);
        });
}

TEST_F(FaultTest, ReopenWithRecoveryThenAppend) {
  const std::string seed_copy = tmp_.sub("seed");
  {
    std::filesystem::remove_all(dir());
    ASSERT_OK(append_scenario(FileSystem::system(), 0, 25).status);
    std::filesystem::rename(dir(), seed_copy);
  }
  sweep(
      [&] {
        std::filesystem::remove_all(dir());
        std::filesystem::copy(seed_copy, dir());
      },
      [&](FileSystem& fs) { return append_scenario(fs, 25, 30); },
      [&](const Outcome& got, const std::string& what) {
        expect_log_holds(25 + got.acknowledged, what);
      });
}

TEST_F(FaultTest, FailedSyncPoisonsEveryLaterSync) {
  test::FaultFs faulty;
  LogOptions o = options(faulty);
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
  test::append_records(w, kSeed, 0, 5, 700);
  faulty.fail(FsOp::Msync, 1, EIO);
  auto first = w.sync();
  EXPECT_ERROR(first, Errc::Io);
  EXPECT_NE(first.error().message().find(segment_path(dir(), 0)), std::string::npos);
  // The next msync would succeed, but the data written before the failure
  // may be gone from the page cache: sync() must keep failing.
  EXPECT_ERROR(w.sync(), Errc::Io);
  test::append_records(w, kSeed, 5, 8, 700);  // appends go on
  EXPECT_ERROR(w.sync(), Errc::Io);
  ASSERT_OK(w.close());
  ASSERT_OK_AND_ASSIGN(auto reopened, SegmentWriter::open(dir(), options(FileSystem::system())));
  EXPECT_OK(reopened.sync());
}

TEST_F(FaultTest, CloseHandsOverWhatSyncStillOwesAndRunMakesItDurable) {
  test::SyncLogFs fs;
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), options(fs)));
  test::append_records(w, kSeed, 0, 4, 700);
  ASSERT_OK(w.sync());
  test::append_records(w, kSeed, 4, 200, 700);  // rolls through several segments
  const std::uint64_t live = w.segment_id();
  ASSERT_GT(live, 1u);
  fs.forget();
  PendingSync pending;
  ASSERT_OK(w.close(pending));
  EXPECT_TRUE(fs.synced().empty()) << "close() itself syncs nothing without sync_on_seal";
  EXPECT_FALSE(pending.empty());
  ASSERT_OK(pending.run());
  // Every segment written since the last sync(), the live one included, and
  // the directory that gained their names.
  for (std::uint64_t id = 1; id <= live; ++id) {
    EXPECT_TRUE(fs.synced_file(segment_path(dir(), id))) << id;
  }
  EXPECT_TRUE(fs.synced_dir(dir()));
  EXPECT_TRUE(pending.empty());
  fs.forget();
  EXPECT_OK(pending.run());
  EXPECT_TRUE(fs.synced().empty());
}

TEST_F(FaultTest, PendingSyncReportsTheClosedWritersFailedSyncAndItsOwnFailures) {
  test::SyncLogFs fs;
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), options(fs)));
    test::append_records(w, kSeed, 0, 3, 700);
    fs.fail(FsOp::Msync, 1, EIO);
    EXPECT_ERROR(w.sync(), Errc::Io);
    fs.clear();
    PendingSync pending;
    ASSERT_OK(w.close(pending));
    // The page cache may have lost what that sync failed to write.
    EXPECT_ERROR(pending.run(), Errc::Io);
  }
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), options(fs)));
  test::append_records(w, kSeed, 3, 12, 700);
  PendingSync pending;
  ASSERT_OK(w.close(pending));
  fs.fail(FsOp::Fsync, 1, EIO);
  auto failed = pending.run();
  EXPECT_ERROR(failed, Errc::Io);
  EXPECT_NE(failed.error().message().find(dir()), std::string::npos) << failed.error().message();
  // The files after the failed one were still synced.
  EXPECT_TRUE(fs.synced_dir(dir()));
}

TEST_F(FaultTest, PendingSyncHoldsAtMostItsDescriptorLimitAndStillSyncsEveryFile) {
  test::SyncLogFs fs;
  const std::string file = tmp_.sub("f");
  test::write_file(file, {'x'});
  const int before = test::open_fd_count();
  PendingSync pending;
  const std::size_t n = PendingSync::kMaxDescriptors + 10;
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_OK_AND_ASSIGN(auto fd, fs.open(file, O_RDONLY));
    pending.add_file(fs, std::move(fd), file);
  }
  EXPECT_EQ(test::open_fd_count() - before, static_cast<int>(PendingSync::kMaxDescriptors));
  ASSERT_OK(pending.run());
  EXPECT_EQ(fs.count(FsOp::Fsync), static_cast<int>(n));  // the rest synced as they came
  EXPECT_EQ(test::open_fd_count(), before);
}

TEST_F(FaultTest, ClosingStampsTheSyncedWatermarkOnceRunHasSyncedTheData) {
  test::SyncLogFs fs;
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), options(fs)));
  test::append_records(w, kSeed, 0, 3, 300);
  const std::uint64_t live = w.segment_id();
  PendingSync pending;
  ASSERT_OK(w.close(pending));
  auto watermark = [&] {
    std::uint64_t v = 0;
    const auto bytes = test::read_file(segment_path(dir(), live));
    std::memcpy(&v, bytes.data() + kSyncedOffsetField, sizeof v);
    return v;
  };
  EXPECT_EQ(watermark(), 0u) << "no watermark before the data is synced";
  ASSERT_OK(pending.run());
  const auto bytes = test::read_file(segment_path(dir(), live));
  const std::uint64_t end =
      read_segment_header(reinterpret_cast<const std::byte*>(bytes.data())).end_of_data;
  EXPECT_EQ(watermark(), end);
}

TEST_F(FaultTest, AFailedSyncOnSealIsReportedByRunEvenIfTheRetrySucceeds) {
  test::SyncLogFs fs;
  LogOptions o = options(fs);
  o.sync_on_seal = true;
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
  test::append_records(w, kSeed, 0, 3, 300);
  fs.fail(FsOp::Fsync, 1, EIO);
  PendingSync pending;
  EXPECT_ERROR(w.close(pending), Errc::Io);
  fs.clear();
  // Linux reports a write-back error once per file: a second fdatasync
  // succeeding proves nothing.
  EXPECT_ERROR(pending.run(), Errc::Io);
}

TEST_F(FaultTest, PendingSyncDoesNothingInAForkedChildAndStartsWriteBackInItsProcess) {
  test::SyncLogFs fs;
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), options(fs)));
  test::append_records(w, kSeed, 0, 3, 300);
  PendingSync pending;
  ASSERT_OK(w.close(pending));
  fs.reset_counts();
  test::expect_child_passed(test::run_in_child([&] {
    EXPECT_ERROR(pending.start_writeback(), Errc::Closed);
    EXPECT_ERROR(pending.run(), Errc::Closed);
    EXPECT_EQ(fs.count(FsOp::Fsync), 0);
    EXPECT_EQ(fs.count(FsOp::SyncRange), 0);
  }));
  ASSERT_OK(pending.start_writeback());
  EXPECT_GT(fs.count(FsOp::SyncRange), 0);
  EXPECT_EQ(fs.count(FsOp::Fsync), 0) << "start_writeback() does not wait";
  ASSERT_OK(pending.run());
  EXPECT_GT(fs.count(FsOp::Fsync), 0);
}

TEST_F(FaultTest, BackgroundPreparationFailureIsRetriedByTheRoll) {
  test::FaultFs faulty;
  LogOptions o = options(faulty);
  o.prepare_ahead = true;
  faulty.fail(FsOp::Fallocate, 2, ENOSPC);  // the first background preparation
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
  test::append_records(w, kSeed, 0, 150, 700);
  EXPECT_GE(w.rolls(), 3u);
  EXPECT_EQ(faulty.injected(), 1);
  ASSERT_OK(w.close());
  EXPECT_EQ(test::read_back(dir(), kSeed, 700).seqs, test::iota_seqs(0, 150));
}

}  // namespace
}  // namespace chronicle
