#pragma once
// The writer's cold state: everything not touched on the append fast path.

#include <cstdint>
#include <memory>
#include <string>
#include <deque>
#include <vector>

#include <chronicle/core/dir_lock.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/mmap_file.hpp>
#include <chronicle/core/unique_fd.hpp>
#include <chronicle/segment/log_options.hpp>
#include <chronicle/segment/recovery_report.hpp>

#include "segment_preparer.hpp"

namespace chronicle::detail {

// The segment being written: its file, open read-write, and its mapping.
struct LiveSegment {
  std::uint64_t id = 0;
  std::string path;
  UniqueFd fd;
  MmapFile map;
};

// A sealed segment whose data has not been covered by a sync() yet.
struct UnsyncedSegment {
  std::string path;
  UniqueFd fd;
};

inline constexpr std::size_t kMaxUnsynced = 32;

struct WriterState {
  std::string dir;
  LogOptions options;
  FileSystem* fs = nullptr;
  const Clock* clock = nullptr;
  DirLock lock;
  LiveSegment live;
  std::unique_ptr<SegmentPreparer> preparer;
  // Sealed segments a sync() must still cover, newest last. Beyond
  // kMaxUnsynced the oldest is synced and closed in the background, so a
  // writer that never calls sync() does not hold a descriptor per segment.
  std::deque<UnsyncedSegment> unsynced;
  std::uint64_t synced_offset = 0;   // of the live segment
  bool stamped = false;              // the live segment's header holds a watermark on disk
  std::uint64_t flushed_offset = 0;  // of the live segment
  // Segments [inherited_from, inherited_to) were written before this writer
  // opened the log and may hold bytes no sync() covered; the first sync()
  // fdatasyncs them.
  std::uint64_t inherited_from = 0;
  std::uint64_t inherited_to = 0;
  bool dir_dirty = false;            // a segment was named since the last directory fsync
  std::string unsynced_parent;       // the parent, if its entry for `dir` may not be durable
  Error sync_error;                  // sticky: set by the first failed sync
  RecoveryReport report;
  std::uint64_t rolls = 0;
  bool closed = false;
};

}  // namespace chronicle::detail
