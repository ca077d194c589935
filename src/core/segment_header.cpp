#include <chronicle/core/segment_header.hpp>

#include <chronicle/core/errors.hpp>
#include <chronicle/core/record_format.hpp>

namespace chronicle {

Status validate_segment_header(const SegmentHeader& h, const std::string& path,
                               std::uint64_t expected_id, std::uint64_t file_size) {
  if (h.magic != kSegmentMagic) {
    return corruption(path, 0, "bad segment magic: expected 0x{:08x} (\"CHRQ\"), found 0x{:08x}",
                      kSegmentMagic, h.magic);
  }
  if (h.format_version > kSegmentFormatVersion) {
    return file_error(Errc::Unsupported, path,
                      "segment format version {} was written by a newer version of chronicle "
                      "(this build reads version {})",
                      h.format_version, kSegmentFormatVersion);
  }
  if (h.format_version != kSegmentFormatVersion) {
    return corruption(path, 4, "bad segment format version: expected {}, found {}",
                      kSegmentFormatVersion, h.format_version);
  }
  if (h.header_size != kSegmentHeaderSize) {
    return corruption(path, 6, "bad segment header size: expected {}, found {}",
                      kSegmentHeaderSize, h.header_size);
  }
  if (h.start_state == kSegmentNamedAhead) {
    return corruption(path, offsetof(SegmentHeader, start_state),
                      "segment was named ahead of a roll and never started: it holds no record "
                      "and no base_seq");
  }
  if (h.start_state != kSegmentStarted) {
    return corruption(path, offsetof(SegmentHeader, start_state),
                      "bad start_state 0x{:08x}: expected 0 (started)", h.start_state);
  }
  if (const auto sum = identity_checksum_of(h); sum != h.identity_checksum) {
    return corruption(path, offsetof(SegmentHeader, identity_checksum),
                      "segment header checksum mismatch: expected 0x{:08x}, found 0x{:08x}", sum,
                      h.identity_checksum);
  }
  if (h.segment_id != expected_id) {
    return corruption(path, offsetof(SegmentHeader, segment_id),
                      "segment id does not match the file name: expected {}, found {}",
                      expected_id, h.segment_id);
  }
  if (h.capacity < 4096 || h.capacity % 4096 != 0 || h.capacity > (1ull << 30)) {
    return corruption(path, offsetof(SegmentHeader, capacity),
                      "bad segment capacity {}: expected a multiple of 4096 up to 1 GiB",
                      h.capacity);
  }
  if (!is_sealed(h)) {
    if (file_size != h.capacity) {
      return corruption(path, offsetof(SegmentHeader, capacity),
                        "unsealed segment file is {} bytes: expected its capacity, {}", file_size,
                        h.capacity);
    }
    return {};
  }
  const std::uint64_t end = h.end_of_data;
  if (end < kSegmentHeaderSize || end > h.capacity - kEndMarkerSize || end % kRecordAlignment) {
    return corruption(path, offsetof(SegmentHeader, end_of_data),
                      "bad end_of_data {}: expected an 8-aligned offset in [{}, {}]", end,
                      kSegmentHeaderSize, h.capacity - kEndMarkerSize);
  }
  if (file_size < end) {
    return corruption(path, offsetof(SegmentHeader, end_of_data),
                      "file is {} bytes, shorter than its end_of_data {}", file_size, end);
  }
  if (h.record_count > (end - kSegmentHeaderSize) / kRecordHeaderSize) {
    return corruption(path, offsetof(SegmentHeader, record_count),
                      "record_count {} cannot fit in {} bytes of data", h.record_count,
                      end - kSegmentHeaderSize);
  }
  if (h.record_count > 0 && h.min_timestamp_ns > h.max_timestamp_ns) {
    return corruption(path, offsetof(SegmentHeader, min_timestamp_ns),
                      "min timestamp {} is after max timestamp {}", h.min_timestamp_ns,
                      h.max_timestamp_ns);
  }
  return {};
}

}  // namespace chronicle
