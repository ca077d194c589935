#include <chronicle/segment/log_options.hpp>

#include <chronicle/core/errors.hpp>

namespace chronicle {

Status validate(const LogOptions& options) {
  const std::uint64_t size = options.segment_size;
  if (size < kMinSegmentSize || size > kMaxSegmentSize || size % 4096 != 0) {
    return invalid_argument(
        "segment_size {} is invalid: expected a multiple of 4096 between {} and {}", size,
        kMinSegmentSize, kMaxSegmentSize);
  }
  if ((options.file_mode & 0002) != 0 || (options.dir_mode & 0002) != 0) {
    return invalid_argument("file_mode {:o} / dir_mode {:o} are world-writable: refused",
                            options.file_mode, options.dir_mode);
  }
  return {};
}

Status check_payload(std::span<const std::byte> payload, std::uint64_t segment_size,
                     const std::string& dir) {
  if (payload.data() == nullptr && !payload.empty()) {
    return file_error(Errc::InvalidArgument, dir,
                      "append(): payload pointer is null but its length is {}", payload.size());
  }
  if (payload.size() > max_payload_size(segment_size)) {
    return file_error(Errc::InvalidArgument, dir,
                      "payload of {} bytes does not fit in a segment: the largest payload for "
                      "segment_size {} is {} bytes",
                      payload.size(), segment_size, max_payload_size(segment_size));
  }
  return {};
}

}  // namespace chronicle
