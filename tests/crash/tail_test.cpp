// Live tailing across processes: a tail child follows a log that a writer
// child appends to, through segment rolls (DESIGN §2), and A5: tailers, one
// per wait strategy, keep following without a restart while the writer is
// killed and restarted again and again (P5: no re-delivery, no skip, never a
// torn record; each tail child checks every record's content itself).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chronicle/segment/segment_store.hpp>
#include <random>
#include <string>
#include <thread>

#include "crash/crash_harness.hpp"

namespace chronicle::crash {
namespace {

constexpr std::uint64_t kSegmentSize = 16 * 1024;
constexpr const char* kWaits[] = {"spin", "yield", "backoff"};

// A tail child and what it has delivered so far.
class Tailer {
 public:
  // Starts a tail child on `dir` with wait strategy `wait`, stopping after
  // `end` records (0: never), and waits until its reader is open.
  Tailer(const std::string& dir, std::uint64_t seed, const std::string& wait, std::uint64_t end)
      : wait_(wait), child_(start(dir, seed, wait, end)), stream_(std::move(pipe_.read)) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (stream_.size() == 0 && stream_.poll(milliseconds(10)) && Clock::now() < deadline) {
    }
    ready_ = stream_.size() > 0 && stream_.values()[0] == kTailReady;
  }

  bool ready() const { return ready_; }
  const std::string& wait() const { return wait_; }
  Child& child() { return child_; }

  // Takes what the child reported; true while it has not closed its pipe.
  bool poll(milliseconds timeout = milliseconds(0)) { return stream_.poll(timeout); }
  // Seqs delivered so far (the ready mark excluded).
  std::uint64_t delivered() const { return stream_.size() - 1; }

  // P5 so far: the deliveries are 0, 1, 2, ... with no gap or repeat, and
  // none lies beyond the log's end `end` (a tailer delivers committed records
  // only, so a prefix of what a reader reads after the crash).
  ::testing::AssertionResult delivered_a_prefix_of(std::uint64_t end) const {
    const auto& v = stream_.values();
    for (std::size_t i = 1; i < v.size(); ++i) {
      if (v[i] != i - 1) {
        return ::testing::AssertionFailure()
               << wait_ << " tailer delivered seq " << v[i] << " as its delivery #" << i - 1
               << (v[i] < i - 1 ? " (re-delivery)" : " (skip)");
      }
    }
    if (delivered() > end) {
      return ::testing::AssertionFailure()
             << wait_ << " tailer delivered " << delivered() << " records, the log holds " << end;
    }
    if (stream_.leftover() != 0) {
      return ::testing::AssertionFailure() << wait_ << " tailer wrote a partial report";
    }
    return ::testing::AssertionSuccess();
  }

  // Waits up to `timeout` until `n` records were delivered.
  bool wait_for_delivered(std::uint64_t n, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (delivered() < n && Clock::now() < deadline) {
      if (!poll(milliseconds(10))) break;
    }
    return delivered() >= n;
  }

 private:
  Child start(const std::string& dir, std::uint64_t seed, const std::string& wait,
              std::uint64_t end) {
    pipe_ = Pipe::make();
    Child child = Child::spawn({dir, std::to_string(seed), std::to_string(kSegmentSize), "tail",
                                wait, std::to_string(end)},
                               {}, {{3, pipe_.write.get()}});
    pipe_.write.reset();
    return child;
  }

  std::string wait_;
  Pipe pipe_;  // declared before child_ and stream_, which start() fills
  Child child_;
  SeqStream stream_;
  bool ready_ = false;
};

class CrossProcessTailTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CrossProcessTailTest, TailChildSeesEveryRecordOnceAcrossRolls) {
  ScratchDir tmp;
  const std::string dir = tmp.sub("log");
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  const std::uint64_t seed = test_seed();
  announce_seed(seed, 1);
  constexpr std::uint64_t kRecords = 3000;

  Tailer tailer(dir, seed, GetParam(), kRecords);
  ASSERT_TRUE(tailer.ready()) << "the tail child did not start following";
  Pipe pipe = Pipe::make();
  // Paced (1 ms every 64 records) so that the tailer keeps catching up with
  // the writer and waits at the end of the log, also at segment ends.
  Child writer = Child::spawn({dir, std::to_string(seed), std::to_string(kSegmentSize), "sync",
                               std::to_string(kRecords), "1000"},
                              {}, {{3, pipe.write.get()}});
  pipe.write.reset();
  SeqStream acks(std::move(pipe.read));
  while (acks.poll(milliseconds(10))) tailer.poll();
  const ExitStatus ws = writer.wait();
  ASSERT_TRUE(ws.exited_with(0)) << "writer child " << ws.describe();
  ASSERT_EQ(acks.size(), kRecords);
  ASSERT_TRUE(acks_contiguous(acks, 0));

  EXPECT_TRUE(tailer.wait_for_delivered(kRecords, milliseconds(30000)))
      << "the tailer delivered " << tailer.delivered() << " of " << kRecords;
  const auto ts = tailer.child().wait_for(milliseconds(10000));
  ASSERT_TRUE(ts.has_value()) << "the tail child did not stop after its last record";
  EXPECT_TRUE(ts->exited_with(0)) << "tail child " << ts->describe();
  tailer.poll(milliseconds(100));
  EXPECT_EQ(tailer.delivered(), kRecords);
  EXPECT_TRUE(tailer.delivered_a_prefix_of(kRecords));

  auto segments = list_segments(dir);
  ASSERT_TRUE(segments.has_value());
  EXPECT_GE(segments->size(), 4u) << "the workload must roll at least 3 times";
}

INSTANTIATE_TEST_SUITE_P(Wait, CrossProcessTailTest, ::testing::ValuesIn(kWaits),
                         [](const auto& p) { return std::string(p.param); });

// A5: three tailers (spin, yield, backoff) follow one log while a writer
// child is killed (at a random 0-30 ms or after 1-2000 acknowledgements) and
// restarted after a random 0-200 ms, cycle after cycle; every fourth cycle the
// test itself reopens the log and appends, so tailers also cross a closed
// segment into a new one. After every kill the log satisfies P1-P3 and every
// tailer has delivered a prefix of it; at the end each has delivered every
// record exactly once, in order, without a restart.
TEST(TailAcrossWriterKills, TailersNeverRedeliverOrSkipWhileTheWriterIsKilled) {
  ScratchDir tmp;
  const std::string dir = tmp.sub("log");
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  const std::uint64_t seed = test_seed();
  const int cycles = scaled_trials(20);
  announce_seed(seed, cycles);
  std::mt19937_64 rng(seed);
  LogOptions options;
  options.segment_size = kSegmentSize;
  LogChecker checker(seed, max_len_for(kSegmentSize));

  std::vector<std::unique_ptr<Tailer>> tailers;
  for (const char* wait : kWaits) {
    tailers.push_back(std::make_unique<Tailer>(dir, seed, wait, 0));
    ASSERT_TRUE(tailers.back()->ready()) << wait << " tail child did not start following";
  }
  auto check_tailers = [&](std::uint64_t end) {
    for (auto& t : tailers) {
      EXPECT_TRUE(t->poll()) << t->wait() << " tail child ended: " << t->child().wait().describe();
      EXPECT_TRUE(t->delivered_a_prefix_of(end));
    }
  };

  LogRange log;
  for (int cycle = 0; cycle < cycles && !HasFailure(); ++cycle) {
    SCOPED_TRACE("seed " + std::to_string(seed) + ", cycle " + std::to_string(cycle));
    Pipe pipe = Pipe::make();
    Child writer = Child::spawn({dir, std::to_string(seed), std::to_string(kSegmentSize), "append"},
                                {}, {{3, pipe.write.get()}});
    pipe.write.reset();
    SeqStream acks(std::move(pipe.read));
    const auto start = Clock::now();
    if (rng() % 2 == 0) {
      const auto deadline = start + std::chrono::microseconds(rng() % 30'001);
      for (auto now = Clock::now(); now < deadline && !acks.eof(); now = Clock::now()) {
        acks.poll(std::chrono::duration_cast<milliseconds>(deadline - now) + milliseconds(1));
      }
    } else {
      const std::size_t target = 1 + rng() % 2000;
      const auto deadline = start + std::chrono::seconds(30);
      while (acks.size() < target && !acks.eof() && Clock::now() < deadline) {
        acks.poll(milliseconds(20));
      }
    }
    ASSERT_TRUE(writer.running()) << "the writer child ended by itself: "
                                  << writer.wait().describe();
    writer.kill();
    const ExitStatus status = writer.wait();
    ASSERT_TRUE(status.killed_by(SIGKILL)) << status.describe();
    ASSERT_TRUE(acks.drain());
    ASSERT_TRUE(acks_contiguous(acks, log.end));
    LogRange r;
    ASSERT_TRUE(checker.read(dir, &r));
    ASSERT_TRUE(no_loss_no_hole(log, acks, r));
    log = r;
    check_tailers(log.end);
    if (cycle % 4 == 3) {
      ASSERT_TRUE(reopen_and_extend(dir, options, checker, r, 1 + rng() % 8, &log));
    }
    // The writer stays away for 0-200 ms; the tailers wait meanwhile.
    const auto back = Clock::now() + milliseconds(rng() % 201);
    while (Clock::now() < back) std::this_thread::sleep_for(milliseconds(5));
  }
  if (HasFailure()) {
    save_artifacts(dir, seed, -1);
    return;
  }
  // A last writer appends a few more, so the tailers must also pick up after
  // the last kill.
  ASSERT_TRUE(reopen_and_extend(dir, options, checker, log, 10, &log));
  for (auto& t : tailers) {
    EXPECT_TRUE(t->wait_for_delivered(log.end, milliseconds(30000)))
        << t->wait() << " tailer delivered " << t->delivered() << " of " << log.end;
    EXPECT_TRUE(t->child().running())
        << t->wait() << " tail child ended: " << t->child().wait().describe();
  }
  std::this_thread::sleep_for(milliseconds(50));
  check_tailers(log.end);
  for (auto& t : tailers) {
    EXPECT_EQ(t->delivered(), log.end) << t->wait();
    t->child().kill();
    EXPECT_TRUE(t->child().wait().killed_by(SIGKILL));
  }
  std::printf("[   info   ] %d writer kills, %llu records, each delivered once to 3 tailers\n",
              cycles, static_cast<unsigned long long>(log.end));
}

}  // namespace
}  // namespace chronicle::crash
