#include <chronicle/ipc/v1/v1_checksum.hpp>

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace chronicle::ipc::v1 {

std::uint32_t crc32_ieee(std::span<const std::byte> data) noexcept {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  const auto* p = reinterpret_cast<const Bytef*>(data.data());
  std::size_t left = data.size();
  // zlib takes a uInt length: feed inputs over 4 GiB in pieces.
  while (left > 0) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(left, std::numeric_limits<uInt>::max()));
    crc = ::crc32(crc, p, n);
    p += n;
    left -= n;
  }
  return static_cast<std::uint32_t>(crc);
}

}  // namespace chronicle::ipc::v1
