#pragma once
// A FileSystem that fails chosen calls (RELIABILITY C1): the n-th call of a
// kind, once or from then on, with a chosen errno. It counts every call, so a
// test can first count the calls an operation makes, then fail each in turn.

#include <array>
#include <atomic>
#include <mutex>
#include <string>

#include <chronicle/core/file_system.hpp>

namespace chronicle::test {

class FaultFs : public FileSystem {
 public:
  // Fails call number `nth` (1-based) of `op` with `err`; with `persistent`,
  // every later call of that kind fails too.
  void fail(FsOp op, int nth, int err, bool persistent = false) {
    std::lock_guard lock(mu_);
    armed_ = true;
    op_ = op;
    nth_ = nth;
    err_ = err;
    persistent_ = persistent;
    counts_[static_cast<int>(op)] = 0;
  }
  void clear() {
    std::lock_guard lock(mu_);
    armed_ = false;
  }
  int count(FsOp op) const {
    std::lock_guard lock(mu_);
    return counts_[static_cast<int>(op)];
  }
  void reset_counts() {
    std::lock_guard lock(mu_);
    counts_.fill(0);
  }
  int injected() const {
    std::lock_guard lock(mu_);
    return injected_;
  }

 protected:
  int inject(FsOp op, std::string_view) override {
    std::lock_guard lock(mu_);
    const int n = ++counts_[static_cast<int>(op)];
    if (!armed_ || op != op_) return 0;
    if (n == nth_ || (persistent_ && n > nth_)) {
      ++injected_;
      return err_;
    }
    return 0;
  }

 private:
  mutable std::mutex mu_;
  std::array<int, kFsOpCount> counts_{};
  bool armed_ = false;
  FsOp op_ = FsOp::Open;
  int nth_ = 0;
  int err_ = 0;
  bool persistent_ = false;
  int injected_ = 0;
};

}  // namespace chronicle::test
