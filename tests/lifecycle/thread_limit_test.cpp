// No thread to be had (RELIABILITY C3's address-space limit, set here below
// one thread stack in a forked child): each place that starts a thread
// degrades or reports Io, where an uncaught std::system_error would end the
// process. The lifecycle's workers leave their jobs to the calling thread,
// a cold reader decompresses without read-ahead, an access tracker works
// without its flush thread, and the background mode says it cannot start.
// Skipped under sanitizers, which reserve terabytes of address space.
#include <sys/resource.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <chronicle/lifecycle/access_tracker.hpp>

#include "lifecycle/lifecycle_fixture.hpp"
#include "support/child_process.hpp"
#include "support/process_resources.hpp"
#include "support/sanitizers.hpp"

namespace chronicle::test {
namespace {

// Room for compressing a 16 KiB segment in 4 KiB frames and reading it back,
// well short of a thread's stack (8 MiB by default).
constexpr std::uint64_t kHeadroom = 4 << 20;

// Starts threads that wait for release() until no more can be started.
// They hold the stacks glibc cached from threads the parent ran before the
// fork, which a new thread would reuse without mapping anything.
class ThreadHog {
 public:
  ThreadHog() {
    try {
      for (;;) {
        const std::size_t index = threads_.size();
        threads_.emplace_back([this, index] { wait(index); });
      }
    } catch (const std::system_error&) {
    }
  }
  ~ThreadHog() { release(); }
  void release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  // Ends one thread, whose stack the next thread started then reuses: room
  // for exactly one thread at a time.
  void release_one() {
    {
      std::lock_guard lock(mu_);
      ending_ = threads_.size() - 1;
    }
    cv_.notify_all();
    threads_.back().join();
    threads_.pop_back();
  }

 private:
  void wait(std::size_t index) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return released_ || ending_ == index; });
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  std::size_t ending_ = SIZE_MAX;
  std::vector<std::thread> threads_;
};

bool thread_starts() {
  try {
    std::thread([] {}).join();
    return true;
  } catch (const std::system_error&) {
    return false;
  }
}

class ThreadLimitTest : public LifecycleTest {
 protected:
  void SetUp() override {
    if (!kSanitizer.empty()) {
      GTEST_SKIP() << "built with " << kSanitizer
                   << ", which reserves terabytes of address space: RLIMIT_AS cannot be set to "
                      "fail one thread stack (the test preset runs this test)";
    }
  }
};

TEST_F(ThreadLimitTest, WithoutThreadsTheLifecycleAndColdReadsStillWork) {
  make_table(2, 300);
  const auto before = all_records();
  LifecycleConfig config;
  config.policy = CompressionPolicy::immediate();
  config.parallel_workers = 2;
  config.block_size = 4096;  // several frames per segment: reads go from frame to frame
  expect_child_passed(run_in_child([&] {
    auto m = manager(config);
    ScopedLimit limit(RLIMIT_AS, address_space_bytes() + kHeadroom);
    ASSERT_TRUE(limit.ok()) << "setrlimit(RLIMIT_AS): " << std::strerror(errno);
    ThreadHog hog;
    ASSERT_FALSE(thread_starts()) << "the limit leaves room for a thread: the test proves nothing";

    ASSERT_OK_AND_ASSIGN(auto tracker,
                         AccessTracker::create({.flush_interval = std::chrono::milliseconds(10)}));
    EXPECT_FALSE(tracker->flushes_in_background());
    tracker->segment_opened(dir(0), 1);
    ASSERT_OK(tracker->flush());
    ASSERT_OK_AND_ASSIGN(const auto access, AccessTracker::load(dir(0)));
    ASSERT_EQ(access.count(1), 1u);
    EXPECT_EQ(access.at(1).read_count, 1u);
    ASSERT_OK_AND_ASSIGN(const LifecycleStats stats, m.run_once());
    EXPECT_EQ(stats.segments_scanned, 10u) << stats.to_string();
    EXPECT_EQ(stats.compressed, stats.segments_scanned) << stats.to_string();
    EXPECT_TRUE(stats.errors.empty()) << stats.to_string();
    EXPECT_EQ(count_files(".q"), 0u);

    // Every segment is cold now, and a sequential read would decompress
    // ahead on a second thread.
    EXPECT_EQ(all_records(), before);

    const Status bg = m.start_background(std::chrono::milliseconds(10));
    ASSERT_FALSE(bg.has_value());
    EXPECT_EQ(bg.error().code(), Errc::Io) << bg.error().to_string();
    EXPECT_NE(bg.error().message().find("background lifecycle thread for " + root()),
              std::string::npos)
        << bg.error().message();

    hog.release();
    limit.raise();
    ASSERT_OK(m.start_background(std::chrono::milliseconds(10)));
    m.stop_background();
  }));
}

TEST_F(ThreadLimitTest, WithOneThreadOfTwoWorkersTheOneThatStartedRunsEveryJob) {
  make_table(3, 300);
  const auto before = all_records();
  LifecycleConfig config;
  config.policy = CompressionPolicy::immediate();
  config.parallel_workers = 2;
  expect_child_passed(run_in_child([&] {
    auto m = manager(config);
    ScopedLimit limit(RLIMIT_AS, address_space_bytes() + kHeadroom);
    ASSERT_TRUE(limit.ok()) << "setrlimit(RLIMIT_AS): " << std::strerror(errno);
    ThreadHog hog;
    ASSERT_FALSE(thread_starts()) << "the limit leaves room for a thread: the test proves nothing";
    hog.release_one();
    {
      std::atomic<bool> done{false};
      std::thread only([&] {
        while (!done) std::this_thread::yield();
      });
      EXPECT_FALSE(thread_starts()) << "room for two threads: the test proves nothing";
      done = true;
      only.join();
    }

    ASSERT_OK_AND_ASSIGN(const LifecycleStats stats, m.run_once());
    EXPECT_EQ(stats.segments_scanned, 15u) << stats.to_string();
    EXPECT_EQ(stats.compressed, stats.segments_scanned) << stats.to_string();
    EXPECT_TRUE(stats.errors.empty()) << stats.to_string();
    EXPECT_EQ(count_files(".q"), 0u);
    EXPECT_EQ(all_records(), before);
  }));
}

}  // namespace
}  // namespace chronicle::test
