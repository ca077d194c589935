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

}  // namespace chronicle
