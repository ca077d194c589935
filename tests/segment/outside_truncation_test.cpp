// A mapped sealed segment shrunk by someone else (RELIABILITY E8). Outside
// the contract, and documented so: a load from a mapped page past the new
// end of the file raises SIGBUS, which only a process-wide signal handler
// could turn into an error, and a library must not install one. This death
// test shows what happens; chronicle itself never shrinks a file that may be
// mapped (B3 rule 5, checked by powerloss/io_order_audit_test.cpp).
#include <sys/wait.h>

#include <csignal>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "support/files.hpp"
#include "support/log_builder.hpp"
#include "support/sanitizers.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSeed = 16;

// Killed by SIGBUS. Under a sanitizer its own handler reports the fault
// ("BUS on unknown address") and then aborts or exits non-zero.
bool died_of_sigbus(int status) {
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS) return true;
  return !test::kSanitizer.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

class OutsideTruncationDeathTest : public TempDirTest {};

TEST_F(OutsideTruncationDeathTest, ReadingASealedSegmentShrunkFromOutsideRaisesSigbus) {
  const std::string dir = tmp_.sub("log");
  {
    auto w = SegmentWriter::open(dir, LogOptions{.segment_size = 64 * 1024});
    ASSERT_OK(w);
    test::append_records(*w, kSeed, 0, 100);
    ASSERT_OK(w->close());
  }
  EXPECT_EXIT(
      {
        auto reader = LogReader::open(dir);  // maps segment 0 and closes its descriptor
        if (!reader) std::_Exit(2);
        test::truncate_file(segment_path(dir, 0), 0);
        RecordView v;
        while (reader->next(v) == Step::Record) {
        }
        std::_Exit(0);  // not reached: the first load faults
      },
      died_of_sigbus, test::kSanitizer.empty() ? "" : "BUS");
}

}  // namespace
}  // namespace chronicle
