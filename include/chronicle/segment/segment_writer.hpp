#pragma once
// The single writer of a log: appends records to the live segment of a log
// directory, rolls to a new segment when one is full, and recovers after a
// crash.
//
// Ownership and threads: exactly one SegmentWriter may have a log directory
// open, in all processes together (an advisory lock on `<dir>/.lock`; a
// second writer gets Errc::Locked naming the holder's pid). A writer is used
// by one thread at a time. It owns one background thread that prepares the
// next segment (LogOptions::prepare_ahead). A writer inherited by fork() is
// unusable in the child: its appends fail with Errc::Closed.
//
// Durability: an append is visible to readers in any process when it
// returns, and survives a crash of this process (the page cache keeps it).
// flush() starts write-back; sync() returns once everything appended before
// it is on stable storage. After a failed sync() every later sync() fails
// until the log is reopened, because the kernel may have dropped the pages.
//
// The log directory must stay where it is while the writer is open. If it is
// removed, renamed or replaced, the next roll and every sync() fail with Io
// naming it (appends until then land in the removed files): nothing is ever
// written into a directory that took its place.
//
// Hot path: append() and claim()/commit() are inline, take no lock and make
// no system call except when a segment is full.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>

#include <chronicle/core/crash_point.hpp>
#include <chronicle/core/detail/fork_guard.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/record_format.hpp>
#include <chronicle/segment/log_options.hpp>
#include <chronicle/segment/pending_sync.hpp>
#include <chronicle/segment/recovery_report.hpp>

namespace chronicle {

namespace detail {
struct PreparedSegment;
struct WriterState;
}

class SegmentWriter {
 public:
  // Opens (creating if needed) the log in `dir`; the parent directory must
  // exist. On an existing log, recovers: verifies the records of the last
  // segment (and of every segment written since the last sync()), zeroes a
  // torn tail left by a crash (reported in recovery_report()), and continues
  // with the next sequence number. Refuses with Corruption when committed
  // records are damaged that a sync() had covered, or, in a log never
  // synced, that a process crash cannot explain; records after damage that
  // no sync() covered (what a power loss leaves) are dropped and reported
  // (docs/FORMAT.md, "Recovery rules").
  static Result<SegmentWriter> open(std::string dir, LogOptions options = {});

  SegmentWriter(SegmentWriter&& other) noexcept;
  SegmentWriter& operator=(SegmentWriter&& other) noexcept;
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;
  // Closes the log (see close()), ignoring errors.
  ~SegmentWriter();

  // Appends one record and returns its sequence number. `payload` may be
  // empty. Errors: InvalidArgument if the payload is larger than
  // max_payload_size() (nothing is written); NoSpace/Io if a new segment
  // could not be created (nothing is written; a later append retries);
  // Closed after close() or in a forked child.
  Result<std::uint64_t> append(std::uint16_t type_id, std::uint64_t timestamp_ns,
                               std::span<const std::byte> payload) noexcept;

  // Zero-copy append: reserves room for a payload of `len` bytes in the live
  // segment and returns it to be filled in place; commit() publishes it.
  // Until commit() or abort_claim(), readers see nothing of it. An append()
  // or claim() made while a claim is open aborts that claim.
  Result<std::span<std::byte>> claim(std::size_t len) noexcept;
  // Publishes the open claim with the first `len` bytes of the claimed
  // buffer as payload; returns its sequence number.
  // REQUIRES: a claim is open and len <= its length (else InvalidArgument).
  Result<std::uint64_t> commit(std::uint16_t type_id, std::uint64_t timestamp_ns,
                               std::size_t len) noexcept;
  // Abandons the open claim (a no-op without one); its bytes are zeroed.
  void abort_claim() noexcept;

  // Starts write-back of everything appended so far (sync_file_range); does
  // not wait. Promises nothing for power loss.
  Status flush();
  // Returns once every record appended before the call is on stable storage,
  // including the names of new segment files (directory fsync). The first
  // sync() after open() also covers what earlier writers left unsynced.
  Status sync();
  // Seals the live segment (end marker and seal block; fdatasync with
  // sync_on_seal), releases the lock. The next writer on this log starts a
  // new segment. Idempotent; appends afterwards fail with Closed. Io if the
  // directory was removed or replaced (the segment is sealed all the same).
  // In a forked child it touches nothing of the parent's and returns Closed.
  // What no sync() covered is left to the kernel's write-back.
  Status close();
  // The same, and hands over to `unsynced` what a sync() would still have
  // had to do (segment files, directories, a failure met by an earlier sync),
  // so that its run() makes every record appended before close durable.
  Status close(PendingSync& unsynced);
  // Takes the next segment this writer prepared ahead, for a new log to
  // start with (LogOptions::spare), from a writer about to be closed: waits
  // for a requested segment to be created (about a millisecond), but stops
  // faulting in its pages where it is. Empty if none was requested, its
  // preparation failed, or after close() or in a forked child. Until the
  // spare is adopted or destroyed this writer must not roll (the roll
  // fails: the spare holds its next segment's name); after that its next
  // roll prepares a segment inline.
  SpareSegment take_spare();

  // Sequence number the next append will get.
  std::uint64_t next_seq() const noexcept { return next_seq_; }
  // Id of the live segment.
  std::uint64_t segment_id() const noexcept;
  // Sequence number of the live segment's first record; it changes exactly
  // when the writer rolls, so callers can detect a roll with one compare.
  std::uint64_t segment_base_seq() const noexcept { return segment_base_seq_; }
  // Offset in the live segment where the next record will be written (if it
  // fits; otherwise it goes to offset 128 of the next segment).
  std::uint64_t write_offset() const noexcept { return write_off_; }
  // Largest payload an append accepts.
  std::uint64_t max_payload_size() const noexcept { return max_payload_; }
  const std::string& dir() const noexcept;
  // What recovery did when this writer opened the log.
  const RecoveryReport& recovery_report() const noexcept;
  // Number of segment rolls since open.
  std::uint64_t rolls() const noexcept;

 private:
  // The first segment of a new log, or the first after a sealed one: the
  // caller's spare (LogOptions::spare) if it can be adopted (`*from_spare`
  // set), else a new file.
  static Result<detail::PreparedSegment> new_first_segment(FileSystem& fs, const std::string& dir,
                                                           std::uint64_t id,
                                                           const LogOptions& options,
                                                           std::uint64_t now_ns, bool* from_spare);
  explicit SegmentWriter(std::unique_ptr<detail::WriterState> state) noexcept;
  void write_record(std::byte* rec, std::uint16_t type_id, std::uint64_t timestamp_ns,
                    std::uint32_t len) noexcept;
  Result<std::uint64_t> append_slow(std::uint16_t type_id, std::uint64_t timestamp_ns,
                                    std::span<const std::byte> payload) noexcept;
  Result<std::span<std::byte>> claim_slow(std::size_t len) noexcept;
  Status check_usable() const;
  Status roll() noexcept;
  // Switches the hot fields to the state's live segment.
  void enter_live_segment(std::uint64_t write_offset) noexcept;
  // Moves what sync() would still do into `out` (close(PendingSync&)).
  void hand_over_unsynced(PendingSync& out, bool live_synced);

  // Hot fields, read on every append.
  std::byte* base_ = nullptr;      // mapping of the live segment
  std::uint64_t write_off_ = 0;    // offset of the next record
  std::uint64_t limit_ = 0;        // capacity - end marker; 0 routes appends to append_slow
  std::uint64_t next_seq_ = 0;
  std::uint64_t max_payload_ = 0;
  std::uint64_t fork_gen_ = 0;
  std::uint64_t min_ts_ = UINT64_MAX;  // over the live segment's records
  std::uint64_t max_ts_ = 0;
  std::uint64_t segment_base_seq_ = 0;
  // Open claim: its length (SIZE_MAX when none) and the limit it suspended.
  std::size_t claim_len_ = SIZE_MAX;
  std::uint64_t claim_saved_limit_ = 0;

  std::unique_ptr<detail::WriterState> state_;
};

inline void SegmentWriter::write_record(std::byte* rec, std::uint16_t type_id,
                                        std::uint64_t timestamp_ns, std::uint32_t len) noexcept {
  // Three 8-byte stores from registers. A RecordHeader built on the stack and
  // copied out was, where the compiler did not fold it, re-read with an
  // 8-byte load right after the 2-byte store of type_id: a store that cannot
  // be forwarded, which stalled about half of an inlined append.
  static_assert(offsetof(RecordHeader, type_id) + 8 == kRecordHeaderSize);
  const std::uint64_t type_flags_reserved = type_id;  // flags and reserved 0 (little-endian)
  std::memcpy(rec + offsetof(RecordHeader, seq), &next_seq_, 8);
  std::memcpy(rec + offsetof(RecordHeader, timestamp_ns), &timestamp_ns, 8);
  std::memcpy(rec + offsetof(RecordHeader, type_id), &type_flags_reserved, 8);
  const std::uint32_t sum = compute_record_checksum(rec, len);
  std::memcpy(rec + offsetof(RecordHeader, checksum), &sum, sizeof sum);
  CHRONICLE_CRASH_POINT("append.after_payload");
  // Pairs with load_commit_acquire in SegmentCursor::next.
  publish_commit_release(rec, len + 1);
  write_off_ += record_size(len);
  if (timestamp_ns < min_ts_) min_ts_ = timestamp_ns;
  if (timestamp_ns > max_ts_) max_ts_ = timestamp_ns;
  ++next_seq_;
}

inline Result<std::uint64_t> SegmentWriter::append(std::uint16_t type_id,
                                                   std::uint64_t timestamp_ns,
                                                   std::span<const std::byte> payload) noexcept {
  const std::uint64_t len = payload.size();
  if (len > max_payload_ || write_off_ + record_size(len) > limit_ ||
      fork_gen_ != detail::fork_generation() || (payload.data() == nullptr && len != 0))
      [[unlikely]] {
    return append_slow(type_id, timestamp_ns, payload);
  }
  std::byte* rec = base_ + write_off_;
  // memmove: the payload may itself lie in this log's mapping.
  if (len != 0) std::memmove(rec + kRecordHeaderSize, payload.data(), len);
  const std::uint64_t seq = next_seq_;
  write_record(rec, type_id, timestamp_ns, static_cast<std::uint32_t>(len));
  return seq;
}

inline Result<std::span<std::byte>> SegmentWriter::claim(std::size_t len) noexcept {
  if (len > max_payload_ || write_off_ + record_size(len) > limit_ ||
      fork_gen_ != detail::fork_generation()) [[unlikely]] {
    return claim_slow(len);
  }
  claim_len_ = len;
  // A zero limit sends every append and claim to the slow path, which
  // aborts this claim first.
  claim_saved_limit_ = limit_;
  limit_ = 0;
  return std::span<std::byte>(base_ + write_off_ + kRecordHeaderSize, len);
}

inline Result<std::uint64_t> SegmentWriter::commit(std::uint16_t type_id,
                                                   std::uint64_t timestamp_ns,
                                                   std::size_t len) noexcept {
  if (claim_len_ == SIZE_MAX || len > claim_len_) [[unlikely]] {
    return Error(Errc::InvalidArgument,
                 claim_len_ == SIZE_MAX
                     ? std::string("commit() without an open claim()")
                     : "commit() of " + std::to_string(len) + " bytes exceeds the claim of " +
                           std::to_string(claim_len_) + " bytes");
  }
  std::byte* rec = base_ + write_off_;
  // Bytes claimed but not committed would lie under the next record's
  // commit word: zero them.
  const std::uint64_t used = record_size(len);
  const std::uint64_t claimed = record_size(claim_len_);
  if (claimed > used) std::memset(rec + used, 0, claimed - used);
  std::memset(rec + kRecordHeaderSize + len, 0, used - kRecordHeaderSize - len);
  limit_ = claim_saved_limit_;
  claim_len_ = SIZE_MAX;
  const std::uint64_t seq = next_seq_;
  write_record(rec, type_id, timestamp_ns, static_cast<std::uint32_t>(len));
  return seq;
}

}  // namespace chronicle
