#include <chronicle/table/writer/rolling_writer.hpp>

#include <chronicle/core/crash_point.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/segment/log_options.hpp>
#include <chronicle/table/table.hpp>

#include "partition_finisher.hpp"

namespace chronicle {

RollingWriter::RollingWriter(std::shared_ptr<const Table> table,
                             std::unique_ptr<PartitionRoller> roller, std::size_t key_index,
                             PartitionValues base, RollCallback on_roll)
    : table_(std::move(table)), roller_(std::move(roller)), key_index_(key_index),
      base_(std::move(base)), on_roll_(std::move(on_roll)),
      finisher_(new detail::PartitionFinisher()) {}

RollingWriter::RollingWriter(RollingWriter&&) noexcept = default;
RollingWriter& RollingWriter::operator=(RollingWriter&&) noexcept = default;
RollingWriter::~RollingWriter() { (void)finish(); }

Status RollingWriter::usable(const char* call) const {
  if (!finisher_) {
    return Error(Errc::Closed,
                 fmt::format("{} on a moved-from RollingWriter: use the writer it was moved to",
                             call));
  }
  if (!finisher_->in_creating_process()) {
    return file_error(Errc::Closed, table_->root(),
                      "{} in a forked child: this RollingWriter was inherited across fork(), and "
                      "only the parent process may write the table",
                      call);
  }
  return {};
}

Result<std::uint64_t> RollingWriter::append_slow(std::uint16_t type_id, std::uint64_t timestamp_ns,
                                                 std::span<const std::byte> payload) noexcept {
  // Before the roller: a moved-from writer has none.
  if (auto ok = usable("append()"); !ok) return std::move(ok).error();
  auto target = roller_->target_for(timestamp_ns);
  if (!target) return std::move(target).error();
  PartitionValues values = base_.with(key_index_, target->value);
  const bool moves = !current_ || current_->values() != values;
  std::optional<PartitionValues> from;
  if (moves) {
    const Table& table = *table_;
    // A record the next partition would refuse does not move the writer.
    if (auto ok = check_payload(payload, table.config().segment_size, table.root()); !ok) {
      return std::move(ok).error();
    }
    if (current_ && table.config().validate_partition_order && values < current_->values()) {
      return invalid_argument(
          "record at timestamp {} belongs to partition {}, before the current partition {}: "
          "rolling backwards is refused (validate_partition_order)",
          timestamp_ns, escape_bytes(values.to_string(table.scheme())),
          escape_bytes(current_->values().to_string(table.scheme())));
    }
    // A partition moved away from is locked until it is finished.
    if (finisher_->holds(values)) finisher_->wait();
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
    if (current_) {
      // The next partition is opened (created) before the current one is
      // finished, so a failure to open it leaves the current one writable.
      CHRONICLE_CRASH_POINT("partition.after_open_next");
      from = current_->values();
      finisher_->hand_over(std::move(*current_));
      ++stats_.rolls;
    }
    current_.emplace(std::move(*next));
    if (written_.insert(values).second) ++stats_.partitions_written;
  }
  target_ = std::move(*target);
  if (moves && on_roll_) {
    try {
      on_roll_(from ? &*from : nullptr, values);
    } catch (...) {
      return file_error(Errc::InvalidArgument, table_->root(),
                        "the on_roll callback threw moving to partition {}: {}; the record at "
                        "timestamp {} was not written",
                        escape_bytes(values.to_string(table_->scheme())), current_exception_text(),
                        timestamp_ns);
    }
  }
  auto seq = current_->append(type_id, timestamp_ns, payload);
  if (seq) ++stats_.records;
  return seq;
}

Status RollingWriter::flush() {
  if (auto ok = usable("flush()"); !ok) return ok;
  finisher_->wait();
  Status st = finisher_->unsynced().start_writeback();
  if (current_) {
    Status mine = current_->flush();
    if (st) st = std::move(mine);
  }
  if (!st) return st;
  // Taken only when reported: a failure returned above leaves it for the
  // next call.
  return Status(finisher_->take_error());
}

Status RollingWriter::sync() {
  if (auto ok = usable("sync()"); !ok) return ok;
  if (sync_error_) return sync_error_;
  finisher_->wait();
  Status st = finisher_->unsynced().run();
  if (st && current_) st = current_->sync();
  if (!st) {
    sync_error_ = st.error();
    return st;
  }
  return Status(finisher_->take_error());
}

Status RollingWriter::finish() {
  if (!usable("finish()")) {
    // Moved from, or a forked child: the partition, if any, is the
    // parent's, and its close there touches nothing.
    current_.reset();
    return {};
  }
  if (current_) {
    finisher_->finish_here(*current_);
    current_.reset();
  } else {
    finisher_->wait();
  }
  return Status(finisher_->take_error());
}

}  // namespace chronicle
