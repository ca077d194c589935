#pragma once
// What a reader returns for one record.
//
// Thread safety: a RecordView is a view into a mapping owned by its reader;
// it stays valid until that reader's next call and is read-only.

#include <cstddef>
#include <cstdint>
#include <span>

namespace chronicle {

// A record as read. For a hot segment `payload` points into the read-only
// mapping (zero copy); for a cold one into the reader's decompression buffer.
// Either way it stays valid until the next call that moves the reader
// (next(), seek_*()) or until the reader is destroyed.
struct RecordView {
  std::uint64_t seq = 0;
  std::uint64_t timestamp_ns = 0;
  std::uint16_t type_id = 0;
  std::uint16_t flags = 0;
  std::span<const std::byte> payload;
};

// Outcome of one step of a reader. Failures are not exceptions: on
// Step::Failed the reader's status() says why, and stays failed.
enum class Step : std::uint8_t {
  Record,      // `out` holds the next record
  NothingYet,  // no more records now; call again later to tail the log
  Failed,      // see status()
};

}  // namespace chronicle
