// Regression tests for the library bugs that the crash tests found, each a
// minimal, deterministic reproduction: the short segment tail, the seal race
// and the lock pid bug. All three are fixed; these tests keep them so.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/memory_segment.hpp>
#include <chronicle/segment/segment_cursor.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "crash/crash_harness.hpp"
#include "support/status_matchers.hpp"

namespace chronicle::crash {
namespace {

// Bug (short segment tail), fixed by d69d63f. SegmentCursor::refill_or_end
// (src/segment/segment_cursor.cpp) demanded a whole 32-byte record header at
// the reader's offset before it looked at the commit word there. When the
// records of a live segment end less than 32 bytes before the end of the file
// (the writer keeps only the 8-byte end marker free), the reader at that
// offset returned Step::Failed, "Corruption: ... record needs 32 bytes but the
// segment holds only N bytes at offset O", instead of NothingYet (commit word
// 0: the writer has not rolled yet) or moving on (end marker stored, seal in
// flight). The failure was sticky, so a live tailer died, and a log whose
// writer was killed in that state was unreadable until a writer reopened it.
// Now the commit word alone decides "nothing yet" in that short last slot.
TEST(FoundByCrashTests, ReaderNearTheEndOfALiveSegmentSaysNothingYet) {
  ScratchDir tmp;
  LogOptions options;
  options.segment_size = 4096;
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(tmp.sub("log"), options));
  // Header 128 + one record of 32 + 3920 bytes: the next record would start at
  // 4080, 16 bytes before the end of the segment.
  const std::vector<std::byte> payload(3920, std::byte{1});
  ASSERT_OK(writer.append(1, 1, payload));
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(tmp.sub("log")));
  RecordView view;
  ASSERT_EQ(reader.next(view), Step::Record);
  EXPECT_EQ(reader.next(view), Step::NothingYet) << reader.status().error().to_string();
  // After the roll the reader moves on to the next segment.
  ASSERT_OK(writer.append(2, 2, payload));
  ASSERT_EQ(reader.next(view), Step::Record) << reader.status().error().to_string();
  EXPECT_EQ(view.seq, 1u);
}

// A read-only mapping of a segment file whose header() first runs `before`
// once: the writer, running in another process, between the reader's load of
// a commit word and its read of the header.
class RacingSegment : public MemorySegment {
 public:
  RacingSegment(const std::string& path, const std::byte* data, std::uint64_t size)
      : MemorySegment(path, 0, data, size) {}
  ~RacingSegment() override { ::munmap(const_cast<std::byte*>(data()), size()); }
  SegmentHeader header() const noexcept override {
    if (before) std::exchange(before, nullptr)();
    return MemorySegment::header();
  }
  mutable std::function<void()> before;
};

// Bug (seal race), fixed by 2c3eea4. SegmentCursor::at_uncommitted
// (src/segment/segment_cursor.cpp) is reached after next() loaded a commit
// word of 0, and only then reads the segment header; if the header was sealed
// by then it failed with Corruption, "uncommitted record inside a sealed
// segment" or, at end_of_data, "sealed segment has no end-of-segment marker
// at its end_of_data". But the writer may have committed that record or
// stored the end marker, and sealed the segment, between the two loads (a
// reader preempted there), and a live LogReader failed for good on it. Found
// by TailAcrossWriterKills, where a tailer at the end of a segment hit it
// within a few hundred rolls on 2 cores. Now the cursor loads the commit word
// again once it has seen a sealed header (the seal is stored after every
// commit word and the end marker, with release), and only a commit word still
// 0 then is damage.
class SealRaceTest : public ::testing::Test {
 protected:
  // A 4 KiB-segment log with record 0, and a cursor on segment 0 that has
  // read it.
  void SetUp() override {
    dir_ = tmp_.sub("log");
    LogOptions options;
    options.segment_size = 4096;
    options.prepare_ahead = false;
    auto writer = SegmentWriter::open(dir_, options);
    ASSERT_OK(writer);
    writer_.emplace(std::move(*writer));
    ASSERT_OK(writer_->append(1, 1, small_));
    const std::string path = segment_path(dir_, 0);
    const int fd = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    void* map = ::mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    ASSERT_NE(map, MAP_FAILED);
    auto source = std::make_unique<RacingSegment>(path, static_cast<const std::byte*>(map), 4096);
    racing_ = source.get();
    cursor_ = SegmentCursor(std::move(source));
    RecordView view;
    ASSERT_EQ(cursor_.next(view), CursorStep::Record);
  }
  // Appends a record too large for the rest of segment 0: the writer rolls,
  // storing the end marker and sealing segment 0.
  void roll() {
    ASSERT_OK(writer_->append(3, 3, std::vector<std::byte>(3900, std::byte{2})));
    ASSERT_EQ(writer_->segment_id(), 1u);
  }

  ScratchDir tmp_;
  std::string dir_;
  std::optional<SegmentWriter> writer_;
  const std::vector<std::byte> small_ = std::vector<std::byte>(10, std::byte{1});
  RacingSegment* racing_ = nullptr;
  SegmentCursor cursor_;
};

TEST_F(SealRaceTest, RecordCommittedAndSealedAfterTheCommitLoadIsRead) {
  // The cursor finds no record 1 yet; before it reads the header, the writer
  // appends record 1 and rolls.
  racing_->before = [&] {
    ASSERT_OK(writer_->append(2, 2, small_));
    roll();
  };
  RecordView view;
  const CursorStep step = cursor_.next(view);
  ASSERT_NE(step, CursorStep::Failed) << cursor_.error().to_string();
  if (step == CursorStep::NothingYet) {
    ASSERT_EQ(cursor_.next(view), CursorStep::Record) << cursor_.error().to_string();
  }
  EXPECT_EQ(view.seq, 1u);
}

TEST_F(SealRaceTest, EndMarkerStoredAndSealedAfterTheCommitLoadEndsTheSegment) {
  // The cursor finds nothing after record 0; before it reads the header, the
  // writer rolls, ending segment 0 right there.
  racing_->before = [&] { roll(); };
  RecordView view;
  CursorStep step = cursor_.next(view);
  ASSERT_NE(step, CursorStep::Failed) << cursor_.error().to_string();
  if (step == CursorStep::NothingYet) step = cursor_.next(view);
  EXPECT_EQ(step, CursorStep::EndOfSegment) << cursor_.error().to_string();
}

// Bug (lock pid), fixed by 2c3eea4. DirLock::acquire (src/core/dir_lock.cpp)
// takes the flock first and only then truncates the lock file and writes its
// pid into it. A second writer that failed to take the lock in between read
// the file for its message at once and named "pid unknown" (empty file) or
// the previous holder's pid, a process that may be long dead, instead of the
// holder. Found by I1 (WriterLockRace), which saw "pid unknown" for about a
// third of its losers. Now the Locked error names the flock holder's pid from
// /proc/locks. Here the test plays the holder: it takes the flock while the
// file still names the last writer, a child that has exited, and writes its
// own pid 100 ms later, as a holder descheduled between its two steps would.
TEST(LockPidBugTest, LockedErrorNamesTheHolderNotThePreviousOne) {
  ScratchDir tmp;
  const std::string dir = tmp.sub("log");
  Pipe pipe = Pipe::make();
  Child previous = Child::spawn({dir, "1", "65536", "sync", "1"}, {}, {{3, pipe.write.get()}});
  pipe.write.reset();
  ASSERT_TRUE(previous.wait().exited_with(0));

  const int fd = ::open((dir + "/.lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  std::thread holder([fd] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::string pid = std::to_string(::getpid()) + "\n";
    EXPECT_EQ(::ftruncate(fd, 0), 0);
    EXPECT_EQ(::pwrite(fd, pid.data(), pid.size(), 0), static_cast<ssize_t>(pid.size()));
  });
  auto second = SegmentWriter::open(dir);
  holder.join();
  ::close(fd);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), Errc::Locked);
  EXPECT_EQ(second.error().message().find("pid " + std::to_string(previous.pid())),
            std::string::npos)
      << "names the previous holder: " << second.error().message();
  EXPECT_NE(second.error().message().find("pid " + std::to_string(::getpid())), std::string::npos)
      << second.error().message();
}

}  // namespace
}  // namespace chronicle::crash
