// `chronicle cat --follow`: tails a live log across segment rolls and ends
// cleanly, with exit status 0, on SIGTERM or SIGINT.

#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

class CliFollowTest : public CliTest {};

// True once `out` holds the line of record `seq`.
auto has_seq(std::uint64_t seq) {
  return [seq](const std::string& out) {
    const std::string line = std::to_string(seq) + " 2026-";
    return out.rfind(line, 0) == 0 || out.find("\n" + line) != std::string::npos;
  };
}

TEST_F(CliFollowTest, SeesRecordsAppendedAfterItStartedAndExitsZeroOnSigterm) {
  SegmentWriter w = open_writer(log_dir());
  for (std::uint64_t seq = 0; seq < 3; ++seq) append_record(w, seq);
  CliProcess cat({"cat", "--follow", log_dir()});
  ASSERT_TRUE(cat.wait_for_output(has_seq(2))) << cat.out() << cat.err();

  // Enough to roll twice while the follower waits.
  for (std::uint64_t seq = 3; seq < 70; ++seq) append_record(w, seq);
  ASSERT_TRUE(cat.wait_for_output(has_seq(69))) << cat.out() << cat.err();

  cat.send_signal(SIGTERM);
  EXPECT_EQ(cat.wait(), 0) << cat.err();
  EXPECT_TRUE(cat.err().empty()) << cat.err();
  const auto lines = lines_of(cat.out());
  ASSERT_EQ(lines.size(), 70u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].rfind(std::to_string(i) + " ", 0), 0u) << lines[i];
  }
}

TEST_F(CliFollowTest, WaitsForTheFirstSegmentOfAnEmptyLogAndExitsZeroOnSigint) {
  ASSERT_EQ(::mkdir(log_dir().c_str(), 0755), 0);
  CliProcess cat({"cat", "--follow", "--json", log_dir()});
  // Give it time to start waiting on the empty directory.
  EXPECT_FALSE(cat.wait_for_output(has_seq(0), std::chrono::milliseconds(200)));
  SegmentWriter w = open_writer(log_dir());
  for (std::uint64_t seq = 0; seq < 5; ++seq) append_record(w, seq);
  ASSERT_TRUE(cat.wait_for_output([](const std::string& out) {
    return lines_of(out).size() == 5 && out.back() == '\n';
  })) << cat.out()
      << cat.err();
  cat.send_signal(SIGINT);
  EXPECT_EQ(cat.wait(), 0) << cat.err();
  EXPECT_TRUE(cat.err().empty()) << cat.err();
}

TEST_F(CliFollowTest, FollowWithLimitEndsByItself) {
  SegmentWriter w = open_writer(log_dir());
  append_record(w, 0);
  CliProcess cat({"cat", "--follow", "--limit", "4", log_dir()});
  ASSERT_TRUE(cat.wait_for_output(has_seq(0))) << cat.err();
  for (std::uint64_t seq = 1; seq < 10; ++seq) append_record(w, seq);
  EXPECT_EQ(cat.wait(std::chrono::seconds(10)), 0) << cat.err();
  EXPECT_EQ(lines_of(cat.out()).size(), 4u) << cat.out();
}

}  // namespace
}  // namespace chronicle::test
