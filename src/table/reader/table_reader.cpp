#include <chronicle/table/reader/table_reader.hpp>

#include <algorithm>
#include <cstdint>

namespace chronicle {

TableReader::TableReader(std::vector<PartitionInfo> partitions,
                         std::vector<TimeSeriesReader> readers, TimeRange range,
                         MergeStrategy strategy, TimestampOrder order)
    : partitions_(std::move(partitions)), readers_(std::move(readers)), range_(range),
      strategy_(strategy), order_(order), heads_(readers_.size()),
      state_(readers_.size(), State::Idle) {
  if (strategy_ == MergeStrategy::TimestampOrder) {
    for (std::size_t i = 0; i < readers_.size() && status_; ++i) advance(i, /*push_head=*/true);
  }
}

void TableReader::advance(std::size_t i, bool push_head) noexcept {
  for (;;) {
    const Step step = readers_[i].next(heads_[i]);
    if (step == Step::Failed) {
      status_ = readers_[i].status();
      state_[i] = State::Done;
      return;
    }
    if (step == Step::NothingYet) {
      state_[i] = State::Idle;
      return;
    }
    const std::uint64_t ts = heads_[i].timestamp_ns;
    if (range_.to_ns && ts >= *range_.to_ns) {
      // Ordered partitions hold nothing in range after this; an unordered
      // one may, so it is read on.
      if (order_ == TimestampOrder::Strict) {
        state_[i] = State::Done;
        return;
      }
      continue;
    }
    if (range_.from_ns && ts < *range_.from_ns) continue;  // only in unordered partitions
    // The cursor has already asked for the partition's next record
    // (SegmentCursor::decode), which a merge needs only after the others'.
    state_[i] = State::Head;
    if (push_head) push(i);
    return;
  }
}

// The heap keeps the smallest (timestamp, partition) on top. A partition is
// in the heap at most once, so no two entries are equal.
bool TableReader::HeapEntry::after(const HeapEntry& other) const noexcept {
  return ts != other.ts ? ts > other.ts : partition > other.partition;
}

void TableReader::push(std::size_t i) {
  heap_.push_back(HeapEntry{heads_[i].timestamp_ns, i});
  std::push_heap(heap_.begin(), heap_.end(), [](const HeapEntry& a, const HeapEntry& b) { return a.after(b); });
}

// Restores the heap after its top entry changed (one pass down instead of a
// pop and a push).
void TableReader::sift_down_top() noexcept {
  const std::size_t n = heap_.size();
  const HeapEntry moving = heap_[0];
  std::size_t at = 0;
  for (;;) {
    std::size_t child = 2 * at + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child].after(heap_[child + 1])) ++child;
    if (!moving.after(heap_[child])) break;
    heap_[at] = heap_[child];
    at = child;
  }
  heap_[at] = moving;
}

// Partition `i` was on top and its record has been consumed: its next record
// in range takes its place, or it leaves the heap.
void TableReader::replace_top(std::size_t i) noexcept {
  advance(i, /*push_head=*/false);
  if (state_[i] == State::Head) {
    heap_[0].ts = heads_[i].timestamp_ns;
    sift_down_top();
  } else {
    std::pop_heap(heap_.begin(), heap_.end(), [](const HeapEntry& a, const HeapEntry& b) { return a.after(b); });
    heap_.pop_back();
  }
}

Step TableReader::next(TableRecord& out) noexcept {
  if (!status_) return Step::Failed;
  return strategy_ == MergeStrategy::TimestampOrder ? next_merged(out) : next_sequential(out);
}

Step TableReader::next_merged(TableRecord& out) noexcept {
  // The caller is done with the record handed out last, the top of the heap:
  // move its partition on.
  if (consumed_) {
    replace_top(*consumed_);
    consumed_.reset();
    if (!status_) return Step::Failed;
  }
  if (heap_.empty()) {
    // Everything in the heap is drained: poll the partitions that had nothing.
    for (std::size_t i = 0; i < readers_.size(); ++i) {
      if (state_[i] == State::Idle) advance(i, /*push_head=*/true);
      if (!status_) return Step::Failed;
    }
    if (heap_.empty()) return Step::NothingYet;
  }
  const std::size_t i = heap_[0].partition;
  out.record = heads_[i];
  out.partition = i;
  consumed_ = i;
  return Step::Record;
}

Step TableReader::next_sequential(TableRecord& out) noexcept {
  for (std::size_t tried = 0; tried <= readers_.size(); ++tried) {
    if (sequential_ >= readers_.size()) sequential_ = 0;
    if (readers_.empty()) return Step::NothingYet;
    const std::size_t i = sequential_;
    if (state_[i] != State::Done) advance(i, /*push_head=*/false);
    if (!status_) return Step::Failed;
    if (state_[i] == State::Head) {
      out.record = heads_[i];
      out.partition = i;
      return Step::Record;
    }
    // This partition is drained (for now): go on with the next one, and stop
    // after a full round without a record.
    if (sequential_ + 1 == readers_.size()) {
      sequential_ = 0;
      return Step::NothingYet;
    }
    ++sequential_;
  }
  return Step::NothingYet;
}

}  // namespace chronicle
