// Readers cannot damage the log (RELIABILITY S10): every segment a reader
// maps is mapped PROT_READ, so a store through a view it returned faults
// instead of changing the log; the writer maps only the segment it writes
// (and the one it prepares) writable.
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/log_builder.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSeed = 11;
// The exit status of the death tests' child when its store faulted on a
// mapped page it may not write (SEGV_ACCERR), as opposed to an unmapped one.
constexpr int kWriteRefused = 42;

void exit_on_write_fault(int, siginfo_t* info, void*) {
  ::_exit(info->si_code == SEGV_ACCERR ? kWriteRefused : 1);
}

// Stores one byte at `at`; the process exits with kWriteRefused if the
// page is mapped read-only. Own handler rather than the default action, so
// the check holds under ASan too (which would turn the SIGSEGV into an abort).
void store_through(const std::byte* at) {
  struct sigaction sa {};
  sa.sa_sigaction = exit_on_write_fault;
  sa.sa_flags = SA_SIGINFO;
  ::sigaction(SIGSEGV, &sa, nullptr);
  *const_cast<volatile std::byte*>(at) = std::byte{0x5A};
  ::_exit(0);
}

class ReaderProtectionDeathTest : public TempDirTest {
 protected:
  std::string dir() const { return tmp_.sub("log"); }
  // Two sealed 8 KiB segments and a live one, its writer still open.
  SegmentWriter live_log() {
    LogOptions o;
    o.segment_size = 8192;
    auto w = SegmentWriter::open(dir(), o);
    EXPECT_OK(w);
    test::append_records(*w, kSeed, 0, 150, 200);
    EXPECT_GE(w->segment_id(), 2u);
    return std::move(*w);
  }
};

TEST_F(ReaderProtectionDeathTest, WritingThroughAViewOfASealedSegmentFaults) {
  SegmentWriter w = live_log();
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  ASSERT_EQ(reader.segment_id(), 0u);
  // The record's commit word: the first byte a bad store could break.
  const std::byte* record = v.payload.data() - kRecordHeaderSize;
  EXPECT_EXIT(store_through(record), ::testing::ExitedWithCode(kWriteRefused), "");
  EXPECT_EXIT(store_through(record + kRecordHeaderSize + v.payload.size() - 1),
              ::testing::ExitedWithCode(kWriteRefused), "");
}

TEST_F(ReaderProtectionDeathTest, WritingThroughAViewOfTheLiveSegmentFaults) {
  SegmentWriter w = live_log();
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  while (reader.next(v) == Step::Record && reader.segment_id() != w.segment_id()) {
  }
  ASSERT_EQ(reader.segment_id(), w.segment_id());
  // The writer maps the same file writable; the reader's mapping is its own.
  EXPECT_EXIT(store_through(v.payload.data() - kRecordHeaderSize),
              ::testing::ExitedWithCode(kWriteRefused), "");
  const test::ReadBack back = test::read_back(dir(), kSeed, 200);
  EXPECT_EQ(back.seqs, test::iota_seqs(0, 150));
  EXPECT_OK(back.status);
}

// The writable shared mappings of this process's files in `dir`, by file name.
std::vector<std::string> writable_mappings_in(const std::string& dir) {
  std::ifstream maps("/proc/self/maps");
  std::vector<std::string> out;
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields(line);
    std::string range, perms, offset, device, inode, path;
    fields >> range >> perms >> offset >> device >> inode >> path;
    if (perms.size() == 4 && perms[1] == 'w' && path.rfind(dir + "/", 0) == 0) {
      out.push_back(path.substr(dir.size() + 1));
    }
  }
  return out;
}

// A rolled-off segment's mapping is released by the writer's background
// thread (munmap of a large mapping is slow), so it may outlive the roll by a
// moment: wait for it, boundedly.
TEST_F(ReaderProtectionDeathTest, TheWriterMapsOnlyItsLiveAndPreparedSegmentsWritable) {
  SegmentWriter w = live_log();
  const std::string live = segment_file_name(w.segment_id());
  // The prepared segment, under its temporary name or named ahead.
  const std::string next = segment_file_name(w.segment_id() + 1);
  auto others = [&] {
    std::vector<std::string> out;
    for (const std::string& name : writable_mappings_in(dir())) {
      const auto parsed = parse_segment_file_name(name);
      if (name != live && name != next && !(parsed && parsed->suffix == kPrepSuffix)) {
        out.push_back(name);
      }
    }
    return out;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!others().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(others(), std::vector<std::string>{});
  EXPECT_FALSE(writable_mappings_in(dir()).empty()) << "the live segment is not mapped?";
}

}  // namespace
}  // namespace chronicle
