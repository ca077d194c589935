#pragma once
// The payload checksum of v1 records: CRC-32 as in zlib, gzip and PNG
// (IEEE 802.3 polynomial, reflected, 0xEDB88320; initial value and final XOR
// 0xFFFFFFFF). crc32_ieee("123456789") is 0xCBF43926; an empty input gives 0.
// Computed by zlib (Debian's zlib1g), which the library links privately.
//
// Thread safety: pure functions, safe from any thread.

#include <cstddef>
#include <cstdint>
#include <span>

namespace chronicle::ipc::v1 {

std::uint32_t crc32_ieee(std::span<const std::byte> data) noexcept;

}  // namespace chronicle::ipc::v1
