#pragma once
// How a follower waits when a reader says Step::NothingYet. Each strategy has
// idle() (called after a NothingYet) and reset() (called after a record):
//   BusySpinWait   lowest latency (~100 ns writer-to-reader), burns a core
//   YieldWait      sched_yield between polls; shares the core
//   BackoffWait    spins, then yields, then sleeps with doubling intervals up
//                  to a ceiling; the sensible default for most followers
// wait_next() combines a reader and a strategy with an optional deadline.
//
// Thread safety: a wait strategy object belongs to one reader's thread.

#include <sched.h>
#include <time.h>

#include <chrono>
#include <cstdint>

#include <chronicle/segment/record_view.hpp>

namespace chronicle {

class BusySpinWait {
 public:
  void idle() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  void reset() noexcept {}
};

class YieldWait {
 public:
  void idle() noexcept { ::sched_yield(); }
  void reset() noexcept {}
};

class BackoffWait {
 public:
  explicit BackoffWait(std::uint32_t spins = 100, std::uint32_t yields = 10,
                       std::chrono::nanoseconds min_sleep = std::chrono::microseconds(1),
                       std::chrono::nanoseconds max_sleep = std::chrono::milliseconds(1)) noexcept
      : spins_(spins), yields_(yields), min_sleep_(min_sleep), max_sleep_(max_sleep) {}

  void idle() noexcept {
    if (count_ < spins_) {
      ++count_;
      BusySpinWait().idle();
    } else if (count_ < spins_ + yields_) {
      ++count_;
      ::sched_yield();
    } else {
      const auto ns = sleep_.count() == 0 ? min_sleep_ : sleep_;
      timespec ts{static_cast<time_t>(ns.count() / 1'000'000'000),
                  static_cast<long>(ns.count() % 1'000'000'000)};
      ::nanosleep(&ts, nullptr);
      sleep_ = ns * 2 > max_sleep_ ? max_sleep_ : ns * 2;
    }
  }
  void reset() noexcept {
    count_ = 0;
    sleep_ = std::chrono::nanoseconds(0);
  }

 private:
  std::uint32_t spins_, yields_;
  std::chrono::nanoseconds min_sleep_, max_sleep_;
  std::uint32_t count_ = 0;
  std::chrono::nanoseconds sleep_{0};
};

// Calls reader.next(out) until it returns a record, fails, or `timeout`
// passes (then Step::NothingYet). Reader is any type with
// `Step next(RecordView&)`: LogReader, and the table layer's readers.
template <class Reader, class Wait>
Step wait_next(Reader& reader, RecordView& out, Wait& wait,
               std::chrono::nanoseconds timeout = std::chrono::nanoseconds::max()) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const Step step = reader.next(out);
    if (step != Step::NothingYet) {
      wait.reset();
      return step;
    }
    if (timeout != std::chrono::nanoseconds::max() &&
        std::chrono::steady_clock::now() - start >= timeout) {
      return Step::NothingYet;
    }
    wait.idle();
  }
}

}  // namespace chronicle
