#pragma once
// What the crash child writes and what every checker expects (RELIABILITY HX1),
// shared by the crash child and the tests: record `seq` of a log written with
// seed `seed` carries payload_for(seed, seq, max_len), type_for(seed, seq) and
// timestamp_for(seed, seq), whoever appended it (a child or the test itself).

#include <algorithm>
#include <chronicle/segment/log_options.hpp>
#include <chronicle/segment/record_view.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "support/records.hpp"

namespace chronicle::crash {

// Written by a tailing child on fd 3 once its reader is open, before any seq.
inline constexpr std::uint64_t kTailReady = UINT64_MAX;

// Largest payload the crash workloads write into segments of this size: the
// HX1 mix up to 5000 bytes, or less where a segment cannot hold that much.
inline std::size_t max_len_for(std::uint64_t segment_size) {
  return static_cast<std::size_t>(
      std::min<std::uint64_t>(5000, chronicle::max_payload_size(segment_size)));
}

// Appends the deterministic record for writer.next_seq().
inline Result<std::uint64_t> append_expected(SegmentWriter& writer, std::uint64_t seed,
                                             std::size_t max_len) {
  const std::uint64_t seq = writer.next_seq();
  const auto payload = test::payload_for(seed, seq, max_len);
  return writer.append(test::type_for(seed, seq), test::timestamp_for(seed, seq), payload);
}

// Empty when `view` is exactly record `expected_seq`; otherwise what differs.
inline std::string record_mismatch(const RecordView& view, std::uint64_t expected_seq,
                                   std::uint64_t seed, std::size_t max_len) {
  if (view.seq != expected_seq) {
    return "seq " + std::to_string(view.seq) + " where " + std::to_string(expected_seq) +
           " was expected";
  }
  const std::string at = "record seq " + std::to_string(view.seq) + ": ";
  if (view.type_id != test::type_for(seed, view.seq)) {
    return at + "type_id " + std::to_string(view.type_id) + ", expected " +
           std::to_string(test::type_for(seed, view.seq));
  }
  if (view.timestamp_ns != test::timestamp_for(seed, view.seq)) {
    return at + "timestamp " + std::to_string(view.timestamp_ns) + ", expected " +
           std::to_string(test::timestamp_for(seed, view.seq));
  }
  const auto payload = test::payload_for(seed, view.seq, max_len);
  if (view.payload.size() != payload.size()) {
    return at + "payload of " + std::to_string(view.payload.size()) + " bytes, expected " +
           std::to_string(payload.size());
  }
  if (!payload.empty() && std::memcmp(view.payload.data(), payload.data(), payload.size()) != 0) {
    return at + "payload bytes differ from the expected ones";
  }
  return {};
}

}  // namespace chronicle::crash
