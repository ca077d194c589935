#pragma once
// A cold segment (NNNNNNNNN.q.zst): the used prefix [0, end_of_data) of a
// sealed segment in the zstd seekable format. As a SegmentSource it lends a
// SegmentCursor one decompressed frame at a time (records that straddle two
// frames are stitched into a small buffer), so hot and cold segments share
// one record decoder. Sequential reads decompress the next frames ahead on a
// background thread.
//
// Thread safety: one reader thread per ColdSegment.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <chronicle/compression/seekable_reader.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/segment/segment_source.hpp>

namespace chronicle {

namespace detail {
class FramePrefetcher;
}

// Each frame read ahead holds up to kMaxColdFrameSize (64 MiB) decompressed,
// and a count near SIZE_MAX would wrap the prefetcher's window arithmetic.
inline constexpr std::size_t kMaxReadAheadFrames = 64;

struct ColdReadOptions {
  // Frames decompressed ahead of a sequential reader, 0..kMaxReadAheadFrames;
  // 0 turns read-ahead off (no background thread). ColdSegment::open refuses
  // more with InvalidArgument.
  std::size_t read_ahead_frames = 2;
};

class ColdSegment final : public SegmentSource {
 public:
  // Opens and validates cold segment `id` at `path`: the seek table, the
  // segment header in its first frame (it must be sealed, and its
  // end_of_data must equal the decompressed size), and frame sizes (all but
  // the last equal). NotFound if absent.
  static Result<std::unique_ptr<ColdSegment>> open(FileSystem& fs, const std::string& path,
                                                   std::uint64_t id,
                                                   const ColdReadOptions& options = {});
  ~ColdSegment() override;

  const std::string& path() const noexcept override { return reader_.path(); }
  std::uint64_t segment_id() const noexcept override { return id_; }
  SegmentTier tier() const noexcept override { return SegmentTier::Cold; }
  SegmentHeader header() const noexcept override { return header_; }
  std::uint64_t size() const noexcept override { return reader_.size(); }
  Result<SegmentWindow> window(std::uint64_t offset, std::size_t len) override;
  void trim() noexcept override;

  // Random access to the decompressed bytes.
  Status read_at(std::uint64_t offset, std::span<std::byte> out) {
    return reader_.read_at(offset, out);
  }
  const SeekableReader& seekable() const noexcept { return reader_; }

 private:
  ColdSegment(SeekableReader reader, std::uint64_t id);
  SeekableReader reader_;
  std::uint64_t id_;
  SegmentHeader header_{};  // validated by open()
  std::unique_ptr<detail::FramePrefetcher> frames_;
  std::vector<std::byte> stitch_;
};

}  // namespace chronicle
