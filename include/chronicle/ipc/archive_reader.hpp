#pragma once
// Reads IPC archive streams: one stream, or several merged by timestamp (all
// streams of a symbol on a date, a symbol across dates, ...), within a time
// range, across hot and cold segments, and live: records appended to the
// selected streams after the reader opened are returned as they arrive.
// The set of streams is the one that matched when the reader was opened.
//
// When the table tracks access (archives do by default), the reader reports
// the segments it opens to an AccessTracker of its own, so IdleAfter leaves
// data that is being read hot.
//
// Thread safety: an ArchiveReader is used by one thread at a time; open one
// per thread. Readers never block writers or each other.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/ipc/archive_layout.hpp>
#include <chronicle/table/reader/table_reader.hpp>
#include <chronicle/table/table.hpp>

namespace chronicle {
class AccessTracker;
}

namespace chronicle::ipc {

struct ArchiveQuery {
  std::string venue;
  std::string symbol;
  // Inclusive range of dates (YYYY-MM-DD); unset ends are open.
  std::optional<std::string> from_date;
  std::optional<std::string> to_date;
  // Streams to read; empty: every stream.
  std::vector<std::string> streams;
  // Records with from_ns <= timestamp < to_ns.
  TimeRange range;
  MergeStrategy strategy = MergeStrategy::TimestampOrder;
};

struct ArchiveRecord {
  RecordView record;
  const StreamId* stream = nullptr;  // valid as long as the reader
};

class ArchiveReader {
 public:
  // InvalidArgument for bad names or dates; NotFound if `root` holds no
  // archive table. A query that matches no stream reads nothing.
  static Result<ArchiveReader> open(const std::string& root, const ArchiveQuery& query);
  ArchiveReader(ArchiveReader&&) noexcept;
  ArchiveReader& operator=(ArchiveReader&&) noexcept;
  ~ArchiveReader();

  // The next record; NothingYet when every stream is drained for now; Failed
  // (sticky) with status(). The view stays valid until the next call.
  Step next(ArchiveRecord& out) noexcept;
  const Status& status() const noexcept { return reader_.status(); }
  // The streams read, in the order TableReader uses for ties.
  const std::vector<StreamId>& streams() const noexcept { return streams_; }

 private:
  ArchiveReader(std::shared_ptr<AccessTracker> tracker, TableReader reader,
                std::vector<StreamId> streams);
  std::shared_ptr<AccessTracker> tracker_;
  TableReader reader_;
  std::vector<StreamId> streams_;
};

}  // namespace chronicle::ipc
