#include "partition_finisher.hpp"

#include <algorithm>
#include <utility>

#include <chronicle/core/crash_point.hpp>
#include <chronicle/core/detail/fork_guard.hpp>
#include <chronicle/table/writer/rolling_writer.hpp>

namespace chronicle::detail {

PartitionFinisher::PartitionFinisher() : fork_gen_(fork_generation_at_open()) {}

void FinisherDeleter::operator()(PartitionFinisher* finisher) const noexcept {
  // In a forked child the thread and the partitions it holds are the
  // parent's (and its mutex may have been held at the fork): let go of them
  // without touching them, as SegmentWriter does of its preparer.
  if (finisher->in_creating_process()) delete finisher;
}

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
  if (!st && !error_) error_ = std::move(st).error();
}

void PartitionFinisher::hand_over(PartitionWriter writer) {
  if (!thread_.joinable() && in_creating_process()) {
    try {
      thread_ = std::thread([this] { run(); });
    } catch (...) {
      // No thread to be had (address space, thread limit, memory): moves
      // finish inline, merely slower.
    }
  }
  if (threaded()) {
    try {
      std::lock_guard lock(mu_);
      // At the end of a deque a failed push_back leaves `writer` as it was.
      queue_.push_back(std::move(writer));
      cv_.notify_all();
      return;
    } catch (...) {
    }
  }
  // After the queue: the thread's finishes write unsynced_ and error_ too.
  finish_here(writer);
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
    CHRONICLE_CRASH_POINT("partition.after_finish_previous");
    lock.lock();
    queue_.pop_front();
    cv_.notify_all();
  }
}

}  // namespace chronicle::detail
