#pragma once
// Finishes the partitions a RollingWriter moves away from on a thread of its
// own. Finishing one seals its live segment, writes that segment's index,
// stops its preparer thread and unmaps its segments: 3-50 ms measured on the
// appending thread (docs/BENCHMARKS.md), which a move to another partition
// no longer waits for. Internal to the RollingWriter.
//
// Thread safety: the owner's methods are called by one thread at a time.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include <chronicle/core/error.hpp>
#include <chronicle/segment/pending_sync.hpp>
#include <chronicle/table/partition/partition_values.hpp>
#include <chronicle/table/writer/partition_writer.hpp>

namespace chronicle::detail {

class PartitionFinisher {
 public:
  // Starts no thread: the first hand_over() does.
  PartitionFinisher();
  // Finishes what is still queued, then stops the thread. In a forked child
  // it must be leaked instead (FinisherDeleter does).
  ~PartitionFinisher();
  PartitionFinisher(const PartitionFinisher&) = delete;
  PartitionFinisher& operator=(const PartitionFinisher&) = delete;

  // Queues `writer` to be finished; finishes it here if no thread or queue
  // entry could be had, or in a forked child.
  void hand_over(PartitionWriter writer);
  // Finishes `writer` here, after those handed over.
  void finish_here(PartitionWriter& writer);
  // Whether the partition `values` is queued or being finished (its lock is
  // still held).
  bool holds(const PartitionValues& values);
  // Waits until every partition handed over is finished. Until the next
  // hand_over(), the caller may then use unsynced() and take_error().
  void wait();
  // What the finishes left for a sync() to do (PendingSync).
  PendingSync& unsynced() noexcept { return unsynced_; }
  // The first failure of a finish since the last call, and forgets it.
  Error take_error() { return std::exchange(error_, Error()); }
  // Whether this object was made in the current process (not inherited
  // across fork()).
  bool in_creating_process() const noexcept;

 private:
  void run();
  // Whether hand_over() queues: the thread is running and is ours.
  bool threaded() const noexcept { return thread_.joinable() && in_creating_process(); }
  // Finishes `writer` into unsynced_ and error_.
  void finish(PartitionWriter& writer);

  // Touched by the thread only while it finishes a writer; by the owner
  // after wait().
  PendingSync unsynced_;
  Error error_;

  std::mutex mu_;
  std::condition_variable cv_;
  // Guarded by mu_; the thread finishes front() unlocked, then pops it.
  std::deque<PartitionWriter> queue_;
  bool stop_ = false;  // guarded by mu_
  const std::uint64_t fork_gen_;
  std::thread thread_;
};

}  // namespace chronicle::detail
