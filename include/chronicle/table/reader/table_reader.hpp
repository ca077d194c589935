#pragma once
// Records of several partitions of a table within a time range, from
// Table::query(). Two strategies:
//   TimestampOrder  a k-way merge: records in (timestamp, partition order,
//                   seq) order, so ties are broken deterministically.
//   PartitionOrder  each partition's records in turn, in partition order.
// Each partition starts at the first record with timestamp >= range.from
// (seek_timestamp: whole segments outside the range are skipped without
// being opened) and ends before the first record with timestamp >= range.to.
// Hot payloads are not copied.
//
// Live data: a partition that says NothingYet is set aside until every other
// partition is drained too; then all are polled again. Historical data is
// therefore merged exactly; records arriving while the merge runs are merged
// in the order they are seen.
//
// Thread safety: a TableReader is used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/segment/record_view.hpp>
#include <chronicle/table/partition_info.hpp>
#include <chronicle/table/reader/time_series_reader.hpp>
#include <chronicle/table/table_config.hpp>

namespace chronicle {

// [from_ns, to_ns): either bound may be open.
struct TimeRange {
  std::optional<std::uint64_t> from_ns;
  std::optional<std::uint64_t> to_ns;
};

enum class MergeStrategy : std::uint8_t { TimestampOrder, PartitionOrder };

struct TableRecord {
  RecordView record;
  std::size_t partition = 0;  // index into TableReader::partitions()
};

class TableReader {
 public:
  TableReader(std::vector<PartitionInfo> partitions, std::vector<TimeSeriesReader> readers,
              TimeRange range, MergeStrategy strategy, TimestampOrder order);

  // The next record; NothingYet when every partition is drained (for now);
  // Failed (sticky) with status(). The view stays valid until the next call.
  Step next(TableRecord& out) noexcept;

  const std::vector<PartitionInfo>& partitions() const noexcept { return partitions_; }
  const Status& status() const noexcept { return status_; }

 private:
  enum class State : std::uint8_t { Head, Idle, Done };
  // TimestampOrder merges with a tournament tree of losers: one comparison
  // per level, and no branch on its outcome, where a binary heap takes two
  // mispredicted ones per level when the partitions interleave at random.
  // Keys order by timestamp, then partition; no two partitions are equal,
  // and kNoHead (drained, for now) comes after every head.
  struct MergeKey {
    std::uint64_t ts;
    std::uint64_t partition;
    // All ones when this key comes before `other`, else zero.
    std::uint64_t before_mask(const MergeKey& other) const noexcept;
  };
  static constexpr MergeKey kNoHead{UINT64_MAX, UINT64_MAX};
  static constexpr std::size_t kNoneConsumed = SIZE_MAX;
  // Reads partition i's next record in range into heads_[i].
  void advance(std::size_t i) noexcept { settle(i, readers_[i].next(heads_[i])); }
  // As advance, given the step partition i's reader has just taken.
  void settle(std::size_t i, Step step) noexcept;
  MergeKey key_of(std::size_t i) const noexcept;
  // Plays the whole tournament again; returns the winner of node n's subtree.
  MergeKey build(std::size_t n) noexcept;
  // Partition i, the last winner, has a new key: plays its way up again.
  void replay(std::size_t i, MergeKey key) noexcept;
  // TimestampOrder when the caller is done with the winner's record: moves
  // its partition on (the common case inline, the rest in settle) and hands
  // out the next winner.
  Step next_merged(TableRecord& out) noexcept;
  Step next_merged_slow(TableRecord& out) noexcept;
  // Gives the caller the head of tree_[0]'s partition, which has one.
  Step hand_out_winner(TableRecord& out) noexcept;
  Step next_sequential(TableRecord& out) noexcept;

  std::vector<PartitionInfo> partitions_;
  std::vector<TimeSeriesReader> readers_;
  TimeRange range_;
  MergeStrategy strategy_;
  TimestampOrder order_;
  std::vector<RecordView> heads_;
  std::vector<State> state_;
  // TimestampOrder: tree_[0] is the winner, tree_[n] for 0 < n < k the
  // loser of the match at node n, whose children are 2n and 2n+1; partition
  // i is leaf k + i.
  std::vector<MergeKey> tree_;
  // A timestamp t is surely in range when t - window_from_ < window_width_;
  // anything else goes through settle(), which checks the range exactly.
  std::uint64_t window_from_ = 0;
  std::uint64_t window_width_ = 0;
  std::size_t consumed_ = kNoneConsumed;  // whose head the caller holds (the winner)
  std::size_t sequential_ = 0;           // PartitionOrder: the partition being read
  Status status_;
};

inline Step TableReader::next(TableRecord& out) noexcept {
  if (!status_) [[unlikely]] return Step::Failed;
  return strategy_ == MergeStrategy::TimestampOrder ? next_merged(out) : next_sequential(out);
}

inline Step TableReader::next_merged(TableRecord& out) noexcept {
  const std::size_t i = consumed_;
  if (i != kNoneConsumed) [[likely]] {
    RecordView& head = heads_[i];
    const Step step = readers_[i].next(head);
    if (step == Step::Record && head.timestamp_ns - window_from_ < window_width_) [[likely]] {
      // The window holds no UINT64_MAX, so this head beats kNoHead and the
      // winner is a partition with a head.
      replay(i, MergeKey{head.timestamp_ns, i});
      return hand_out_winner(out);
    }
    settle(i, step);
    replay(i, key_of(i));
    consumed_ = kNoneConsumed;
  }
  return next_merged_slow(out);
}

inline Step TableReader::hand_out_winner(TableRecord& out) noexcept {
  const auto winner = static_cast<std::size_t>(tree_[0].partition);
  out.record = heads_[winner];
  out.partition = winner;
  consumed_ = winner;
  return Step::Record;
}

}  // namespace chronicle
