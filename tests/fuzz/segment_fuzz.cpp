// libFuzzer target: the input is a segment file. Header validation and the
// record cursor must reject or read it without reading out of bounds.
// Random bytes almost never carry matching checksums, so each input is also
// read with its header's identity and seal checksums and every record's
// checksum recomputed (as access_file_fuzz does), which lets the fuzzer
// reach the checks behind them: the seal block's fields against each other
// and the records, and the records against end_of_data.
#include <chronicle/core/record_format.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/segment/memory_segment.hpp>
#include <chronicle/segment/segment_cursor.hpp>

#include <cstring>
#include <memory>
#include <vector>

namespace {

using namespace chronicle;

// `words` holds `size` bytes of a segment, 8-aligned, as a mapping would be.
// Returns a sum of the payload bytes, so that reading them is not optimised away.
std::uint64_t read_segment(const std::vector<std::uint64_t>& words, std::size_t size) {
  const auto* bytes = reinterpret_cast<const std::byte*>(words.data());
  SegmentHeader h;
  std::memcpy(&h, bytes, sizeof h);
  if (!validate_segment_header(h, "fuzz.q", h.segment_id, size)) return 0;
  SegmentCursor cursor(std::make_unique<MemorySegment>("fuzz.q", h.segment_id, bytes, size));
  RecordView v;
  std::uint64_t sum = 0;
  while (cursor.next(v) == CursorStep::Record) {
    for (std::byte b : v.payload) sum += static_cast<std::uint8_t>(b);
  }
  return sum;
}

// The checksums a writer would have stored, for the header and for every
// record up to the first that is uncommitted, the end marker or cut short.
void fix_checksums(std::vector<std::uint64_t>& words, std::size_t size) {
  auto* bytes = reinterpret_cast<std::byte*>(words.data());
  SegmentHeader h;
  std::memcpy(&h, bytes, sizeof h);
  h.identity_checksum = identity_checksum_of(h);
  h.seal_checksum = seal_checksum_of(h);
  std::memcpy(bytes, &h, sizeof h);
  std::size_t at = kSegmentHeaderSize;
  while (size - at >= kRecordHeaderSize) {
    std::uint32_t commit;
    std::memcpy(&commit, bytes + at, 4);
    if (commit == kCommitNone || commit == kEndOfSegment) break;
    const std::uint32_t len = commit - 1;
    const std::uint64_t n = record_size(len);
    if (n > size - at) break;
    const std::uint32_t checksum = compute_record_checksum(bytes + at, len);
    std::memcpy(bytes + at + offsetof(RecordHeader, checksum), &checksum, 4);
    at += n;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < kSegmentHeaderSize) return 0;
  std::vector<std::uint64_t> words((size + 7) / 8);
  std::memcpy(words.data(), data, size);
  std::uint64_t sum = read_segment(words, size);
  fix_checksums(words, size);
  sum += read_segment(words, size);
  return sum == 42 ? 0 : 0;
}
