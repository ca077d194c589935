// A log directory removed or replaced while its writer is live (RELIABILITY
// I5): the next roll, sync() and close() report it, and nothing is ever
// written into the directory that took its place.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/table/writer/time_series_writer.hpp>

#include "support/log_builder.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSeed = 9;

// Removes `dir` like `rm -r`. The writer's preparer thread may be creating or
// renaming its next segment in there meanwhile, which makes one pass of
// remove_all fail (a name gone, or a name added): try again.
void remove_tree(const std::string& dir) {
  std::error_code error;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::filesystem::remove_all(dir, error);
    if (!error) return;
  }
  ADD_FAILURE() << "could not remove " << dir << ": " << error.message();
}

class DirectoryReplacedTest : public TempDirTest {
 protected:
  std::string dir() const { return tmp_.sub("log"); }

  static LogOptions options() { return LogOptions{.segment_size = 4096}; }

  // Appends from `from` until an append fails (a roll, once the live segment
  // is full); returns that error.
  static Error append_until_failure(SegmentWriter& w, std::uint64_t from) {
    for (std::uint64_t s = from; s < from + 1000; ++s) {
      auto r = w.append(test::type_for(kSeed, s), test::timestamp_for(kSeed, s),
                        test::payload_for(kSeed, s, 300));
      if (!r) return std::move(r).error();
    }
    ADD_FAILURE() << "1000 appends into 4 KiB segments never rolled";
    return Error();
  }

  void expect_names_the_directory(const Error& e) const {
    ASSERT_TRUE(e);
    EXPECT_EQ(e.code(), Errc::Io) << e.to_string();
    EXPECT_NE(e.message().find(dir() + ": log directory was removed"), std::string::npos)
        << e.message();
  }
};

TEST_F(DirectoryReplacedTest, RemovedAndMadeAgainFailsSyncRollAndCloseAndWritesNothingThere) {
  auto w = SegmentWriter::open(dir(), options());
  ASSERT_OK(w);
  test::append_records(*w, kSeed, 0, 5);
  ASSERT_OK(w->sync());

  remove_tree(dir());
  std::filesystem::create_directory(dir());
  const Status synced = w->sync();
  ASSERT_FALSE(synced);
  expect_names_the_directory(synced.error());
  expect_names_the_directory(append_until_failure(*w, 5));
  // A failed check poisons sync() for good, like a failed fsync.
  EXPECT_ERROR(w->sync(), Errc::Io);
  const Status closed = w->close();
  ASSERT_FALSE(closed);
  expect_names_the_directory(closed.error());
  EXPECT_TRUE(std::filesystem::is_empty(dir()));

  // The new directory is a new, empty log.
  auto fresh = SegmentWriter::open(dir(), options());
  ASSERT_OK(fresh);
  EXPECT_EQ(fresh->next_seq(), 0u);
}

TEST_F(DirectoryReplacedTest, RemovedWithoutReplacementIsTheSameClearError) {
  auto w = SegmentWriter::open(dir(), options());
  ASSERT_OK(w);
  test::append_records(*w, kSeed, 0, 3);
  remove_tree(dir());
  const Status synced = w->sync();
  ASSERT_FALSE(synced);
  expect_names_the_directory(synced.error());
  expect_names_the_directory(append_until_failure(*w, 3));
  EXPECT_FALSE(std::filesystem::exists(dir()));
}

TEST_F(DirectoryReplacedTest, RenamedAwayKeepsEveryAcknowledgedRecordUnderItsNewName) {
  auto w = SegmentWriter::open(dir(), options());
  ASSERT_OK(w);
  test::append_records(*w, kSeed, 0, 3);
  const std::string moved = tmp_.sub("moved");
  std::filesystem::rename(dir(), moved);
  std::filesystem::create_directory(dir());
  expect_names_the_directory(append_until_failure(*w, 3));
  const std::uint64_t acknowledged = w->next_seq();
  EXPECT_FALSE(w->close());
  EXPECT_TRUE(std::filesystem::is_empty(dir()));

  const auto got = test::read_back(moved, kSeed);
  EXPECT_EQ(got.seqs, test::iota_seqs(0, acknowledged));
}

TEST_F(DirectoryReplacedTest, ARemovedLockFileIsReportedToo) {
  // Without its lock file a second writer could lock the log anew.
  auto w = SegmentWriter::open(dir(), options());
  ASSERT_OK(w);
  test::append_records(*w, kSeed, 0, 3);
  std::filesystem::remove(dir() + "/.lock");
  EXPECT_ERROR(w->sync(), Errc::Io);
}

TEST_F(DirectoryReplacedTest, TheTableWriterWritesNoIndexIntoTheReplacement) {
  TimeSeriesOptions o;
  o.log = options();
  auto w = TimeSeriesWriter::open(dir(), o);
  ASSERT_OK(w);
  for (std::uint64_t s = 0; s < 5; ++s) {
    ASSERT_OK(w->append(1, test::timestamp_for(kSeed, s), test::payload_for(kSeed, s, 100)));
  }
  remove_tree(dir());
  std::filesystem::create_directory(dir());
  EXPECT_ERROR(w->close(), Errc::Io);
  EXPECT_TRUE(std::filesystem::is_empty(dir()));
}

}  // namespace
}  // namespace chronicle
