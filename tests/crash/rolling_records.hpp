#pragma once
// The table workload of the rolling-writer crash tests (RELIABILITY A6),
// shared by the crash child and the tests: one stream of records k = 0, 1, 2,
// ... written through a RollingWriter with an HourRoller. Record k lies in
// hour k / kRecordsPerHour after kFirstHourNs, so every partition holds
// exactly kRecordsPerHour records once the stream has passed it, and record
// k is that partition's sequence number k % kRecordsPerHour. Timestamps come
// in groups of three equal ones, which straddle the index entries (stride 4)
// so that seeks must find the first of equal timestamps.

#include <chronicle/table/table.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "support/records.hpp"

namespace chronicle::crash::rolling {

inline constexpr std::uint64_t kRecordsPerHour = 120;
inline constexpr std::uint64_t kHourNs = 3'600'000'000'000ull;
inline constexpr std::int64_t kFirstHour = 491'568;  // 2026-01-29T00Z, hours since 1970
inline constexpr std::uint64_t kFirstHourNs = static_cast<std::uint64_t>(kFirstHour) * kHourNs;
// Small enough that a partition fills two or three segments of kSegmentSize.
inline constexpr std::size_t kMaxPayload = 600;
inline constexpr std::uint64_t kSegmentSize = 8 * 1024;
inline constexpr std::uint32_t kIndexStride = 4;

inline std::uint64_t hour_of(std::uint64_t k) { return k / kRecordsPerHour; }

inline std::uint64_t timestamp_of(std::uint64_t k) {
  constexpr std::uint64_t step = kHourNs / (kRecordsPerHour / 3);
  return kFirstHourNs + hour_of(k) * kHourNs + (k % kRecordsPerHour) / 3 * step;
}

inline std::uint16_t type_of(std::uint64_t seed, std::uint64_t k) { return test::type_for(seed, k); }

inline std::vector<std::byte> payload_of(std::uint64_t seed, std::uint64_t k) {
  return test::payload_for(seed, k, kMaxPayload);
}

// The scheme {venue: string, t: hour} with every partition at venue=XNAS.
inline PartitionScheme scheme() {
  return PartitionScheme::create({{"venue", KeyType::String, 0}, {"t", KeyType::Hour, 0}})
      .value();
}

inline TableConfig config() {
  TableConfig c;
  c.segment_size = kSegmentSize;
  c.index_stride = kIndexStride;
  return c;
}

// The partition of hour number `h` (counted from kFirstHour).
inline PartitionValues partition_of(const Table& t, std::uint64_t h) {
  return PartitionValues::create(
             t.scheme(), {{"venue", "XNAS"}, {"t", Hour{kFirstHour + static_cast<std::int64_t>(h)}}})
      .value();
}

inline Result<RollingWriter> open_writer(const Table& t) {
  return t.rolling_writer(std::make_unique<HourRoller>("t"), partition_of(t, 0));
}

// Appends record k.
inline Result<std::uint64_t> append_record(RollingWriter& w, std::uint64_t seed, std::uint64_t k) {
  const auto payload = payload_of(seed, k);
  return w.append(type_of(seed, k), timestamp_of(k), payload);
}

}  // namespace chronicle::crash::rolling
