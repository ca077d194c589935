#include <chronicle/table/reader/table_reader.hpp>

#include <algorithm>

namespace chronicle {

TableReader::TableReader(std::vector<PartitionInfo> partitions,
                         std::vector<TimeSeriesReader> readers, TimeRange range,
                         MergeStrategy strategy, TimestampOrder order)
    : partitions_(std::move(partitions)), readers_(std::move(readers)), range_(range),
      strategy_(strategy), order_(order), heads_(readers_.size()),
      state_(readers_.size(), State::Idle) {
  if (strategy_ == MergeStrategy::TimestampOrder) {
    for (std::size_t i = 0; i < readers_.size() && status_; ++i) advance(i);
  }
}

void TableReader::advance(std::size_t i) noexcept {
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
    state_[i] = State::Head;
    if (strategy_ == MergeStrategy::TimestampOrder) push(i);
    return;
  }
}

// The heap keeps the smallest (timestamp, partition, seq) on top.
bool TableReader::heap_less(std::size_t a, std::size_t b) const noexcept {
  const RecordView& x = heads_[a];
  const RecordView& y = heads_[b];
  if (x.timestamp_ns != y.timestamp_ns) return x.timestamp_ns > y.timestamp_ns;
  if (a != b) return a > b;
  return x.seq > y.seq;
}

void TableReader::push(std::size_t i) {
  heap_.push_back(i);
  std::push_heap(heap_.begin(), heap_.end(), [this](std::size_t a, std::size_t b) { return heap_less(a, b); });
}

std::size_t TableReader::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), [this](std::size_t a, std::size_t b) { return heap_less(a, b); });
  const std::size_t i = heap_.back();
  heap_.pop_back();
  return i;
}

Step TableReader::next(TableRecord& out) noexcept {
  if (!status_) return Step::Failed;
  return strategy_ == MergeStrategy::TimestampOrder ? next_merged(out) : next_sequential(out);
}

Step TableReader::next_merged(TableRecord& out) noexcept {
  // The caller is done with the record handed out last: move its partition on.
  if (consumed_) {
    advance(*consumed_);
    consumed_.reset();
    if (!status_) return Step::Failed;
  }
  if (heap_.empty()) {
    // Everything in the heap is drained: poll the partitions that had nothing.
    for (std::size_t i = 0; i < readers_.size(); ++i) {
      if (state_[i] == State::Idle) advance(i);
      if (!status_) return Step::Failed;
    }
    if (heap_.empty()) return Step::NothingYet;
  }
  const std::size_t i = pop();
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
    if (state_[i] != State::Done) advance(i);
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
