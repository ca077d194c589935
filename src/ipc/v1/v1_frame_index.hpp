#pragma once
// Reads the frame index (.q.zst.idx) of a v1 cold segment and checks every
// size and offset in it against the real size of the .q.zst before any of
// them is used: the frames must be back to back from offset 0 to the end of
// the .q.zst, each block_size bytes uncompressed but the last.

#include <cstdint>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/ipc/v1/v1_format.hpp>
#include <chronicle/segment/log_options.hpp>

namespace chronicle::ipc::v1::detail {

// Frames larger than this are refused (a frame is decompressed into one
// buffer of this size); v1 wrote 1 MiB by default.
inline constexpr std::uint32_t kMaxBlockSize = 256u << 20;
// Segments whose frames decompress to more than this are refused before any
// frame is read: a reader's window holds up to a whole record, and the sizes
// come from the file. The same limit as chronicle's own segments.
inline constexpr std::uint64_t kMaxV1SegmentSize = kMaxSegmentSize;

struct FrameIndex {
  std::uint32_t block_size = 0;
  std::vector<FrameIndexEntry> frames;
  std::uint64_t uncompressed_size = 0;  // of the whole segment
};

// Corruption naming `idx_path` and the offset of the bad field for any
// inconsistency or an oversized block; Unsupported for another version or
// a segment above kMaxV1SegmentSize.
Result<FrameIndex> read_frame_index(FileSystem& fs, const std::string& idx_path,
                                    std::uint64_t zst_size);

}  // namespace chronicle::ipc::v1::detail
