#pragma once
// The segment files of a v1 log directory, found by name.
//
// Names are the segment id as exactly 9 decimal digits (as v1 itself
// requires) followed by:
//   .q            a hot segment
//   .q.zst        a cold segment, read through its frame index
//   .q.zst.idx    the frame index of a cold segment
//   .idx          the seek index of a segment, hot or cold (optional)
// Names ending in .tmp (a segment being written, or a compression in
// progress) are ignored, as v1 ignores them; so are other names, symlinks
// and non-regular files, which are reported in `ignored` if it is given.
//
// When both NNN.q and NNN.q.zst exist, the v1 compressor was interrupted
// after writing the cold copy and before deleting the hot one: the .q is read
// (it is complete by construction) and `cold_copy` is set so the reader can
// check that the two hold the same bytes (see v1_log_reader.hpp).
//
// Thread safety: free functions with no shared state, safe from any thread.

#include <cstdint>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>

namespace chronicle::ipc::v1 {

enum class SegmentTier : std::uint8_t { Hot, Cold };

struct V1SegmentFile {
  std::uint64_t id = 0;
  SegmentTier tier = SegmentTier::Hot;
  std::string path;               // the .q or .q.zst
  std::string frame_index_path;   // Cold: the .q.zst.idx
  std::string seek_index_path;    // the .idx, or empty when there is none
  std::string cold_copy;          // Hot only: a .q.zst of the same id, if any
};

// The segments of the log in `dir`, in id order. Errors: NotFound if `dir`
// does not exist; Io; Corruption for a cold segment without its frame index
// (naming both files) and for a gap in the ids (naming the missing segment:
// records would silently be lost). The first id need not be 0.
Result<std::vector<V1SegmentFile>> list_v1_segments(const std::string& dir,
                                                    std::vector<std::string>* ignored = nullptr);

// "NNNNNNNNN" for an id.
std::string v1_segment_stem(std::uint64_t id);

}  // namespace chronicle::ipc::v1
