#pragma once
// Writes records into the partition their timestamp selects: a
// PartitionRoller gives one key's value per record, the other keys are fixed.
// Moving to another partition finishes (seals) the current one on a
// background thread of the writer, so that the append that moves does not
// wait for it; the next flush(), sync() or finish() waits for it and reports
// its failure. Until then that partition stays locked: a move back to it
// waits for its finish, and another writer opening it gets Locked.
//
// With TableConfig::validate_partition_order a record whose partition sorts
// before the current one is refused (InvalidArgument naming both
// partitions); without it the older partition is reopened and the record is
// appended after its last record, continuing that partition's sequence.
// A record refused for a payload too large for a segment, or by an
// exception from a CustomRoller, leaves the writer in its current partition.
// One a reopened partition refuses (a timestamp before its last record) and
// one whose on_roll callback throws are refused after the move: knowing a
// partition's last timestamp takes opening it.
//
// Thread safety: one thread at a time; the partitions it writes are locked
// against other writers while it holds them.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>

#include <chronicle/core/error.hpp>
#include <chronicle/table/partition/partition_values.hpp>
#include <chronicle/table/roller/partition_roller.hpp>
#include <chronicle/table/writer/partition_writer.hpp>

namespace chronicle {

class Table;
namespace detail {
class PartitionFinisher;
// Deletes a PartitionFinisher; in a forked child, leaks it (its thread and
// the partitions it holds are the parent's).
struct FinisherDeleter {
  void operator()(PartitionFinisher* finisher) const noexcept;
};
}  // namespace detail

class RollingWriter {
 public:
  // Called after each move to another partition: `from` is null for the
  // first partition written. `from` is then still being finished (and
  // locked) on the writer's thread: a callback that must reopen, read its
  // index of, or compress it calls flush() first. If it throws, append()
  // returns InvalidArgument with what() and does not write the record; the
  // writer has moved to `to`.
  using RollCallback = std::function<void(const PartitionValues* from, const PartitionValues& to)>;

  struct Stats {
    std::uint64_t records = 0;
    std::uint64_t partitions_written = 0;  // distinct partitions
    std::uint64_t rolls = 0;               // moves from one partition to another
  };

  RollingWriter(std::shared_ptr<const Table> table, std::unique_ptr<PartitionRoller> roller,
                std::size_t key_index, PartitionValues base, RollCallback on_roll);
  RollingWriter(RollingWriter&&) noexcept;
  // Finishes the partitions this writer holds as its destructor does,
  // reporting nothing: call finish() first to learn of a failure.
  RollingWriter& operator=(RollingWriter&&) noexcept;
  ~RollingWriter();

  Result<std::uint64_t> append(std::uint16_t type_id, std::uint64_t timestamp_ns,
                               std::span<const std::byte> payload) noexcept {
    if (current_ && timestamp_ns >= target_.begin_ns && timestamp_ns < target_.end_ns) [[likely]] {
      auto seq = current_->append(type_id, timestamp_ns, payload);
      if (seq) ++stats_.records;
      return seq;
    }
    return append_slow(type_id, timestamp_ns, payload);
  }

  // Starts write-back (without waiting) of the current partition's records
  // and of the segment files it still holds open of the partitions it moved
  // away from since the last sync() (see PendingSync::start_writeback).
  // Also returns a failure to finish a partition moved away from.
  Status flush();
  // Returns once every record appended before the call is durable, in the
  // current partition and in those it moved away from since the last sync().
  // After a failure every later sync() fails too (as SegmentWriter::sync()).
  Status sync();
  // Finishes the current partition, and waits for the partitions moved away
  // from to be finished; returns the first failure among them since the last
  // flush(), sync() or finish(). Appends afterwards start a partition again.
  // Like moving to another partition, it does not sync: a later sync()
  // covers the finished partitions' records.
  Status finish();

  const Stats& stats() const noexcept { return stats_; }
  // The partition being written, if any.
  const PartitionWriter* current() const noexcept { return current_ ? &*current_ : nullptr; }

 private:
  Result<std::uint64_t> append_slow(std::uint16_t type_id, std::uint64_t timestamp_ns,
                                    std::span<const std::byte> payload) noexcept;
  // Closed, naming `call`, if moved from or inherited across fork().
  Status usable(const char* call) const;

  std::shared_ptr<const Table> table_;
  std::unique_ptr<PartitionRoller> roller_;
  std::size_t key_index_;
  PartitionValues base_;
  RollCallback on_roll_;
  std::optional<PartitionWriter> current_;
  // Finishes the partitions moved away from; keeps what they still owe to
  // the next sync().
  std::unique_ptr<detail::PartitionFinisher, detail::FinisherDeleter> finisher_;
  Error sync_error_;  // sticky: the first failure of sync()
  RollTarget target_;
  std::set<PartitionValues> written_;
  Stats stats_;
};

}  // namespace chronicle
