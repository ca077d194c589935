// SegmentWriter::take_spare() and LogOptions::spare: the segment one log
// prepared ahead and will not use becomes another log's first segment (the
// same file, renamed), or is deleted from its own directory.
#include <chronicle/segment/hot_segment.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <string>
#include <vector>

#include "support/fault_fs.hpp"
#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSegmentSize = 64 * 1024;

ino_t inode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

// Every file of `dir` but the lock, sorted.
std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& [name, bytes] : test::files_under(dir)) {
    if (name != ".lock") out.push_back(name);
  }
  return out;
}

class SpareSegmentTest : public TempDirTest {
 protected:
  std::string old_dir() const { return tmp_.sub("old"); }
  std::string new_dir() const { return tmp_.sub("new"); }
  LogOptions options(SpareSegment* spare = nullptr) const {
    LogOptions o;
    o.segment_size = kSegmentSize;
    o.spare = spare;
    return o;
  }
  // A writer on old_dir() with records in segment 0 and segment 1 named
  // ahead.
  SegmentWriter old_writer() {
    auto w = SegmentWriter::open(old_dir(), options());
    EXPECT_OK(w);
    for (int i = 0; i < 10; ++i) EXPECT_OK(w->append(1, i, std::vector<std::byte>(100)));
    for (int i = 0; i < 5000 && !test::exists(segment_path(old_dir(), 1)); ++i) ::usleep(1000);
    EXPECT_TRUE(test::exists(segment_path(old_dir(), 1))) << "segment 1 was not named ahead";
    return std::move(*w);
  }
  static std::uint64_t count(const std::string& dir) {
    auto reader = LogReader::open(dir);
    EXPECT_OK(reader);
    RecordView v;
    std::uint64_t n = 0;
    while (reader->next(v) == Step::Record) ++n;
    return n;
  }
};

TEST_F(SpareSegmentTest, ANewLogStartsWithTheSpareFileRenamedIn) {
  SegmentWriter old = old_writer();
  const ino_t spare_inode = inode_of(segment_path(old_dir(), 1));
  SpareSegment spare = old.take_spare();
  ASSERT_TRUE(spare);

  ASSERT_OK_AND_ASSIGN(auto fresh, SegmentWriter::open(new_dir(), options(&spare)));
  EXPECT_FALSE(spare) << "the adopted spare is still the caller's";
  EXPECT_EQ(inode_of(segment_path(new_dir(), 0)), spare_inode);
  EXPECT_FALSE(test::exists(segment_path(old_dir(), 1)));
  ASSERT_OK_AND_ASSIGN(auto first, HotSegment::open(FileSystem::system(), segment_path(new_dir(), 0), 0));
  EXPECT_EQ(first->header().segment_id, 0u);
  EXPECT_EQ(first->header().base_seq, 0u);

  // Both logs go on as usual: the old one rolls to a segment it prepares
  // then, the new one fills and rolls its adopted segment.
  for (int i = 0; i < 2000; ++i) ASSERT_OK(fresh.append(1, i, std::vector<std::byte>(100)));
  EXPECT_GT(fresh.rolls(), 0u);
  for (int i = 0; i < 2000; ++i) ASSERT_OK(old.append(1, 10 + i, std::vector<std::byte>(100)));
  EXPECT_GT(old.rolls(), 0u);
  ASSERT_OK(fresh.close());
  ASSERT_OK(old.close());
  EXPECT_EQ(count(new_dir()), 2000u);
  EXPECT_EQ(count(old_dir()), 2010u);
}

TEST_F(SpareSegmentTest, ASpareNobodyAdoptsIsDeletedFromItsDirectory) {
  SegmentWriter old = old_writer();
  {
    SpareSegment spare = old.take_spare();
    ASSERT_TRUE(spare);
    EXPECT_TRUE(test::exists(segment_path(old_dir(), 1)));
  }
  EXPECT_FALSE(test::exists(segment_path(old_dir(), 1)));
  ASSERT_OK(old.close());
  EXPECT_EQ(files_in(old_dir()), std::vector<std::string>{"000000000.q"});
}

TEST_F(SpareSegmentTest, ALogWithALiveSegmentResumesItAndLeavesTheSpareToTheCaller) {
  // A writer that dies without closing leaves its segment live (unsealed).
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto w = SegmentWriter::open(new_dir(), options());
    _exit(w && w->append(1, 1, std::vector<std::byte>(8)) ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  SegmentWriter old = old_writer();
  SpareSegment spare = old.take_spare();
  ASSERT_TRUE(spare);
  ASSERT_OK_AND_ASSIGN(auto resumed, SegmentWriter::open(new_dir(), options(&spare)));
  EXPECT_TRUE(spare) << "a log with a live segment took the spare";
  EXPECT_EQ(resumed.segment_id(), 0u);
  EXPECT_EQ(resumed.next_seq(), 1u);
  EXPECT_TRUE(test::exists(segment_path(old_dir(), 1)));
}

TEST_F(SpareSegmentTest, ASealedLogTakesTheSpareAsItsNextSegment) {
  {
    ASSERT_OK_AND_ASSIGN(auto earlier, SegmentWriter::open(new_dir(), options()));
    ASSERT_OK(earlier.append(1, 1, std::vector<std::byte>(8)));
    ASSERT_OK(earlier.close());
  }
  SegmentWriter old = old_writer();
  const ino_t spare_inode = inode_of(segment_path(old_dir(), 1));
  SpareSegment spare = old.take_spare();
  ASSERT_TRUE(spare);
  ASSERT_OK_AND_ASSIGN(auto next, SegmentWriter::open(new_dir(), options(&spare)));
  EXPECT_FALSE(spare);
  EXPECT_EQ(next.segment_id(), 1u);
  EXPECT_EQ(inode_of(segment_path(new_dir(), 1)), spare_inode);
  ASSERT_OK(next.append(1, 2, std::vector<std::byte>(8)));
  ASSERT_OK(next.close());
  EXPECT_EQ(count(new_dir()), 2u);
}

TEST_F(SpareSegmentTest, ASpareOfAnotherSizeIsNotAdopted) {
  SegmentWriter old = old_writer();
  SpareSegment spare = old.take_spare();
  ASSERT_TRUE(spare);
  LogOptions bigger = options(&spare);
  bigger.segment_size = 2 * kSegmentSize;
  ASSERT_OK_AND_ASSIGN(auto other, SegmentWriter::open(new_dir(), bigger));
  EXPECT_TRUE(spare) << "a spare of another size was adopted";
  ASSERT_OK_AND_ASSIGN(auto first,
                       HotSegment::open(FileSystem::system(), segment_path(new_dir(), 0), 0));
  EXPECT_EQ(first->header().capacity, 2 * kSegmentSize);
}

TEST_F(SpareSegmentTest, ASpareWhoseDirectoryWasReplacedTouchesNoOtherFile) {
  SegmentWriter old = old_writer();
  SpareSegment spare = old.take_spare();
  ASSERT_TRUE(spare);
  // The directory is moved away and another made in its place, holding a
  // file of the spare's name.
  ASSERT_EQ(::rename(old_dir().c_str(), tmp_.sub("moved").c_str()), 0);
  ASSERT_EQ(::mkdir(old_dir().c_str(), 0755), 0);
  const std::string other = segment_path(old_dir(), 1);
  test::write_file(other, std::vector<char>(10, 'x'));
  ASSERT_OK_AND_ASSIGN(auto fresh, SegmentWriter::open(new_dir(), options(&spare)));
  EXPECT_TRUE(spare) << "the file at the spare's old name was adopted";
  spare = SpareSegment();
  EXPECT_EQ(test::read_file(other), std::vector<char>(10, 'x'));
  // The spare's own file went with its directory, untouched, and the new
  // log made a segment of its own.
  EXPECT_TRUE(test::exists(segment_path(tmp_.sub("moved"), 1)));
  EXPECT_EQ(test::file_size(segment_path(new_dir(), 0)), kSegmentSize);
}

TEST_F(SpareSegmentTest, AWriterCannotRollWhileItsSpareIsHeld) {
  SegmentWriter old = old_writer();
  SpareSegment spare = old.take_spare();
  ASSERT_TRUE(spare);
  std::uint64_t n = 10;
  Status rolled;
  while (rolled && old.rolls() == 0 && n < 5000) {
    auto seq = old.append(1, n++, std::vector<std::byte>(100));
    if (!seq) rolled = std::move(seq).error();
  }
  EXPECT_FALSE(rolled) << "a roll took the name the spare holds";
  spare = SpareSegment();
  for (int i = 0; i < 3 && old.rolls() == 0; ++i) ASSERT_OK(old.append(1, n++, std::vector<std::byte>(100)));
  EXPECT_EQ(old.rolls(), 1u);
}

TEST_F(SpareSegmentTest, AForkedChildNeitherAdoptsNorDeletesItsParentsSpare) {
  SegmentWriter old = old_writer();
  SpareSegment spare = old.take_spare();
  ASSERT_TRUE(spare);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // No preparer thread: a forked child of a threaded process may not
    // start one under TSan.
    LogOptions o = options(&spare);
    o.prepare_ahead = false;
    auto fresh = SegmentWriter::open(new_dir(), o);
    const bool adopted = !spare;
    spare = SpareSegment();
    _exit(fresh && !adopted ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(test::exists(segment_path(old_dir(), 1))) << "the child deleted the parent's spare";
  EXPECT_TRUE(spare);
}

TEST_F(SpareSegmentTest, AWriterWhoseSpareWasTakenPreparesItsNextSegmentAtTheRoll) {
  SegmentWriter old = old_writer();
  ASSERT_TRUE(old.take_spare());
  EXPECT_FALSE(old.take_spare()) << "a second spare without a roll";
  std::uint64_t n = 10;
  while (old.rolls() < 3) ASSERT_OK(old.append(1, n++, std::vector<std::byte>(100)));
  ASSERT_OK(old.close());
  EXPECT_EQ(count(old_dir()), n);
}

TEST_F(SpareSegmentTest, AFailedRenameFallsBackToANewFileAndLeavesNothingBehind) {
  SegmentWriter old = old_writer();
  SpareSegment spare = old.take_spare();
  ASSERT_TRUE(spare);
  test::FaultFs fs;
  fs.fail(FsOp::Rename, 1, EXDEV);
  LogOptions o = options(&spare);
  o.fs = &fs;
  ASSERT_OK_AND_ASSIGN(auto fresh, SegmentWriter::open(new_dir(), o));
  EXPECT_TRUE(spare) << "the spare was taken although it could not be renamed";
  EXPECT_TRUE(test::exists(segment_path(old_dir(), 1)));
  ASSERT_OK(fresh.append(1, 1, std::vector<std::byte>(8)));
  ASSERT_OK(fresh.close());
  spare = SpareSegment();
  EXPECT_FALSE(test::exists(segment_path(old_dir(), 1)));
  EXPECT_EQ(count(new_dir()), 1u);
}

TEST_F(SpareSegmentTest, ARenameThatCannotBeSyncedFailsTheOpenAndDeletesTheSpare) {
  SegmentWriter old = old_writer();
  SpareSegment spare = old.take_spare();
  ASSERT_TRUE(spare);
  ASSERT_EQ(::mkdir(new_dir().c_str(), 0755), 0);  // so that its parent needs no sync
  test::FaultFs fs;
  fs.fail(FsOp::DirSync, 1, EIO);
  LogOptions o = options(&spare);
  o.fs = &fs;
  auto fresh = SegmentWriter::open(new_dir(), o);
  EXPECT_ERROR(fresh, Errc::Io);
  EXPECT_FALSE(spare);
  EXPECT_FALSE(test::exists(segment_path(old_dir(), 1)));
  EXPECT_EQ(files_in(new_dir()), std::vector<std::string>{});
  // The old log goes on; the new one opens once the directory syncs.
  ASSERT_OK(old.append(1, 10, std::vector<std::byte>(8)));
  fs.clear();
  ASSERT_OK_AND_ASSIGN(auto retried, SegmentWriter::open(new_dir(), o));
  ASSERT_OK(retried.append(1, 1, std::vector<std::byte>(8)));
}

TEST_F(SpareSegmentTest, AClosedOrForkedWriterHasNoSpare) {
  SegmentWriter old = old_writer();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(old.take_spare() ? 1 : 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a forked child took the spare";
  ASSERT_OK(old.close());
  EXPECT_FALSE(old.take_spare());
}

}  // namespace
}  // namespace chronicle
