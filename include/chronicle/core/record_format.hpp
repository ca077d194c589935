#pragma once
// The record layout shared by the writer and every reader (docs/FORMAT.md).
//
// A record is a 32-byte header followed by the payload, padded with zeros to a
// multiple of 8 bytes. Records are packed back to back after the segment
// header; the 4-byte commit word at the start of each is the only field that
// is written concurrently with readers.
//
//   offset size field
//   0      4    commit       0 = nothing yet; payload length + 1 = committed;
//                            0xFFFFFFFF = end of segment (kEndOfSegment)
//   4      4    checksum     checksum32(bytes [8, 32 + length), seed = length)
//   8      8    seq          sequence number, contiguous across the log
//   16     8    timestamp_ns caller's timestamp, nanoseconds since the epoch
//   24     2    type_id      caller's message type
//   26     2    flags        reserved for chronicle, 0 today
//   28     4    reserved     0
//   32     len  payload
//
// Commit protocol: the writer stores payload and header fields, then publishes
// the commit word with a release store (publish_commit_release). A reader
// loads it with an acquire load (load_commit_acquire) and only then reads the
// rest, so it never sees a half-written record.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <chronicle/core/checksum.hpp>
#include <chronicle/core/detail/atomic_word.hpp>

namespace chronicle {

static_assert(std::endian::native == std::endian::little,
              "chronicle's on-disk format is little-endian; big-endian hosts are not supported");

inline constexpr std::size_t kRecordAlignment = 8;
inline constexpr std::size_t kRecordHeaderSize = 32;
inline constexpr std::uint32_t kCommitNone = 0;
inline constexpr std::uint32_t kEndOfSegment = 0xFFFFFFFFu;
// Space kept free at the end of every segment so the end marker always fits.
inline constexpr std::size_t kEndMarkerSize = 8;

struct RecordHeader {
  std::uint32_t commit;
  std::uint32_t checksum;
  std::uint64_t seq;
  std::uint64_t timestamp_ns;
  std::uint16_t type_id;
  std::uint16_t flags;
  std::uint32_t reserved;
};
static_assert(sizeof(RecordHeader) == kRecordHeaderSize);
static_assert(offsetof(RecordHeader, checksum) == 4);
static_assert(offsetof(RecordHeader, seq) == 8);
static_assert(offsetof(RecordHeader, timestamp_ns) == 16);
static_assert(offsetof(RecordHeader, type_id) == 24);
static_assert(offsetof(RecordHeader, flags) == 26);
static_assert(offsetof(RecordHeader, reserved) == 28);

// Offset of the first checksummed byte: everything after commit and checksum.
inline constexpr std::size_t kChecksummedFrom = offsetof(RecordHeader, seq);

// Bytes a record with this payload length occupies, padding included.
// REQUIRES: payload_len <= UINT32_MAX - kRecordHeaderSize.
constexpr std::uint64_t record_size(std::uint64_t payload_len) noexcept {
  return (kRecordHeaderSize + payload_len + kRecordAlignment - 1) & ~(kRecordAlignment - 1);
}

// Checksum of a record whose header fields and payload are in place at `record`.
inline std::uint32_t compute_record_checksum(const std::byte* record,
                                             std::uint32_t payload_len) noexcept {
  return checksum32(record + kChecksummedFrom,
                    kRecordHeaderSize - kChecksummedFrom + payload_len, payload_len);
}

// Pairs with publish_commit_release: once this returns a non-zero value, every
// byte of that record is visible to the caller.
inline std::uint32_t load_commit_acquire(const std::byte* record) noexcept {
  return detail::load_u32_acquire(record);
}
inline void publish_commit_release(std::byte* record, std::uint32_t commit) noexcept {
  detail::store_u32_release(record, commit);
}

// Copies the header out of the mapping, so that a concurrent hostile change to
// the mapped bytes cannot change a field between its check and its use.
inline RecordHeader read_record_header(const std::byte* record) noexcept {
  RecordHeader h;
  std::memcpy(&h, record, sizeof h);
  return h;
}

}  // namespace chronicle
