// I3: the writer lock dies with its holder. After a SIGKILL of the writer
// child, a new writer opens the log on its first try, recovers it (P1-P4,
// P6), and a third process is then told the new holder's pid, not the dead
// one's that the lock file held before.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "crash/crash_harness.hpp"

namespace chronicle::crash {
namespace {

constexpr std::uint64_t kSegmentSize = 64 * 1024;

// Tries to open the log from a separate process, which must be told Locked
// naming `holder`.
void expect_locked_by(const std::string& dir, std::uint64_t seed, pid_t holder) {
  Pipe barrier = Pipe::make();
  Pipe hold = Pipe::make();
  LockContender c =
      spawn_contender(dir, seed, kSegmentSize, 0, barrier.read.get(), hold.read.get());
  barrier.read.reset();
  barrier.write.reset();
  hold.read.reset();
  hold.write.reset();
  ASSERT_EQ(c.report.next_line(milliseconds(20000)), "READY");
  const auto line = c.report.next_line(milliseconds(20000));
  ASSERT_TRUE(line.has_value());
  EXPECT_TRUE(line->starts_with("Locked ")) << *line;
  EXPECT_NE(line->find("pid " + std::to_string(holder) + ")"), std::string::npos)
      << "expected the holder's pid " << holder << ": " << *line;
  const auto status = c.child.wait_for(milliseconds(20000));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->exited_with(0)) << status->describe();
}

TEST(LockRelease, NewWriterGetsTheLockAtOnceAfterTheHolderIsKilled) {
  ScratchDir tmp;
  const std::string dir = tmp.sub("log");
  const std::uint64_t seed = test_seed();
  const int trials = scaled_trials(5);
  announce_seed(seed, trials);
  std::mt19937_64 rng(seed);
  LogOptions options;
  options.segment_size = kSegmentSize;
  LogChecker checker(seed, max_len_for(kSegmentSize));
  LogRange log;

  for (int trial = 0; trial < trials && !HasFailure(); ++trial) {
    SCOPED_TRACE("seed " + std::to_string(seed) + ", trial " + std::to_string(trial));
    Pipe pipe = Pipe::make();
    Child holder = Child::spawn({dir, std::to_string(seed), std::to_string(kSegmentSize), "append"},
                                {}, {{3, pipe.write.get()}});
    pipe.write.reset();
    SeqStream acks(std::move(pipe.read));
    const std::size_t target = 1 + rng() % 500;
    while (acks.size() < target && acks.poll(milliseconds(20))) {
    }
    ASSERT_GE(acks.size(), target) << "the writer child stopped early";
    // It acknowledged appends, so it holds the lock.
    auto refused = SegmentWriter::open(dir, options);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code(), Errc::Locked) << refused.error().to_string();
    EXPECT_NE(refused.error().message().find("pid " + std::to_string(holder.pid()) + ")"),
              std::string::npos)
        << refused.error().message();

    ASSERT_TRUE(holder.running());
    holder.kill();
    const ExitStatus status = holder.wait();
    ASSERT_TRUE(status.killed_by(SIGKILL)) << status.describe();
    const auto killed = Clock::now();
    {
      // First try, no retry loop: the kernel dropped the flock with the holder.
      auto writer = SegmentWriter::open(dir, options);
      const auto waited = Clock::now() - killed;
      ASSERT_TRUE(writer.has_value()) << writer.error().to_string();
      EXPECT_LT(waited, std::chrono::seconds(5));  // no retry-and-sleep loop; generous for loaded CI
      expect_locked_by(dir, seed, ::getpid());
      ASSERT_TRUE(acks.drain());
      ASSERT_TRUE(acks_contiguous(acks, log.end));
      LogRange r;
      ASSERT_TRUE(checker.read(dir, &r));
      ASSERT_TRUE(no_loss_no_hole(log, acks, r));
      EXPECT_EQ(writer->next_seq(), r.end);
      log = r;
    }
    ASSERT_TRUE(reopen_and_extend(dir, options, checker, log, 1 + rng() % 8, &log));
  }
  if (HasFailure()) save_artifacts(dir, seed, -1);
}

}  // namespace
}  // namespace chronicle::crash
