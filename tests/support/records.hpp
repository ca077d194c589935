#pragma once
// Deterministic records (RELIABILITY HX1): the payload, type and timestamp of
// sequence number `seq` under seed `seed` are pure functions of both, so any
// reader can check a record without knowing what was written.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <chronicle/core/checksum.hpp>

namespace chronicle::test {

inline std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

// Payload length of `seq`: mostly small, with the edge lengths 0, 1, 7, 8, 9,
// 4095, 4096, 4097 mixed in, and rarely up to `max_len`.
inline std::size_t payload_len(std::uint64_t seed, std::uint64_t seq, std::size_t max_len) {
  static constexpr std::size_t kEdges[] = {0, 1, 7, 8, 9, 4095, 4096, 4097};
  const std::uint64_t r = mix(seed * 0x9e3779b97f4a7c15ull + seq);
  std::size_t len;
  switch (r % 16) {
    case 0: len = kEdges[(r >> 8) % 8]; break;
    case 1: len = static_cast<std::size_t>((r >> 8) % (max_len + 1)); break;
    default: len = static_cast<std::size_t>((r >> 8) % 200); break;
  }
  return len > max_len ? max_len : len;
}

inline std::vector<std::byte> payload_for(std::uint64_t seed, std::uint64_t seq,
                                          std::size_t max_len = 5000) {
  std::vector<std::byte> out(payload_len(seed, seq, max_len));
  std::uint64_t state = mix(seed ^ (seq << 1) ^ 0x5bd1e995);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 8 == 0) state = mix(state + i);
    out[i] = static_cast<std::byte>(state >> ((i % 8) * 8));
  }
  return out;
}

inline std::uint16_t type_for(std::uint64_t seed, std::uint64_t seq) {
  return static_cast<std::uint16_t>(mix(seed + seq * 31) & 0xFFFF);
}

// Non-decreasing timestamps: 1 ms steps with occasional repeats.
inline std::uint64_t timestamp_for(std::uint64_t seed, std::uint64_t seq) {
  return 1'769'644'800'000'000'000ull + seed * 1'000'000'000'000ull + (seq / 3) * 1'000'000ull +
         (seq % 3 == 2 ? 1 : 0);
}

}  // namespace chronicle::test
