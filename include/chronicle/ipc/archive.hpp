#pragma once
// The writer of one IPC stream: a thin facade over a Table with the archive
// scheme (see ArchiveLayout). Opening an archive whose table does not exist
// creates it with the archive config (compression policy IdleAfter{7 days,
// track_reads}, access tracking on); opening an existing one continues the
// stream after its last record. Several Archives (different symbols, streams
// or dates) under one root share one table; each stream has one writer at a
// time (its log's lock).
//
// Thread safety: an Archive is used by one thread at a time (like the
// SegmentWriter under it); different Archives may be used from different
// threads and processes.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/ipc/archive_layout.hpp>
#include <chronicle/table/table.hpp>

namespace chronicle::ipc {

// The TableConfig an archive table is created with.
TableConfig default_archive_config();

class Archive {
 public:
  // Opens (creating the table and the stream if needed) the stream `id`
  // under `root`. InvalidArgument for a bad name or date; InvalidArgument if
  // `root` holds a table with another scheme. `config` applies only when the
  // table is created.
  static Result<Archive> open(std::string root, const StreamId& id,
                              const TableConfig& config = default_archive_config());

  // Appends one message; returns its sequence number in the stream.
  Result<std::uint64_t> append(std::uint16_t type_id, std::uint64_t timestamp_ns,
                               std::span<const std::byte> payload) noexcept {
    return writer_.append(type_id, timestamp_ns, payload);
  }
  Status flush() { return writer_.flush(); }
  Status sync() { return writer_.sync(); }
  // Seals the stream's last segment; later appends fail with Closed.
  Status finish() { return writer_.finish(); }

  const StreamId& id() const noexcept { return id_; }
  const Table& table() const noexcept { return table_; }
  std::uint64_t next_seq() const noexcept { return writer_.next_seq(); }

 private:
  Archive(Table table, StreamId id, PartitionWriter writer)
      : table_(std::move(table)), id_(std::move(id)), writer_(std::move(writer)) {}
  Table table_;
  StreamId id_;
  PartitionWriter writer_;
};

}  // namespace chronicle::ipc
