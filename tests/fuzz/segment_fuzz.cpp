// libFuzzer target: the input is a segment file. Header validation and the
// record cursor must reject or read it without reading out of bounds.
#include <chronicle/core/segment_header.hpp>
#include <chronicle/segment/memory_segment.hpp>
#include <chronicle/segment/segment_cursor.hpp>

#include <cstring>
#include <memory>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chronicle;
  if (size < kSegmentHeaderSize) return 0;
  // An 8-aligned copy, as a mapping would be.
  std::vector<std::uint64_t> buf((size + 7) / 8);
  std::memcpy(buf.data(), data, size);
  const auto* bytes = reinterpret_cast<const std::byte*>(buf.data());
  SegmentHeader h;
  std::memcpy(&h, bytes, sizeof h);
  if (!validate_segment_header(h, "fuzz.q", h.segment_id, size)) return 0;
  SegmentCursor cursor(std::make_unique<MemorySegment>("fuzz.q", h.segment_id, bytes, size));
  RecordView v;
  std::uint64_t sum = 0;
  while (cursor.next(v) == CursorStep::Record) {
    for (std::byte b : v.payload) sum += static_cast<std::uint8_t>(b);
  }
  return sum == 42 ? 0 : 0;
}
