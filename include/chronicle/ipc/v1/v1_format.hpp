#pragma once
// The on-disk format written by chronicle-rs 0.1 ("v1"), the Rust original of
// this library: byte layouts, constants and field decoding shared by the v1
// readers (tests/data/chronicle-rs-v1/README.md describes the files these
// were checked against). Everything here is read-only: chronicle never writes
// v1 files.
//
// A v1 log is a directory of segments NNNNNNNNN.q (hot, 9-digit decimal id),
// or NNNNNNNNN.q.zst plus NNNNNNNNN.q.zst.idx (cold), each with an optional
// seek index NNNNNNNNN.idx. All integers are little-endian. The structs below
// are decoded with memcpy from any alignment.
//
// Thread safety: pure functions and constants, safe from any thread.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace chronicle::ipc::v1 {

static_assert(std::endian::native == std::endian::little,
              "the v1 format is little-endian; big-endian hosts are not supported");

// Segment file header, bytes 0-63 of every .q (and of every decompressed .q.zst).
//
//   offset size field
//   0      4    magic        0x53454730 (bytes "0GES" on disk)
//   4      4    version      2
//   8      4    segment_id   the segment id truncated to 32 bits
//   12     4    flags        bit 0: sealed
//   16     48   reserved     zero
struct SegmentHeader {
  std::uint32_t magic;
  std::uint32_t version;
  std::uint32_t segment_id;
  std::uint32_t flags;
  std::uint8_t reserved[48];
};
static_assert(sizeof(SegmentHeader) == 64);
static_assert(offsetof(SegmentHeader, version) == 4);
static_assert(offsetof(SegmentHeader, segment_id) == 8);
static_assert(offsetof(SegmentHeader, flags) == 12);
static_assert(offsetof(SegmentHeader, reserved) == 16);

inline constexpr std::uint32_t kSegmentMagic = 0x53454730u;
inline constexpr std::uint32_t kSegmentVersion = 2;
inline constexpr std::uint32_t kSegmentSealed = 1;
inline constexpr std::size_t kSegmentHeaderSize = sizeof(SegmentHeader);

// Message header, followed by the payload and zero padding to the next
// multiple of 64. Records start at offset 64 and are packed back to back; a
// record never spans segments, and no pad record is written: the space left
// at the end of a full segment stays zero.
//
//   offset size field
//   0      4    commit       payload length + 1; 0 = end of data
//   4      1    version      1 (anything else is refused)
//   5      3    reserved     zero
//   8      8    seq          per writer session, from 0 (see v1_log_reader.hpp)
//   16     8    timestamp_ns
//   24     2    type_id      0xFFFF is reserved by v1 for pad records
//   26     2    flags        0 in every file seen
//   28     4    crc32        CRC-32 (IEEE, reflected) of the payload; 0 for an empty one
//   32     32   reserved     zero
struct MessageHeader {
  std::uint32_t commit;
  std::uint8_t version;
  std::uint8_t reserved0[3];
  std::uint64_t seq;
  std::uint64_t timestamp_ns;
  std::uint16_t type_id;
  std::uint16_t flags;
  std::uint32_t crc32;
  std::uint8_t reserved1[32];
};
static_assert(sizeof(MessageHeader) == 64);
static_assert(offsetof(MessageHeader, version) == 4);
static_assert(offsetof(MessageHeader, seq) == 8);
static_assert(offsetof(MessageHeader, timestamp_ns) == 16);
static_assert(offsetof(MessageHeader, type_id) == 24);
static_assert(offsetof(MessageHeader, flags) == 26);
static_assert(offsetof(MessageHeader, crc32) == 28);
static_assert(offsetof(MessageHeader, reserved1) == 32);

inline constexpr std::size_t kMessageHeaderSize = sizeof(MessageHeader);
inline constexpr std::size_t kRecordAlignment = 64;
inline constexpr std::uint8_t kMessageVersion = 1;
inline constexpr std::uint16_t kPadTypeId = 0xFFFF;

// Bytes a record with this payload length occupies: roundup64(64 + len).
constexpr std::uint64_t record_size(std::uint64_t payload_len) noexcept {
  return (kMessageHeaderSize + payload_len + kRecordAlignment - 1) & ~(kRecordAlignment - 1);
}

// Seek index NNNNNNNNN.idx: this header, then entry_count entries. Entry i
// describes record i * entry_stride of the segment; min/max cover every
// record of the segment.
//
//   offset size field
//   0      8    magic        "CHRIDX1\0"
//   8      2    version      1
//   10     2    header_len   80
//   12     4    flags        bit 0: partial
//   16     8    segment_id
//   24     8    segment_size bytes of the .q file
//   32     4    data_offset  64
//   36     4    entry_stride records per entry
//   40     8    min_seq
//   48     8    max_seq
//   56     8    min_timestamp_ns
//   64     8    max_timestamp_ns
//   72     8    entry_count  ceil(records / entry_stride)
struct SeekIndexHeader {
  char magic[8];
  std::uint16_t version;
  std::uint16_t header_len;
  std::uint32_t flags;
  std::uint64_t segment_id;
  std::uint64_t segment_size;
  std::uint32_t data_offset;
  std::uint32_t entry_stride;
  std::uint64_t min_seq;
  std::uint64_t max_seq;
  std::uint64_t min_timestamp_ns;
  std::uint64_t max_timestamp_ns;
  std::uint64_t entry_count;
};
static_assert(sizeof(SeekIndexHeader) == 80);
static_assert(offsetof(SeekIndexHeader, version) == 8);
static_assert(offsetof(SeekIndexHeader, header_len) == 10);
static_assert(offsetof(SeekIndexHeader, flags) == 12);
static_assert(offsetof(SeekIndexHeader, segment_id) == 16);
static_assert(offsetof(SeekIndexHeader, segment_size) == 24);
static_assert(offsetof(SeekIndexHeader, data_offset) == 32);
static_assert(offsetof(SeekIndexHeader, entry_stride) == 36);
static_assert(offsetof(SeekIndexHeader, min_seq) == 40);
static_assert(offsetof(SeekIndexHeader, max_seq) == 48);
static_assert(offsetof(SeekIndexHeader, min_timestamp_ns) == 56);
static_assert(offsetof(SeekIndexHeader, max_timestamp_ns) == 64);
static_assert(offsetof(SeekIndexHeader, entry_count) == 72);

//   offset size field
//   0      8    seq
//   8      8    timestamp_ns
//   16     8    offset       of the record's header in the .q file
struct SeekIndexEntry {
  std::uint64_t seq;
  std::uint64_t timestamp_ns;
  std::uint64_t offset;
};
static_assert(sizeof(SeekIndexEntry) == 24);
static_assert(offsetof(SeekIndexEntry, timestamp_ns) == 8);
static_assert(offsetof(SeekIndexEntry, offset) == 16);

inline constexpr char kSeekIndexMagic[8] = {'C', 'H', 'R', 'I', 'D', 'X', '1', '\0'};
inline constexpr std::uint16_t kSeekIndexVersion = 1;
inline constexpr std::uint32_t kSeekIndexPartial = 1;

// Frame index NNNNNNNNN.q.zst.idx of a cold segment: this header, then
// frame_count entries. The .q.zst file is the whole .q cut into block_size
// chunks (the last may be shorter), each an independent zstd frame without
// content size or checksum, written back to back. It is not the zstd
// seekable format: there is no seek-table frame.
//
//   offset size field
//   0      8    magic        "QZSTIDX1"
//   8      2    version      1
//   10     2    header_len   24
//   12     4    block_size   uncompressed bytes per frame
//   16     8    frame_count
struct FrameIndexHeader {
  char magic[8];
  std::uint16_t version;
  std::uint16_t header_len;
  std::uint32_t block_size;
  std::uint64_t frame_count;
};
static_assert(sizeof(FrameIndexHeader) == 24);
static_assert(offsetof(FrameIndexHeader, version) == 8);
static_assert(offsetof(FrameIndexHeader, header_len) == 10);
static_assert(offsetof(FrameIndexHeader, block_size) == 12);
static_assert(offsetof(FrameIndexHeader, frame_count) == 16);

//   offset size field
//   0      8    uncompressed_offset  in the .q
//   8      8    compressed_offset    in the .q.zst
//   16     4    compressed_size
//   20     4    uncompressed_size
struct FrameIndexEntry {
  std::uint64_t uncompressed_offset;
  std::uint64_t compressed_offset;
  std::uint32_t compressed_size;
  std::uint32_t uncompressed_size;
};
static_assert(sizeof(FrameIndexEntry) == 24);
static_assert(offsetof(FrameIndexEntry, compressed_offset) == 8);
static_assert(offsetof(FrameIndexEntry, compressed_size) == 16);
static_assert(offsetof(FrameIndexEntry, uncompressed_size) == 20);

inline constexpr char kFrameIndexMagic[8] = {'Q', 'Z', 'S', 'T', 'I', 'D', 'X', '1'};
inline constexpr std::uint16_t kFrameIndexVersion = 1;

// Copies a struct out of (possibly mapped, possibly unaligned) bytes, so a
// field cannot change between its check and its use.
template <class T>
inline T load_struct(const std::byte* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace chronicle::ipc::v1
