#pragma once
// Migration of v1 (chronicle-rs 0.1) data into chronicle's own format:
//   migrate_log(v1_dir, new_dir)       a v1 log  -> a new chronicle log
//   migrate_table(v1_root, new_root)   a v1 table -> a new chronicle Table
//
// What is copied: every record's timestamp, type_id and payload, in read
// order. Sequence numbers are renumbered contiguously from 0 in each log and
// each partition, because v1 restarted them in every writer session while
// chronicle's are contiguous for the life of a log; a v1 log written by
// several sessions therefore gets seq 0..n-1 across all of them (the report
// counts the sessions seen). Flags are 0 in every v1 file and are not copied.
//
// The new log is written by a TimeSeriesWriter (a SegmentWriter that also
// keeps the per-segment timestamp index), so it is readable by LogReader and
// TimeSeriesReader alike and seeks by timestamp as the v1 log did. Tables get
// the mapped scheme (see v1_table.hpp) and the given TableConfig (default:
// TableConfig{}); partition directories are written in chronicle's escaping.
// All of it is hot; the lifecycle may compress it later.
//
// Verification: after writing, the new data are synced, reopened with
// chronicle's readers and compared, record by record, with a second read of
// the v1 data: same count, same (timestamp, type_id, payload) in the same
// order, seq 0..n-1. Only then is the target declared complete.
//
// Target handling: the target must not exist or be an empty directory;
// anything else is refused before anything is written. While the migration
// runs, the target holds a file MIGRATION-INCOMPLETE naming the source. On
// success that file is removed last. On failure the target is removed (all
// of it, or only its contents when it existed empty before); if that removal
// itself fails, or the process dies mid-way, MIGRATION-INCOMPLETE stays to
// mark it, and a later migration into it is refused until it is deleted.
//
// v1 accepted timestamps that go backwards; chronicle's default
// TimestampOrder::Strict refuses them, so such data fail to migrate with an
// error naming both timestamps unless options say Permissive.
//
// Thread safety: the functions may run concurrently on different targets.
// Nothing may write to the source or the target meanwhile.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/table/table_config.hpp>
#include <chronicle/table/writer/time_series_writer.hpp>

namespace chronicle::ipc::v1 {

inline constexpr std::string_view kIncompleteMarker = "MIGRATION-INCOMPLETE";

// How far a migration has got, for a progress display.
struct MigrationProgress {
  std::uint64_t segments_done = 0;   // v1 segments copied so far
  std::uint64_t segments_total = 0;  // v1 segments to copy (all logs or partitions)
  std::uint64_t records = 0;         // records copied so far
  std::uint64_t payload_bytes = 0;   // their payload bytes
};

struct MigrationOptions {
  // migrate_log: the new log's writer options (segment size, index stride,
  // timestamp order).
  TimeSeriesOptions log;
  // migrate_table: the new table's config.
  TableConfig table;
  // Also compare the new data with a second read of the v1 data.
  bool verify = true;
  // Called on the migrating thread each time the copy finishes a v1 segment
  // (verification is not reported). Empty: no calls.
  std::function<void(const MigrationProgress&)> on_progress;
};

// One migrated log (or table partition).
struct MigratedLog {
  std::string source;     // the v1 directory
  std::string target;     // the new directory
  std::string partition;  // tables: e.g. "channel=101/date=2026-01-27"; logs: empty
  std::uint64_t hot_segments = 0;
  std::uint64_t cold_segments = 0;
  std::uint64_t sessions = 0;       // v1 writer sessions seen (seq restarts + 1)
  std::uint64_t records = 0;
  std::uint64_t payload_bytes = 0;
  bool verified = false;
};

enum class TargetState : std::uint8_t {
  Untouched,         // refused before anything was written
  Complete,          // written, verified, marker removed
  Removed,           // a failure after writing started; the target was removed
  MarkedIncomplete,  // a failure, and the target could not be removed: see notes
};
std::string_view target_state_name(TargetState state) noexcept;

struct [[nodiscard]] MigrationReport {
  std::vector<MigratedLog> logs;  // in migration order; on failure, those done so far
  std::uint64_t records = 0;
  std::uint64_t payload_bytes = 0;
  // Things worth knowing that did not stop the migration (ignored files,
  // directories that are not partitions), each one line, escaped.
  std::vector<std::string> notes;
  TargetState target = TargetState::Untouched;
  Status status;  // OK, or the problem that stopped the migration

  bool ok() const noexcept { return status.has_value(); }
};

// Migrates the v1 log in `v1_dir` into a new chronicle log at `new_dir`
// (its parent must exist). Errors in status: InvalidArgument for a non-empty
// target; the v1 reader's errors (Corruption naming file and offset, ...);
// the writer's (NoSpace, InvalidArgument for a payload above the new
// segment size's limit or a backwards timestamp under Strict order); and
// Corruption if verification finds a difference.
MigrationReport migrate_log(const std::string& v1_dir, const std::string& new_dir,
                            const MigrationOptions& options = {});

// Migrates the v1 table at `v1_root` into a new Table at `new_root`. Every
// partition is migrated and verified. A directory under the root that is
// not a partition of the scheme is refused (it may hold data the migration
// would leave behind); files are noted and left.
MigrationReport migrate_table(const std::string& v1_root, const std::string& new_root,
                              const MigrationOptions& options = {});

}  // namespace chronicle::ipc::v1
