// Minimal reproductions of library bugs that the crash tests found. Each test
// is DISABLED_ until the bug is fixed; then enable it, and set
// kToleratesShortTailBug (crash_records.hpp) to false.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "crash/crash_harness.hpp"
#include "support/status_matchers.hpp"

namespace chronicle::crash {
namespace {

// Bug (short segment tail): SegmentCursor::refill_or_end
// (src/segment/segment_cursor.cpp) demands a whole 32-byte record header at
// the reader's offset before it looks at the commit word there. When the
// records of a live segment end less than 32 bytes before the end of the file
// (the writer keeps only the 8-byte end marker free), the reader at that
// offset returns Step::Failed, "Corruption: ... record needs 32 bytes but the
// segment holds only N bytes at offset O", instead of NothingYet (commit word
// 0: the writer has not rolled yet) or moving on (end marker stored, seal in
// flight). The failure is sticky, so a live tailer dies, and a log whose
// writer was killed in that state is unreadable until a writer reopens it.
TEST(KnownBugs, DISABLED_ReaderNearTheEndOfALiveSegmentSaysNothingYet) {
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
  EXPECT_EQ(reader.next(view), Step::Record) << reader.status().error().to_string();
  EXPECT_EQ(view.seq, 1u);
}

}  // namespace
}  // namespace chronicle::crash
