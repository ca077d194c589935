#pragma once
// Named crash points: test builds (CMake option CHRONICLE_CRASH_POINTS) can be
// told through the environment to SIGKILL themselves at the n-th time a named
// step is reached, to test crash safety in windows too narrow for random
// kills. In other builds CHRONICLE_CRASH_POINT expands to nothing.
//
//   CHRONICLE_CRASH_AT=roll.after_publish CHRONICLE_CRASH_HIT=2 ./crash_child
//
// Every name used in the library is listed in kCrashPoints, so a test can
// enumerate them and none is left untested.
//
// Thread safety: crash points may be hit from any thread.

#include <array>
#include <string_view>

namespace chronicle::detail {

inline constexpr std::array<std::string_view, 21> kCrashPoints = {
    "append.after_payload",       // payload and header stored, commit not yet
    "roll.after_publish",         // next segment started (and named, if not named ahead)
    "roll.after_end_marker",      // end marker stored in the old segment
    "roll.after_seal",            // old segment's seal block written
    "create.after_allocate",      // new segment file allocated, not yet named
    "create.after_name_ahead",    // prepared segment named ahead of its roll
    "recovery.after_scan",        // torn tail found, nothing changed yet
    "recovery.during_zero",       // part of the torn tail zeroed
    "recovery.after_seal_previous",  // previous unsealed segment sealed
    "close.after_end_marker",     // close(): end marker stored, seal not yet
    "compress.after_tmp_fsync",   // .q.zst temp file written and synced
    "compress.after_verify",      // temp file verified against the .q
    "compress.after_rename",      // .q.zst named; .q still there
    "compress.after_unlink",      // .q removed; directory not yet synced
    "decompress.after_tmp_fsync",  // restored .q temp file written and synced
    "decompress.after_rename",    // .q named; .q.zst still there
    "decompress.after_unlink",    // .q.zst removed; directory not yet synced
    "index.before_write",         // table partition: segment sealed, its .idx not yet written
    "partition.after_adopt_spare",  // next partition's first segment: the previous one's spare, renamed in
    "partition.after_open_next",  // RollingWriter: next partition open, previous not finished
    "partition.after_finish_previous",  // previous partition sealed (on the finisher thread)
};

// Kills the process with SIGKILL if CHRONICLE_CRASH_AT names this point and
// this is hit number CHRONICLE_CRASH_HIT (default 1) of it.
void crash_point_hit(std::string_view name) noexcept;

}  // namespace chronicle::detail

#if defined(CHRONICLE_CRASH_POINTS)
#define CHRONICLE_CRASH_POINT(name) ::chronicle::detail::crash_point_hit(name)
#else
#define CHRONICLE_CRASH_POINT(name) ((void)0)
#endif
