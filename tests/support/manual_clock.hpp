#pragma once
// A Clock that tests set by hand (rocksdb test_util/mock_time_env.h), so that
// no test sleeps to make time pass.

#include <atomic>
#include <cstdint>

#include <chronicle/core/clock.hpp>

namespace chronicle::test {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::uint64_t now_ns = 0) : now_(now_ns) {}
  std::uint64_t now_ns() const noexcept override { return now_.load(); }
  void set(std::uint64_t ns) { now_.store(ns); }
  void advance(std::uint64_t ns) { now_.fetch_add(ns); }

 private:
  std::atomic<std::uint64_t> now_;
};

}  // namespace chronicle::test
