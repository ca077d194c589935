#pragma once
// The bytes of one segment, however they are stored. A SegmentCursor reads
// records straight out of the source's current window and asks for another
// window only when a record lies outside it: a hot segment's window is its
// whole mapping, so the hot read path never makes a virtual call; a cold
// segment's window is the frame (or frames) decompressed last.

#include <cstddef>
#include <cstdint>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/segment/segment_naming.hpp>

namespace chronicle {

// Bytes [begin, end) of a segment, contiguous at `data` (data[0] is the byte
// at segment offset `begin`).
struct SegmentWindow {
  const std::byte* data = nullptr;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

// Owned by one reader; not thread-safe.
class SegmentSource {
 public:
  virtual ~SegmentSource() = default;

  virtual const std::string& path() const noexcept = 0;
  virtual std::uint64_t segment_id() const noexcept = 0;
  virtual SegmentTier tier() const noexcept = 0;
  // The header as it reads now. The header was validated when the source was
  // opened; for a live hot segment the seal block changes when it is sealed.
  virtual SegmentHeader header() const noexcept = 0;
  // Bytes the segment holds: the file size of a hot segment, the
  // decompressed size of a cold one.
  virtual std::uint64_t size() const noexcept = 0;
  // A window containing [offset, offset + len), or as much of it as exists:
  // its end is below offset + len only when the segment ends first. The
  // previous window's bytes may be released by this call.
  // REQUIRES: offset <= size().
  virtual Result<SegmentWindow> window(std::uint64_t offset, std::size_t len) = 0;
  // The reader will read this segment from the start to its end (it moved
  // into it from the previous one): a hint to get the bytes ready at once.
  virtual void will_read_through() noexcept {}
  // Frees what the source can rebuild when next asked (decompressed frames),
  // while it sits unused in a cache. Windows handed out before are invalid.
  virtual void trim() noexcept {}
};

}  // namespace chronicle
