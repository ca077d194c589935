#pragma once
// Discovery of the segments in a log directory.
//
// Thread safety: free functions with no shared state, safe from any thread.

#include <cstdint>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/segment/segment_naming.hpp>

namespace chronicle {

// One segment id and the forms in which it is present. Both forms exist only
// for a moment while the lifecycle replaces one by the other; readers then
// prefer the hot file.
struct SegmentEntry {
  std::uint64_t id = 0;
  bool hot = false;
  bool cold = false;
};

// The segments of `dir`, sorted by id, one entry per id. Entries whose names
// are not segment names are ignored; so are `.q.prep` files (not yet
// published) and a newest `.q` the writer has named ahead of its next roll
// (it holds no record yet). Returns NotFound if `dir` does not exist, Io if
// it is not a readable directory or its newest segment cannot be read. A
// segment that changes tier while the directory is read is still listed
// (readdir alone may miss it; see segment_store.cpp).
Result<std::vector<SegmentEntry>> list_segments(const std::string& dir);
// The same for the directory open as `dir_fd` (`dir` names it in errors),
// for a caller that goes on to look at the segments relative to `dir_fd`.
Result<std::vector<SegmentEntry>> list_segments_at(int dir_fd, const std::string& dir);

// True if `id`'s hot file in `dir` (open as `dir_fd`) has a header that
// says "named ahead" (docs/FORMAT.md). False if it is missing, a symlink, a
// directory or shorter than a header; Io if it cannot be read (out of
// descriptors, no permission), since "don't know" must not count as "no".
Result<bool> is_named_ahead_on_disk(int dir_fd, const std::string& dir, std::uint64_t id);

}  // namespace chronicle
