// A1: the crash child appends to one log and is killed with SIGKILL at a
// random moment, trial after trial; after every kill the log must hold every
// acknowledged append and nothing torn (P1-P3), and on half of the trials
// (and the last) a writer reopened by the test must resume right after it
// (P4) and recover idempotently (P6). On the other trials the crash is left
// for the next child to recover, so that crashes pile up, including crashes
// during recovery.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <random>
#include <string>

#include "crash/crash_harness.hpp"

namespace chronicle::crash {
namespace {

constexpr std::uint64_t kSegmentSize = 64 * 1024;

struct Filesystem {
  const char* name;
  const char* base;  // nullptr: $TMPDIR or /tmp (the work disk)
  int ci_trials;
};

class KillLoopTest : public ::testing::TestWithParam<Filesystem> {};

TEST_P(KillLoopTest, EveryAcknowledgedAppendSurvivesRandomKills) {
  const Filesystem fs = GetParam();
  if (fs.base != nullptr) {
    struct stat st {};
    if (::stat(fs.base, &st) != 0 || !S_ISDIR(st.st_mode)) {
      GTEST_SKIP() << fs.base << " does not exist here";
    }
  }
  ScratchDir tmp(fs.base != nullptr ? fs.base : "");
  const std::string dir = tmp.sub("log");
  // A timed kill may come before the first child has created the log; the
  // directory exists from the start so that such a trial reads an empty log.
  std::filesystem::create_directories(dir);
  const std::uint64_t seed = test_seed();
  const int trials = scaled_trials(fs.ci_trials);
  announce_seed(seed, trials);
  std::mt19937_64 rng(seed);
  LogOptions options;
  options.segment_size = kSegmentSize;
  LogChecker checker(seed, max_len_for(kSegmentSize));
  LogRange log;  // the log as the last trial left it
  int by_time = 0, by_count = 0, reopened = 0;
  std::uint64_t acked = 0;

  for (int trial = 0; trial < trials; ++trial) {
    SCOPED_TRACE("seed " + std::to_string(seed) + ", trial " + std::to_string(trial));
    Pipe pipe = Pipe::make();
    Child child = Child::spawn({dir, std::to_string(seed), std::to_string(kSegmentSize), "append"},
                               {}, {{3, pipe.write.get()}});
    pipe.write.reset();
    SeqStream acks(std::move(pipe.read));
    const auto start = Clock::now();
    if (rng() % 2 == 0) {
      ++by_time;
      const auto deadline = start + std::chrono::microseconds(rng() % 30'001);
      for (auto now = Clock::now(); now < deadline && !acks.eof(); now = Clock::now()) {
        acks.poll(std::chrono::duration_cast<milliseconds>(deadline - now) + milliseconds(1));
      }
    } else {
      ++by_count;
      const std::size_t target = 1 + rng() % 5000;
      const auto deadline = start + std::chrono::seconds(30);
      while (acks.size() < target && !acks.eof() && Clock::now() < deadline) {
        acks.poll(milliseconds(20));
      }
    }
    // The child must still be running: any other end is a failure of its own.
    if (!child.running()) {
      acks.drain();
      ADD_FAILURE() << "the crash child ended before it was killed: " << child.wait().describe();
    } else {
      child.kill();
      const ExitStatus status = child.wait();
      EXPECT_TRUE(status.killed_by(SIGKILL)) << status.describe();
      EXPECT_TRUE(acks.drain()) << "the report pipe stayed open after the child died";
    }
    acked += acks.size();
    EXPECT_TRUE(acks_contiguous(acks, log.end));

    // Every 16th and the last trial compare every payload byte of the log;
    // the others those of the records that are new since the last read.
    const bool full = trial % 16 == 15 || trial == trials - 1;
    LogRange r;
    EXPECT_TRUE(checker.read(dir, &r, full));
    EXPECT_TRUE(no_loss_no_hole(log, acks, r));
    if (!HasFailure()) log = r;
    if (!HasFailure() && (rng() % 2 == 0 || trial == trials - 1)) {
      ++reopened;
      EXPECT_TRUE(reopen_and_extend(dir, options, checker, r, 1 + rng() % 8, &log, nullptr, full));
    }
    if (HasFailure()) {
      save_artifacts(dir, seed, trial);
      break;
    }
  }
  std::printf(
      "[   info   ] %d trials (%d timed, %d counted kills, %d reopened), %llu acks, "
      "%llu records\n",
      trials, by_time, by_count, reopened, static_cast<unsigned long long>(acked),
      static_cast<unsigned long long>(log.end));
}

INSTANTIATE_TEST_SUITE_P(Crash, KillLoopTest,
                         ::testing::Values(Filesystem{"disk", nullptr, 200},
                                           Filesystem{"tmpfs", "/dev/shm", 50}),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace chronicle::crash
