#include <chronicle/table/reader/table_reader.hpp>

#include <cstdint>
#include <utility>

namespace chronicle {

TableReader::TableReader(std::vector<PartitionInfo> partitions,
                         std::vector<TimeSeriesReader> readers, TimeRange range,
                         MergeStrategy strategy, TimestampOrder order)
    : partitions_(std::move(partitions)), readers_(std::move(readers)), range_(range),
      strategy_(strategy), order_(order), heads_(readers_.size()),
      state_(readers_.size(), State::Idle) {
  window_from_ = range_.from_ns.value_or(0);
  if (!range_.to_ns) {
    window_width_ = UINT64_MAX - window_from_;
  } else if (*range_.to_ns > window_from_) {
    window_width_ = *range_.to_ns - window_from_;
  }
  if (strategy_ == MergeStrategy::TimestampOrder && !readers_.empty()) {
    for (std::size_t i = 0; i < readers_.size() && status_; ++i) advance(i);
    tree_.resize(readers_.size());
    tree_[0] = build(1);
  }
}

void TableReader::settle(std::size_t i, Step step) noexcept {
  for (;; step = readers_[i].next(heads_[i])) {
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
    return;
  }
}

// (ts, partition) < (other.ts, other.partition), without a branch: the
// outcome is as random as the data. As one 128-bit comparison it compiles to
// a cmp and two sbb, the last of which makes the mask, on x86-64. Compared
// field by field, GCC turns bools joined by || (or by | on bools) into a
// branch; integer operators on the results stay branch-free.
std::uint64_t TableReader::MergeKey::before_mask(const MergeKey& other) const noexcept {
#ifdef __SIZEOF_INT128__
  __extension__ typedef unsigned __int128 u128;  // GCC and Clang
  const u128 self = (u128{ts} << 64) | partition;
  const u128 that = (u128{other.ts} << 64) | other.partition;
  return 0 - std::uint64_t{self < that};
#else
  const std::uint64_t before =
      std::uint64_t{ts < other.ts} |
      (std::uint64_t{ts == other.ts} & std::uint64_t{partition < other.partition});
  return 0 - before;
#endif
}

TableReader::MergeKey TableReader::key_of(std::size_t i) const noexcept {
  if (state_[i] != State::Head) return kNoHead;
  return MergeKey{heads_[i].timestamp_ns, i};
}

TableReader::MergeKey TableReader::build(std::size_t n) noexcept {
  const std::size_t k = readers_.size();
  if (n >= k) return key_of(n - k);
  MergeKey winner = build(2 * n), loser = build(2 * n + 1);
  if (loser.before_mask(winner)) std::swap(winner, loser);
  tree_[n] = loser;
  return winner;
}

void TableReader::replay(std::size_t i, MergeKey key) noexcept {
  const std::size_t k = readers_.size();
  std::uint64_t win_ts = key.ts, win_partition = key.partition;
  for (std::size_t n = (k + i) / 2; n > 0; n /= 2) {
    // The stored loser and the climbing winner change places when the
    // stored one comes first: a mask, not a branch, as the outcome is as
    // random as the data.
    MergeKey& stored = tree_[n];
    const std::uint64_t swap = stored.before_mask(MergeKey{win_ts, win_partition});
    const std::uint64_t ts_bits = (stored.ts ^ win_ts) & swap;
    const std::uint64_t partition_bits = (stored.partition ^ win_partition) & swap;
    stored.ts ^= ts_bits;
    stored.partition ^= partition_bits;
    win_ts ^= ts_bits;
    win_partition ^= partition_bits;
    // Keeps the pair in integer registers: GCC 12 otherwise vectorizes the
    // swap and moves the winner between vector and integer registers at
    // every level (a 50-partition merge fell from 27 to 17 M records/s).
    asm("" : "+r"(win_ts), "+r"(win_partition));
  }
  tree_[0] = MergeKey{win_ts, win_partition};
}

Step TableReader::next_merged_slow(TableRecord& out) noexcept {
  if (tree_.empty()) return Step::NothingYet;
  if (!status_) return Step::Failed;
  if (tree_[0].partition == kNoHead.partition) {
    // Everything is drained: poll the partitions that had nothing.
    bool any = false;
    for (std::size_t i = 0; i < readers_.size(); ++i) {
      if (state_[i] == State::Idle) advance(i);
      if (!status_) return Step::Failed;
      any |= state_[i] == State::Head;
    }
    if (!any) return Step::NothingYet;
    tree_[0] = build(1);
  }
  return hand_out_winner(out);
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
