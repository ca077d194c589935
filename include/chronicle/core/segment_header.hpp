#pragma once
// The 128-byte header at the start of every segment file (docs/FORMAT.md).
//
//   offset size field
//   -- identity block: written once, before the first record --
//   0      4    magic              "CHRQ" (0x51524843)
//   4      2    format_version     kSegmentFormatVersion
//   6      2    header_size        128
//   8      8    segment_id         must match the file name
//   16     8    capacity           file size at creation (preallocated)
//   24     8    base_seq           sequence number of the first record
//   32     8    created_ns         wall-clock creation time
//   40     4    start_state        0: started; kSegmentNamedAhead: named by the
//                                  writer ahead of its roll, no record yet
//   44     4    identity_checksum  checksum32 of bytes [0, 44)
//   -- seal block: written once, when the segment is sealed --
//   48     4    flags              bit 0: SEALED
//   52     4    reserved           0
//   56     8    end_of_data        offset of the end-of-segment marker
//   64     8    record_count
//   72     8    min_timestamp_ns   (0 when record_count is 0)
//   80     8    max_timestamp_ns
//   88     4    reserved           0
//   92     4    seal_checksum      checksum32 of bytes [48, 92)
//   -- durability watermark --
//   96     8    synced_offset      bytes below this were on stable storage after
//                                  a successful sync(); damage below it is
//                                  corruption, above it a torn tail
//   104    24   reserved           0
//   128         first record
//
// Thread safety: pure functions over the bytes given, safe from any thread.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <chronicle/core/checksum.hpp>
#include <chronicle/core/detail/atomic_word.hpp>

namespace chronicle {

inline constexpr std::uint32_t kSegmentMagic = 0x51524843u;  // "CHRQ" on disk
inline constexpr std::uint16_t kSegmentFormatVersion = 1;
inline constexpr std::size_t kSegmentHeaderSize = 128;
inline constexpr std::uint32_t kSegmentFlagSealed = 1u;
// start_state of a segment the writer has named ahead of its roll ("PEND"):
// base_seq is not known yet, so readers treat the file as not there.
inline constexpr std::uint32_t kSegmentNamedAhead = 0x444E4550u;
inline constexpr std::uint32_t kSegmentStarted = 0;

struct SegmentHeader {
  std::uint32_t magic;
  std::uint16_t format_version;
  std::uint16_t header_size;
  std::uint64_t segment_id;
  std::uint64_t capacity;
  std::uint64_t base_seq;
  std::uint64_t created_ns;
  std::uint32_t start_state;
  std::uint32_t identity_checksum;
  std::uint32_t flags;
  std::uint32_t reserved1;
  std::uint64_t end_of_data;
  std::uint64_t record_count;
  std::uint64_t min_timestamp_ns;
  std::uint64_t max_timestamp_ns;
  std::uint32_t reserved2;
  std::uint32_t seal_checksum;
  std::uint64_t synced_offset;
  std::uint8_t reserved3[24];
};
static_assert(sizeof(SegmentHeader) == kSegmentHeaderSize);
static_assert(offsetof(SegmentHeader, segment_id) == 8);
static_assert(offsetof(SegmentHeader, capacity) == 16);
static_assert(offsetof(SegmentHeader, base_seq) == 24);
static_assert(offsetof(SegmentHeader, created_ns) == 32);
static_assert(offsetof(SegmentHeader, start_state) == 40);
static_assert(offsetof(SegmentHeader, identity_checksum) == 44);
static_assert(offsetof(SegmentHeader, flags) == 48);
static_assert(offsetof(SegmentHeader, end_of_data) == 56);
static_assert(offsetof(SegmentHeader, record_count) == 64);
static_assert(offsetof(SegmentHeader, min_timestamp_ns) == 72);
static_assert(offsetof(SegmentHeader, max_timestamp_ns) == 80);
static_assert(offsetof(SegmentHeader, seal_checksum) == 92);
static_assert(offsetof(SegmentHeader, synced_offset) == 96);

inline constexpr std::size_t kIdentityBlockEnd = offsetof(SegmentHeader, identity_checksum);
inline constexpr std::size_t kSealBlockBegin = offsetof(SegmentHeader, flags);
inline constexpr std::size_t kSealBlockEnd = offsetof(SegmentHeader, seal_checksum);

inline std::uint32_t identity_checksum_of(const SegmentHeader& h) noexcept {
  return checksum32(&h, kIdentityBlockEnd);
}
inline std::uint32_t seal_checksum_of(const SegmentHeader& h) noexcept {
  return checksum32(reinterpret_cast<const std::byte*>(&h) + kSealBlockBegin,
                    kSealBlockEnd - kSealBlockBegin);
}

// True when the seal block is complete and says SEALED. A seal block that is
// torn (crash while sealing) or absent reads as "not sealed".
inline bool is_sealed(const SegmentHeader& h) noexcept {
  return (h.flags & kSegmentFlagSealed) != 0 && h.seal_checksum == seal_checksum_of(h);
}

// True for a segment named ahead of its roll (see start_named_segment).
inline bool is_named_ahead(const SegmentHeader& h) noexcept {
  return h.magic == kSegmentMagic && h.start_state == kSegmentNamedAhead;
}

// A copy of the header taken from a mapping, read word by word with atomic
// loads: the writer may be starting or sealing it concurrently, in this or
// another process. A seal block read while it is being written fails its
// checksum and reads as "not sealed".
inline SegmentHeader read_segment_header(const std::byte* segment) noexcept {
  std::uint64_t words[kSegmentHeaderSize / 8];
  // Pairs with the release store in start_named_segment: a header read as
  // started has its final base_seq and identity checksum.
  words[5] = detail::load_u64_acquire(segment + 40);
  // Pairs with the release store in write_seal_block: if the checksum word is
  // the new one, so are the seal fields loaded after it.
  words[11] = detail::load_u64_acquire(segment + 88);
  for (std::size_t i = 0; i < kSegmentHeaderSize / 8; ++i) {
    if (i != 5 && i != 11) {
      words[i] = __atomic_load_n(reinterpret_cast<const std::uint64_t*>(segment) + i,
                                 __ATOMIC_RELAXED);
    }
  }
  SegmentHeader h;
  std::memcpy(&h, words, sizeof h);
  return h;
}

// Starts a mapped segment, named ahead or not: sets its base_seq, then the
// word holding start_state and identity_checksum with a release store (pairs
// with read_segment_header), so a reader never sees a started header with a
// stale base_seq. The roll does this before it stores the previous segment's
// end marker, so a reader that follows the marker finds the segment started.
inline void start_named_segment(std::byte* segment, std::uint64_t base_seq) noexcept {
  SegmentHeader h = read_segment_header(segment);
  h.base_seq = base_seq;
  h.start_state = kSegmentStarted;
  h.identity_checksum = identity_checksum_of(h);
  std::uint64_t words[kSegmentHeaderSize / 8];
  std::memcpy(words, &h, sizeof h);
  auto* out = reinterpret_cast<std::uint64_t*>(segment);
  __atomic_store_n(out + 3, words[3], __ATOMIC_RELAXED);
  detail::store_u64_release(segment + 40, words[5]);
}

// Writes the seal block of a mapped segment: the fields first, then the word
// holding seal_checksum with a release store (pairs with read_segment_header).
inline void write_seal_block(std::byte* segment, std::uint64_t end_of_data,
                             std::uint64_t record_count, std::uint64_t min_ts,
                             std::uint64_t max_ts) noexcept {
  SegmentHeader h = read_segment_header(segment);
  h.flags = kSegmentFlagSealed;
  h.reserved1 = 0;
  h.end_of_data = end_of_data;
  h.record_count = record_count;
  h.min_timestamp_ns = record_count ? min_ts : 0;
  h.max_timestamp_ns = record_count ? max_ts : 0;
  h.reserved2 = 0;
  h.seal_checksum = seal_checksum_of(h);
  std::uint64_t words[kSegmentHeaderSize / 8];
  std::memcpy(words, &h, sizeof h);
  auto* out = reinterpret_cast<std::uint64_t*>(segment);
  for (std::size_t i = 6; i < 11; ++i) __atomic_store_n(out + i, words[i], __ATOMIC_RELAXED);
  detail::store_u64_release(segment + 88, words[11]);
}

// Byte offset of the header's synced_offset field (docs/FORMAT.md).
inline constexpr std::size_t kSyncedOffsetField = 96;

// Records that bytes below `offset` are on stable storage.
inline void store_synced_offset(std::byte* segment, std::uint64_t offset) noexcept {
  __atomic_store_n(reinterpret_cast<std::uint64_t*>(segment + kSyncedOffsetField), offset,
                   __ATOMIC_RELAXED);
}

}  // namespace chronicle

#include <string>

#include <chronicle/core/error.hpp>

namespace chronicle {

// Checks a segment header read from `path` (file size `file_size`) that should
// be segment `expected_id`: magic, version (a newer one is Unsupported),
// header size, identity checksum, id, capacity, and when sealed the seal block
// against the capacity. Errors are Corruption naming the field, the value
// found and the value expected.
Status validate_segment_header(const SegmentHeader& h, const std::string& path,
                               std::uint64_t expected_id, std::uint64_t file_size);

}  // namespace chronicle
