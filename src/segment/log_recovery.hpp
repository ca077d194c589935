#pragma once
// Opening an existing log for writing: find where the committed records end,
// repair what a crash can leave behind, refuse what only damage can explain.

#include <cstdint>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/segment/log_options.hpp>
#include <chronicle/segment/recovery_report.hpp>

#include "writer_state.hpp"

namespace chronicle::detail {

struct RecoveredLog {
  // The segment to continue in; empty (no mapping) when a new segment
  // `next_id` must be created first.
  LiveSegment live;
  std::uint64_t write_offset = 0;
  std::uint64_t next_id = 0;
  std::uint64_t next_seq = 0;
  std::uint64_t min_ts = UINT64_MAX;
  std::uint64_t max_ts = 0;
  // The first segment that may hold bytes no sync() covered: the one whose
  // watermark marks the last sync, or the first segment of a log never
  // synced. The writer's first sync() makes [unsynced_from, live) durable.
  std::uint64_t unsynced_from = 0;
  RecoveryReport report;
};

// REQUIRES: the caller holds the directory lock of `dir`.
// `opener` (may be null) reads the header of a newest segment that is cold.
Result<RecoveredLog> recover_log(FileSystem& fs, const std::string& dir,
                                 const SegmentOpener* opener);

}  // namespace chronicle::detail
