#include <chronicle/table/writer/rolling_writer.hpp>

#include <chronicle/core/crash_point.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/table/table.hpp>

namespace chronicle {

RollingWriter::RollingWriter(std::shared_ptr<const Table> table,
                             std::unique_ptr<PartitionRoller> roller, std::size_t key_index,
                             PartitionValues base, RollCallback on_roll)
    : table_(std::move(table)), roller_(std::move(roller)), key_index_(key_index),
      base_(std::move(base)), on_roll_(std::move(on_roll)) {}

RollingWriter::RollingWriter(RollingWriter&&) noexcept = default;
RollingWriter& RollingWriter::operator=(RollingWriter&&) noexcept = default;
RollingWriter::~RollingWriter() { (void)finish(); }

Result<std::uint64_t> RollingWriter::append_slow(std::uint16_t type_id, std::uint64_t timestamp_ns,
                                                 std::span<const std::byte> payload) noexcept {
  auto target = roller_->target_for(timestamp_ns);
  if (!target) return std::move(target).error();
  PartitionValues values = base_.with(key_index_, target->value);
  if (!current_ || current_->values() != values) {
    const Table& table = *table_;
    if (current_ && table.config().validate_partition_order && values < current_->values()) {
      return invalid_argument(
          "record at timestamp {} belongs to partition {}, before the current partition {}: "
          "rolling backwards is refused (validate_partition_order)",
          timestamp_ns, escape_bytes(values.to_string(table.scheme())),
          escape_bytes(current_->values().to_string(table.scheme())));
    }
    // The current partition's next segment, prepared ahead and now not
    // needed, becomes the new partition's first: no 64 MiB to allocate and
    // fault in on the way in, none to unmap and delete on the way out.
    auto next = [&] {
      SpareSegment spare = current_ ? current_->take_spare() : SpareSegment();
      return table.partition_writer(values, &spare);
      // A spare not adopted is deleted here, while the current partition,
      // whose directory holds it, is still locked.
    }();
    if (!next) return std::move(next).error();
    std::optional<PartitionValues> from;
    if (current_) {
      // The next partition is opened (created) before the current one is
      // finished, so a failure to open it leaves the current one writable.
      CHRONICLE_CRASH_POINT("partition.after_open_next");
      from = current_->values();
      if (auto st = current_->finish(unsynced_); !st) return std::move(st).error();
      CHRONICLE_CRASH_POINT("partition.after_finish_previous");
      ++stats_.rolls;
    }
    current_.emplace(std::move(*next));
    if (written_.insert(values).second) ++stats_.partitions_written;
    if (on_roll_) on_roll_(from ? &*from : nullptr, values);
  }
  target_ = std::move(*target);
  auto seq = current_->append(type_id, timestamp_ns, payload);
  if (seq) ++stats_.records;
  return seq;
}

Status RollingWriter::flush() {
  Status st = unsynced_.start_writeback();
  if (current_) {
    Status mine = current_->flush();
    if (st) st = std::move(mine);
  }
  return st;
}
Status RollingWriter::sync() {
  if (sync_error_) return sync_error_;
  Status st = unsynced_.run();
  if (st && current_) st = current_->sync();
  if (!st) sync_error_ = st.error();
  return st;
}

Status RollingWriter::finish() {
  if (!current_) return {};
  Status st = current_->finish(unsynced_);
  current_.reset();
  return st;
}

}  // namespace chronicle
