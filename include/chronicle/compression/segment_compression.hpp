#pragma once
// Turning a sealed hot segment into a cold one and back, crash-safely.
//
// compress_segment:   NNN.q (sealed) -> temp file -> fsync -> verify every byte by
//                     decompressing -> rename to NNN.q.zst -> fsync dir ->
//                     remove NNN.q -> fsync dir
// decompress_segment: NNN.q.zst -> temp file -> fsync -> verify -> rename to NNN.q
//                     -> fsync dir -> remove NNN.q.zst -> fsync dir
//
// A crash at any step leaves the segment readable exactly once: readers
// prefer the .q while both exist, and a .q.zst (or restored .q) appears under
// its name only complete and verified. Running the same call again after a
// crash finishes the job: an existing destination is verified against the
// source before the source is removed. Only `[0, end_of_data)` is compressed,
// never the preallocated tail; the live (unsealed) segment is refused.
//
// Temp files are named `NNN.q.zst.tmp-<pid>-<random>` / `NNN.q.tmp-<pid>-<random>`;
// remove_stale_temp_files() deletes those of a crashed run. The caller must
// make sure no two calls work on the same segment at once (the lifecycle
// manager holds a lock per partition).
//
// Thread safety: calls on different segments may run concurrently; on the
// same segment they must not (the lifecycle manager takes a lock per
// partition).

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include <chronicle/compression/seekable_writer.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>

namespace chronicle {

struct SegmentCompressionOptions {
  SeekableOptions seekable;
  mode_t file_mode = 0644;  // before the umask; world-writable is refused (InvalidArgument)
  FileSystem* fs = nullptr;  // null: FileSystem::system()
  // Called after each frame is written with the frame's decompressed size;
  // the lifecycle manager sleeps in it to cap the byte rate. An error stops
  // the compression: the temporary file is removed, the segment stays hot,
  // and compress_segment returns that error.
  std::function<Status(std::uint64_t)> on_frame;
};

struct SegmentCompressionResult {
  std::uint64_t used_bytes = 0;      // the segment's end_of_data
  std::uint64_t bytes_before = 0;    // size on disk of the source file
  std::uint64_t bytes_after = 0;     // size on disk of the destination file
  std::uint64_t frames = 0;
  bool finished_earlier_run = false;  // the destination existed and was verified
};

// Compresses sealed hot segment `id` of the log in `dir`. InvalidArgument
// for an unsealed segment; Corruption if the source's records fail their
// checksums (the .q is then left alone); NotFound if there is no .q.
Result<SegmentCompressionResult> compress_segment(const std::string& dir, std::uint64_t id,
                                                  const SegmentCompressionOptions& options = {});

// Restores cold segment `id` as a hot `.q` holding exactly [0, end_of_data)
// (shorter than a preallocated segment; writers and readers accept it).
Result<SegmentCompressionResult> decompress_segment(const std::string& dir, std::uint64_t id,
                                                    const SegmentCompressionOptions& options = {});

// Removes temp files left in `dir` by crashed compress/decompress runs.
// REQUIRES: no compression runs in `dir` concurrently. Returns how many.
Result<std::uint64_t> remove_stale_temp_files(const std::string& dir, FileSystem& fs);

}  // namespace chronicle
