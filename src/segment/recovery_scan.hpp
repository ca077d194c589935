#pragma once
// Reading and mending one segment file during a writer's recovery: open it
// read-write, find where its records end, tell a torn tail from records
// after damage, and end, seal or unseal it. The policy (what to keep, what
// to refuse) is log_recovery.cpp's.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/segment/segment_cursor.hpp>

#include "writer_state.hpp"

namespace chronicle::detail {

// A segment file opened read-write for recovery. `blank` when every byte of
// it is zero (a 0-byte file included): a creation that a crash (or a power
// loss) cut short, which never held a record. `headerless` when its header
// is all zeros but later bytes are not: after a process crash that is
// damage; after a power loss it is a segment whose first page never reached
// the disk.
struct OpenedSegment {
  LiveSegment seg;
  std::uint64_t file_size = 0;
  bool blank = false;
  bool headerless = false;
};

// Opens segment `id` of `dir` read-write and maps all of it (nothing for a
// 0-byte file). Corruption for a file that is not regular or shorter than a
// header with a non-zero byte in it.
Result<OpenedSegment> open_rw(FileSystem& fs, const std::string& dir, std::uint64_t id);

Status headerless_error(const OpenedSegment& s);

// Where the records of a segment end, and what the scan saw there.
struct ScanEnd {
  CursorStep step = CursorStep::NothingYet;
  std::uint64_t offset = 0;
  std::uint64_t next_seq = 0;
  std::uint64_t count = 0;
  std::uint64_t min_ts = UINT64_MAX;
  std::uint64_t max_ts = 0;
  Error error;
};

// Walks the records of `seg` from its first one.
ScanEnd scan(const LiveSegment& seg);

// A committed record (valid checksum, seq >= min_seq) starting at an
// 8-aligned offset in [from, until) of a segment of `size` bytes, if any. Used
// to tell a torn tail (nothing valid after it) from damage in the middle of
// the log (valid records after it).
std::optional<std::uint64_t> find_record_after(const std::byte* base, std::uint64_t size,
                                               std::uint64_t from, std::uint64_t until,
                                               std::uint64_t min_seq);

// [first, last + 1) of the non-zero bytes in [from, to), if any.
std::optional<std::pair<std::uint64_t, std::uint64_t>> nonzero_extent(const std::byte* base,
                                                                      std::uint64_t from,
                                                                      std::uint64_t to);

// Ends a segment at `end`: stores the end marker and writes the seal block.
void seal_at(LiveSegment& seg, const ScanEnd& end);

// Makes a sealed segment live again: its seal block goes, checksum word
// first, so an interrupted unseal reads as unsealed.
void unseal(LiveSegment& seg);

}  // namespace chronicle::detail
