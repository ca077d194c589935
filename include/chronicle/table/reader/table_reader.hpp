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
  struct HeapEntry {
    std::uint64_t ts;  // of heads_[partition], kept here for cache-friendly compares
    std::size_t partition;
    bool after(const HeapEntry& other) const noexcept;  // later in the merge order
  };
  // Reads partition i's next record in range into heads_[i], and pushes it
  // onto the heap if `push_head`.
  void advance(std::size_t i, bool push_head) noexcept;
  void push(std::size_t i);
  void sift_down_top() noexcept;
  void replace_top(std::size_t i) noexcept;
  Step next_merged(TableRecord& out) noexcept;
  Step next_sequential(TableRecord& out) noexcept;

  std::vector<PartitionInfo> partitions_;
  std::vector<TimeSeriesReader> readers_;
  TimeRange range_;
  MergeStrategy strategy_;
  TimestampOrder order_;
  std::vector<RecordView> heads_;
  std::vector<State> state_;
  std::vector<HeapEntry> heap_;  // TimestampOrder: the partitions with a head, a min-heap
  std::optional<std::size_t> consumed_;  // whose head the caller holds (the heap's top)
  std::size_t sequential_ = 0;           // PartitionOrder: the partition being read
  Status status_;
};

}  // namespace chronicle
