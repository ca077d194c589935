// I1: 2, 4 and 8 processes, released at the same moment through a barrier
// pipe, all open a SegmentWriter on one log. Exactly one gets it; every
// other gets Locked naming the winner's pid; over all trials the log holds
// the winners' appends and nothing else.
//
// The lock pid bug, fixed, showed here as losers naming "pid unknown" or an
// earlier winner (the holder wrote its pid into the lock file only after it
// had taken the lock); LockPidBugTest in fixed_bugs_test.cpp reproduces it.
// A loser that names anything but the winner's pid fails the test.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crash/crash_harness.hpp"

namespace chronicle::crash {
namespace {

constexpr std::uint64_t kSegmentSize = 64 * 1024;
constexpr int kWinnerAppends = 3;

TEST(WriterLockRace, ExactlyOneOfNProcessesOpensTheLogAndTheOthersNameIt) {
  ScratchDir tmp;
  const std::string dir = tmp.sub("log");
  const std::uint64_t seed = test_seed();
  const int trials = scaled_trials(100);
  announce_seed(seed, trials);
  LogChecker checker(seed, max_len_for(kSegmentSize));
  std::uint64_t expected_end = 0;
  constexpr int kSizes[] = {2, 4, 8};
  int losers = 0;

  for (int trial = 0; trial < trials && !HasFailure(); ++trial) {
    const int n = kSizes[trial % 3];
    SCOPED_TRACE("seed " + std::to_string(seed) + ", trial " + std::to_string(trial) + ", " +
                 std::to_string(n) + " processes");
    Pipe barrier = Pipe::make();
    Pipe hold = Pipe::make();
    std::vector<LockContender> contenders;
    for (int i = 0; i < n; ++i) {
      contenders.push_back(spawn_contender(dir, seed, kSegmentSize, kWinnerAppends,
                                           barrier.read.get(), hold.read.get()));
    }
    barrier.read.reset();
    hold.read.reset();
    for (auto& c : contenders) {
      ASSERT_EQ(c.report.next_line(milliseconds(20000)), "READY");
    }
    barrier.write.reset();  // every contender's read of fd 4 returns at once

    std::vector<std::string> lines;
    for (auto& c : contenders) {
      auto line = c.report.next_line(milliseconds(20000));
      ASSERT_TRUE(line.has_value()) << "contender " << c.child.pid() << " reported nothing";
      lines.push_back(*line);
    }
    hold.write.reset();  // the winner appends and closes
    for (auto& c : contenders) {
      const auto status = c.child.wait_for(milliseconds(20000));
      ASSERT_TRUE(status.has_value()) << "contender " << c.child.pid() << " hangs";
      EXPECT_TRUE(status->exited_with(0)) << "contender " << status->describe();
    }

    int winners = 0;
    pid_t winner = -1;
    for (std::size_t i = 0; i < contenders.size(); ++i) {
      if (lines[i] == "OK " + std::to_string(contenders[i].child.pid())) {
        ++winners;
        winner = contenders[i].child.pid();
      }
    }
    ASSERT_EQ(winners, 1) << "of " << n << " processes, " << winners << " opened the log";
    for (std::size_t i = 0; i < contenders.size(); ++i) {
      if (contenders[i].child.pid() == winner) continue;
      ++losers;
      const std::string& line = lines[i];
      EXPECT_TRUE(line.starts_with("Locked ")) << line;
      EXPECT_NE(line.find("(pid " + std::to_string(winner) + ")"), std::string::npos)
          << "a loser does not name the winner, pid " << winner << ": " << line;
    }
    expected_end += kWinnerAppends;
  }
  std::printf("[   info   ] %d trials, %d losers\n", trials, losers);
  LogRange log;
  ASSERT_TRUE(checker.read(dir, &log));
  EXPECT_EQ(log.end, expected_end) << "the log does not hold exactly the winners' appends";
}

}  // namespace
}  // namespace chronicle::crash
