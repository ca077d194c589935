#pragma once
// Options of a log writer.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <chronicle/core/clock.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/core/record_format.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/segment/segment_opener.hpp>
#include <chronicle/segment/spare_segment.hpp>

namespace chronicle {

inline constexpr std::uint64_t kDefaultSegmentSize = 64ull << 20;
inline constexpr std::uint64_t kMinSegmentSize = 4096;
// Record lengths are 32-bit on disk; 1 GiB keeps every offset sum far from
// overflow and every segment mappable on small address spaces.
inline constexpr std::uint64_t kMaxSegmentSize = 1ull << 30;

struct LogOptions {
  // Size of each segment file. A multiple of 4096 in [4 KiB, 1 GiB]. The
  // largest payload is segment_size - 168 bytes (max_payload_size()).
  std::uint64_t segment_size = kDefaultSegmentSize;
  // Prepare (create, allocate, pre-fault and name) the next segment on a
  // background thread while the current one fills, and fault in a new
  // writer's first segment there too, so that a roll makes no system call
  // (about 25 us instead of allocating 64 MiB) and opening a writer does not
  // wait for page allocation. The thread competes with the application for
  // CPU: on a busy 2-core machine a roll may wait for it. Off: the roll
  // prepares and renames inline, as it also does when the thread cannot be
  // started (out of address space or threads).
  bool prepare_ahead = true;
  // fdatasync each segment as it is sealed (on roll and close).
  bool sync_on_seal = false;
  // Mode of created files and directories, before the umask.
  mode_t file_mode = 0644;
  mode_t dir_mode = 0755;
  // The filesystem seam (tests inject faults through it); null = the system.
  FileSystem* fs = nullptr;
  // Stamps segment creation times; null = the system clock.
  const Clock* clock = nullptr;
  // Reads the header of a newest segment that is only present compressed
  // (a closed log whose last segment the lifecycle compressed). Null: hot
  // segments only, and reopening such a log is Unsupported. The compression
  // layer's UnifiedSegmentOpener reads both.
  const SegmentOpener* opener = nullptr;
  // A segment file another writer prepared and gave up (SegmentWriter::
  // take_spare()): if the log needs a new first segment, open() renames the
  // spare into the log's directory, syncs both directories and starts it
  // there, instead of allocating and faulting in a new file; the spare is
  // then empty. Not adopted (the log has a live segment, the sizes differ,
  // the rename fails, e.g. across filesystems), it stays with the caller. If
  // the directories cannot be synced, open() fails and the spare is deleted.
  // Null: none.
  SpareSegment* spare = nullptr;
};

// Largest payload a segment of this size can hold.
constexpr std::uint64_t max_payload_size(std::uint64_t segment_size) noexcept {
  return segment_size - kSegmentHeaderSize - kRecordHeaderSize - kEndMarkerSize;
}

// InvalidArgument naming the field, the value and the allowed range.
Status validate(const LogOptions& options);

// InvalidArgument naming `dir` if no log of `segment_size` segments can hold
// a record with this payload: a null pointer with a length, or more than
// max_payload_size(segment_size) bytes.
Status check_payload(std::span<const std::byte> payload, std::uint64_t segment_size,
                     const std::string& dir);

}  // namespace chronicle

