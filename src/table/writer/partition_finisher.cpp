#include "partition_finisher.hpp"

#include <algorithm>
#include <system_error>
#include <utility>

#include <chronicle/core/crash_point.hpp>
#include <chronicle/core/detail/fork_guard.hpp>

namespace chronicle::detail {

PartitionFinisher::PartitionFinisher() : fork_gen_(fork_generation_at_open()) {}

PartitionFinisher::~PartitionFinisher() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool PartitionFinisher::in_creating_process() const noexcept {
  return fork_gen_ == fork_generation();
}

void PartitionFinisher::finish(PartitionWriter& writer) {
  Status st = writer.finish(unsynced_);
  CHRONICLE_CRASH_POINT("partition.after_finish_previous");
  if (!st && !error_) error_ = std::move(st).error();
}

void PartitionFinisher::hand_over(PartitionWriter writer) {
  if (!thread_.joinable() && in_creating_process()) {
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {
      // No thread to be had (address space or thread limit): moves finish
      // inline, merely slower.
    }
  }
  if (!threaded()) {
    finish(writer);
    return;
  }
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(writer));
  }
  cv_.notify_all();
}

bool PartitionFinisher::holds(const PartitionValues& values) {
  if (!threaded()) return false;
  std::lock_guard lock(mu_);
  return std::any_of(queue_.begin(), queue_.end(),
                     [&](const PartitionWriter& w) { return w.values() == values; });
}

void PartitionFinisher::finish_here(PartitionWriter& writer) {
  wait();
  finish(writer);
}

void PartitionFinisher::wait() {
  if (!threaded()) return;
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queue_.empty(); });
}

void PartitionFinisher::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    // Queued partitions are finished before stopping: each holds its lock
    // and records that its seal and index still owe.
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;
    // push_back leaves references to the front valid; holds() only reads
    // its values, which finish() does not change.
    PartitionWriter& writer = queue_.front();
    lock.unlock();
    finish(writer);
    lock.lock();
    queue_.pop_front();
    cv_.notify_all();
  }
}

}  // namespace chronicle::detail
