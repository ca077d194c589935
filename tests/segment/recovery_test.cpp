#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include <gtest/gtest.h>

#include <cstring>

#include "support/fault_fs.hpp"
#include "support/files.hpp"
#include "support/log_builder.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

// Recovery from the states a crash leaves behind, built by hand: the tests
// write records, close the log, and then rewrite bytes the way a crash at a
// given step would have left them (tests/crash kills real writers).
class RecoveryTest : public TempDirTest {
 protected:
  std::string dir() const { return tmp_.sub("log"); }
  std::string seg(std::uint64_t id) const { return segment_path(dir(), id); }
  LogOptions opts() const {
    LogOptions o;
    o.segment_size = 8192;
    return o;
  }
  SegmentHeader header_of(std::uint64_t id) {
    auto bytes = test::read_file(seg(id));
    SegmentHeader h;
    std::memcpy(&h, bytes.data(), sizeof h);
    return h;
  }
  // Writes n records and leaves the live segment unsealed, as a crashed
  // writer would: close, then undo the end marker and seal block.
  void write_unclosed(std::uint64_t n) {
    {
      auto w = SegmentWriter::open(dir(), opts());
      ASSERT_OK(w);
      test::append_records(*w, 1, 0, n);
      ASSERT_OK(w->close());
    }
    unseal_last();
  }
  // Writes n records, syncing after the first `synced`, and leaves the live
  // segment unsealed as write_unclosed does; its header keeps the sync
  // watermark (it lies outside the seal block).
  void write_synced_unclosed(std::uint64_t synced, std::uint64_t n) {
    {
      ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
      test::append_records(w, 1, 0, synced);
      ASSERT_OK(w.sync());
      test::append_records(w, 1, synced, n);
      ASSERT_OK(w.close());
    }
    unseal_last();
  }
  // Removes the end marker and seal block of the last segment.
  void unseal_last() {
    auto ids = list_segments(dir());
    ASSERT_OK(ids);
    const std::uint64_t id = ids->back().id;
    auto bytes = test::read_file(seg(id));
    SegmentHeader h;
    std::memcpy(&h, bytes.data(), sizeof h);
    ASSERT_TRUE(is_sealed(h));
    std::memset(bytes.data() + h.end_of_data, 0, 4);
    std::memset(bytes.data() + kSealBlockBegin, 0, kSealBlockEnd + 4 - kSealBlockBegin);
    test::write_file(seg(id), bytes);
  }
  // Appends records of seed 1 from seq `from`, one at a time, until the
  // writer has rolled into segment `segment`; returns the next seq.
  static std::uint64_t append_until_segment(SegmentWriter& w, std::uint64_t from,
                                            std::uint64_t segment) {
    while (w.segment_id() < segment) test::append_records(w, 1, from, from + 1), ++from;
    return from;
  }
  // A closed log whose first `synced` records a sync() covered, and which
  // went on (unsynced) into segment `segment`.
  void write_synced_then_rolled(std::uint64_t synced, std::uint64_t segment) {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    test::append_records(w, 1, 0, synced);
    ASSERT_OK(w.sync());
    append_until_segment(w, synced, segment);
    ASSERT_OK(w.close());
  }
  // Offset of the last record of segment `id`.
  std::uint64_t last_record(std::uint64_t id) {
    auto bytes = test::read_file(seg(id));
    std::uint64_t o = kSegmentHeaderSize, last = 0;
    for (;;) {
      std::uint32_t c;
      std::memcpy(&c, bytes.data() + o, 4);
      if (c == 0 || c == kEndOfSegment) return last;
      last = o;
      o += record_size(c - 1);
    }
  }
  // Offset of record number `k` (0-based) of segment `id`.
  std::uint64_t record_offset(std::uint64_t id, int k) {
    auto bytes = test::read_file(seg(id));
    std::uint64_t o = kSegmentHeaderSize;
    for (int i = 0; i < k; ++i) {
      std::uint32_t c;
      std::memcpy(&c, bytes.data() + o, 4);
      o += record_size(c - 1);
    }
    return o;
  }
  // Offset just past the last record of segment `id`.
  std::uint64_t end_of_records(std::uint64_t id) {
    auto bytes = test::read_file(seg(id));
    std::uint64_t o = kSegmentHeaderSize;
    for (;;) {
      std::uint32_t c;
      std::memcpy(&c, bytes.data() + o, 4);
      if (c == 0 || c == kEndOfSegment) return o;
      o += record_size(c - 1);
    }
  }
};

TEST_F(RecoveryTest, UnsealedLogContinuesInTheSameSegment) {
  write_unclosed(10);
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_TRUE(w.recovery_report().clean()) << w.recovery_report().to_string();
  EXPECT_EQ(w.next_seq(), 10u);
  EXPECT_EQ(w.segment_id(), 0u);
  test::append_records(w, 1, 10, 20);
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, 20));
}

TEST_F(RecoveryTest, TornUncommittedRecordIsZeroedAndReported) {
  write_unclosed(10);
  // A crash between storing the payload and the commit word: header fields
  // and payload bytes are there, the commit word is still 0.
  const std::uint64_t end = end_of_records(0);
  std::vector<char> garbage(200, 'G');
  std::memset(garbage.data(), 0, 4);
  test::set_bytes(seg(0), end, garbage.data(), garbage.size());
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  const RecoveryReport& r = w.recovery_report();
  EXPECT_EQ(r.discarded_at, end);
  EXPECT_EQ(r.discarded_bytes, 200u);
  EXPECT_FALSE(r.discard_reason.empty());
  EXPECT_NE(r.to_string().find("discarded 200 bytes"), std::string::npos) << r.to_string();
  EXPECT_EQ(w.next_seq(), 10u);
  test::append_records(w, 1, 10, 12);  // a shorter record over the garbage
  ASSERT_OK(w.close());
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, 12));
}

TEST_F(RecoveryTest, TornLastRecordWithBadChecksumIsDiscarded) {
  write_unclosed(10);
  // Damage the last record, as a torn page after power loss would.
  const std::uint64_t last = last_record(0);
  test::flip_bit(seg(0), last + 8, 0);
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_EQ(w.next_seq(), 9u);
  EXPECT_EQ(w.recovery_report().discarded_at, last);
  EXPECT_NE(w.recovery_report().discard_reason.find("checksum"), std::string::npos);
  test::append_records(w, 1, 9, 11);
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, 11));
}

TEST_F(RecoveryTest, DamageBelowTheSyncWatermarkIsRefused) {
  write_synced_unclosed(10, 10);
  ASSERT_GT(header_of(0).synced_offset, last_record(0));
  test::flip_bit(seg(0), last_record(0) + 8, 0);
  auto before = test::read_file(seg(0));
  auto w = SegmentWriter::open(dir(), opts());
  EXPECT_ERROR(w, Errc::Corruption);
  EXPECT_NE(w.error().message().find("sync watermark"), std::string::npos) << w.error().message();
  EXPECT_EQ(test::read_file(seg(0)), before) << "a refused recovery must not change the file";
}

TEST_F(RecoveryTest, DamageInTheMiddleWithCommittedRecordsAfterIsRefused) {
  write_unclosed(30);
  // Zero the commit word of record 5: records 6..29 still follow.
  std::uint64_t o = kSegmentHeaderSize;
  auto bytes = test::read_file(seg(0));
  for (int i = 0; i < 5; ++i) {
    std::uint32_t c;
    std::memcpy(&c, bytes.data() + o, 4);
    o += record_size(c - 1);
  }
  std::memset(bytes.data() + o, 0, 4);
  test::write_file(seg(0), bytes);
  auto w = SegmentWriter::open(dir(), opts());
  EXPECT_ERROR(w, Errc::Corruption);
  EXPECT_NE(w.error().message().find("refusing to drop"), std::string::npos) << w.error().message();
  EXPECT_NE(w.error().message().find("offset " + std::to_string(o)), std::string::npos);
  EXPECT_EQ(test::read_file(seg(0)), bytes) << "a refused recovery must not change the file";
}

// Power loss (RELIABILITY B1): above the sync watermark pages reach the disk
// in any order, so valid records can follow a lost page. In a log that sync()
// covered, they were never promised: dropped with the tail and reported.
TEST_F(RecoveryTest, InASyncedLogRecordsAfterDamageAboveTheWatermarkAreDroppedAndReported) {
  write_synced_unclosed(5, 12);
  const std::uint64_t bad = record_offset(0, 7);
  ASSERT_GE(bad, header_of(0).synced_offset);
  const std::uint32_t zero = 0;
  test::set_bytes(seg(0), bad, &zero, 4);
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_EQ(w.next_seq(), 7u);
  const RecoveryReport& r = w.recovery_report();
  EXPECT_EQ(r.discarded_at, bad);
  EXPECT_NE(r.discard_reason.find("committed records from seq 8"), std::string::npos)
      << r.to_string();
  test::append_records(w, 1, 7, 9);
  ASSERT_OK(w.close());
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, 9));
}

// A segment written after the last sync() may have holes while later
// segments have records: the log ends at the first hole, the later segments
// go, and the writer continues there.
TEST_F(RecoveryTest, DamageInASegmentWrittenSinceTheLastSyncEndsTheLogThere) {
  std::uint64_t n = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    test::append_records(w, 1, 0, 5);
    ASSERT_OK(w.sync());  // segment 0 carries the watermark
    while (w.segment_id() < 4) {
      test::append_records(w, 1, n + 5, n + 6);
      ++n;
    }
    n += 5;
    ASSERT_OK(w.close());
  }
  ASSERT_TRUE(is_sealed(header_of(2)));
  const std::uint64_t base2 = header_of(2).base_seq;
  const std::uint64_t bad = record_offset(2, 3);
  const std::uint32_t zero = 0;
  test::set_bytes(seg(2), bad, &zero, 4);
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_EQ(w.next_seq(), base2 + 3);
  EXPECT_EQ(w.segment_id(), 2u);
  EXPECT_EQ(w.recovery_report().dropped_segments, 2u) << w.recovery_report().to_string();
  EXPECT_NE(w.recovery_report().to_string().find("removed 2 segment(s)"), std::string::npos);
  EXPECT_FALSE(test::exists(seg(3)));
  EXPECT_FALSE(test::exists(seg(4)));
  test::append_records(w, 1, base2 + 3, base2 + 6);
  ASSERT_OK(w.close());
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, base2 + 6));
  ASSERT_LT(base2 + 6, n);
}

TEST_F(RecoveryTest, BlankSegmentWrittenSinceTheLastSyncEndsTheLogBeforeIt) {
  write_synced_then_rolled(5, 3);
  const std::uint64_t end1 = header_of(1).base_seq + header_of(1).record_count;
  test::write_file(seg(2), std::vector<char>(8192, 0));  // its pages never reached the disk
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_EQ(w.next_seq(), end1);
  EXPECT_EQ(w.segment_id(), 2u);
  ASSERT_OK(w.close());
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, end1));
}

// Damage in the part of a segment a sync() covered stays Corruption, also
// when it is the segment whose watermark marks the last sync.
TEST_F(RecoveryTest, DamageBelowTheWatermarkOfTheLastSyncedSegmentIsRefused) {
  write_synced_then_rolled(10, 2);
  const std::uint32_t zero = 0;
  test::set_bytes(seg(0), record_offset(0, 4), &zero, 4);
  auto before = test::read_file(seg(0));
  auto w = SegmentWriter::open(dir(), opts());
  EXPECT_ERROR(w, Errc::Corruption);
  EXPECT_NE(w.error().message().find("sync watermark"), std::string::npos) << w.error().message();
  EXPECT_EQ(test::read_file(seg(0)), before) << "a refused recovery must not change the file";
}

// sync() promises every append acknowledged before it, also those of an
// earlier writer that never synced them.
TEST_F(RecoveryTest, FirstSyncAfterReopenCoversWhatTheLastWriterLeftUnsynced) {
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    append_until_segment(w, 0, 3);
    ASSERT_OK(w.close());
  }
  test::FaultFs counting;
  LogOptions o = opts();
  o.fs = &counting;
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
  counting.reset_counts();
  ASSERT_OK(w.sync());
  EXPECT_GE(counting.count(FsOp::Fsync), 4) << "segments 0-3 were never synced";
  EXPECT_EQ(counting.count(FsOp::DirSync), 2) << "the log directory and its parent";
  counting.reset_counts();
  ASSERT_OK(w.sync());
  EXPECT_EQ(counting.count(FsOp::Fsync), 0) << "only the first sync covers them";
}

// Recovery takes the newest segment with a watermark as the last synced
// point, so the first sync() of each segment writes its watermark to disk
// before it returns (one more msync, of the header page), even when the
// segment is still empty.
TEST_F(RecoveryTest, FirstSyncOfASegmentStampsItsWatermark) {
  test::FaultFs counting;
  LogOptions o = opts();
  o.fs = &counting;
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
    test::append_records(w, 1, 0, 3);
    ASSERT_OK(w.close());
  }
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
  ASSERT_EQ(w.segment_id(), 1u);
  EXPECT_EQ(header_of(1).synced_offset, 0u);
  counting.reset_counts();
  ASSERT_OK(w.sync());
  EXPECT_EQ(header_of(1).synced_offset, kSegmentHeaderSize);
  EXPECT_EQ(counting.count(FsOp::Msync), 1) << "the header page of the empty segment";
  test::append_records(w, 1, 3, 5);
  counting.reset_counts();
  ASSERT_OK(w.sync());
  EXPECT_EQ(counting.count(FsOp::Msync), 1) << "later syncs msync only the new records";
  EXPECT_EQ(header_of(1).synced_offset, w.write_offset());
  append_until_segment(w, 5, 2);
  counting.reset_counts();
  ASSERT_OK(w.sync());
  EXPECT_EQ(counting.count(FsOp::Msync), 2) << "the new records, then the header page";
  EXPECT_EQ(header_of(2).synced_offset, w.write_offset());
}

// In a log that sync() covered, recovery scans every segment after the
// synced point for power-loss damage, the live one included; that scan also
// finds where the live segment's records end, so the segment is mapped and
// scanned once, not twice (scanning a full 64 MiB live segment is most of
// what a recovery costs).
TEST_F(RecoveryTest, TheLiveSegmentOfASyncedLogIsMappedAndScannedOnce) {
  write_synced_unclosed(8, 15);
  ASSERT_EQ(list_segments(dir()).value().size(), 1u);
  ASSERT_GT(header_of(0).synced_offset, kSegmentHeaderSize);
  test::FaultFs counting;
  LogOptions o = opts();
  o.fs = &counting;
  o.prepare_ahead = false;  // no next segment mapped meanwhile
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
  EXPECT_EQ(counting.count(FsOp::Mmap), 1);
  EXPECT_EQ(w.segment_id(), 0u);
  EXPECT_EQ(w.next_seq(), 15u);
  EXPECT_TRUE(w.recovery_report().clean());
  test::append_records(w, 1, 15, 16);
  ASSERT_OK(w.close());
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, 16));
}

TEST_F(RecoveryTest, RecoveryIsIdempotent) {
  write_unclosed(10);
  std::vector<char> garbage(64, 'x');
  std::memset(garbage.data(), 0, 4);
  test::set_bytes(seg(0), end_of_records(0), garbage.data(), garbage.size());
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    EXPECT_EQ(w.next_seq(), 10u);
    EXPECT_EQ(w.recovery_report().discarded_bytes, i == 0 ? 64u : 0u);
    ASSERT_OK(w.close());
    unseal_last();
  }
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, 10));
}

TEST_F(RecoveryTest, InterruptedRollBeforeTheEndMarkerIsCompleted) {
  // Segment 0 full and sealed, segment 1 published but empty; then undo
  // segment 0's end marker and seal: the state a crash right after the
  // rename of segment 1 leaves.
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    std::uint64_t s = 0;
    while (w.segment_id() == 0) {
      test::append_records(w, 1, s, s + 1);
      ++s;
    }
  }
  ASSERT_OK_AND_ASSIGN(auto listed, list_segments(dir()));
  ASSERT_EQ(listed.size(), 2u);
  const SegmentHeader h0 = header_of(0);
  ASSERT_TRUE(is_sealed(h0));
  // Rewrite segment 1 as empty (keep its header, zero its records and seal).
  auto b1 = test::read_file(seg(1));
  std::memset(b1.data() + kSealBlockBegin, 0, kSealBlockEnd + 4 - kSealBlockBegin);
  std::memset(b1.data() + kSegmentHeaderSize, 0, b1.size() - kSegmentHeaderSize);
  test::write_file(seg(1), b1);
  // Undo segment 0's end marker and seal.
  auto b0 = test::read_file(seg(0));
  std::memset(b0.data() + h0.end_of_data, 0, 4);
  std::memset(b0.data() + kSealBlockBegin, 0, kSealBlockEnd + 4 - kSealBlockBegin);
  test::write_file(seg(0), b0);

  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_TRUE(w.recovery_report().sealed_previous) << w.recovery_report().to_string();
  EXPECT_EQ(w.segment_id(), 1u);
  const SegmentHeader sealed = header_of(0);
  EXPECT_TRUE(is_sealed(sealed));
  EXPECT_EQ(sealed.end_of_data, h0.end_of_data);
  EXPECT_EQ(sealed.record_count, h0.record_count);
  EXPECT_EQ(w.next_seq(), h0.base_seq + h0.record_count);
  const std::uint64_t n = w.next_seq();
  test::append_records(w, 1, n, n + 5);
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, n + 5));
}

TEST_F(RecoveryTest, BlankNewestSegmentIsCreatedAgain) {
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    test::append_records(w, 1, 0, 5);
    ASSERT_OK(w.close());
  }
  // A crash while creating segment 1 left a 0-byte file (after power loss).
  test::write_file(seg(1), {});
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_TRUE(w.recovery_report().recreated_segment);
  EXPECT_EQ(w.segment_id(), 1u);
  EXPECT_EQ(w.next_seq(), 5u);
  test::append_records(w, 1, 5, 8);
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, 8));
}

TEST_F(RecoveryTest, HeaderOfZerosInTheNewestSegmentIsCreatedAgain) {
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    test::append_records(w, 1, 0, 5);
    ASSERT_OK(w.close());
  }
  test::write_file(seg(1), std::vector<char>(8192, 0));
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_TRUE(w.recovery_report().recreated_segment);
  EXPECT_EQ(w.next_seq(), 5u);
}

TEST_F(RecoveryTest, BlankOlderSegmentIsCorruption) {
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    test::append_records(w, 1, 0, 300);
  }
  ASSERT_OK_AND_ASSIGN(auto listed, list_segments(dir()));
  ASSERT_GE(listed.size(), 3u);
  test::write_file(seg(listed.size() - 2), {});
  // The newest is sealed by close, so the writer does not need the blank
  // one; readers must report it.
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::Failed);
  EXPECT_NE(got.status.error().message().find(seg(listed.size() - 2)), std::string::npos);
}

TEST_F(RecoveryTest, SealedNewestSegmentWithoutEndMarkerIsRefused) {
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    test::append_records(w, 1, 0, 5);
    ASSERT_OK(w.close());
  }
  const std::uint32_t zero = 0;
  test::set_bytes(seg(0), header_of(0).end_of_data, &zero, 4);
  auto w = SegmentWriter::open(dir(), opts());
  EXPECT_ERROR(w, Errc::Corruption);
  EXPECT_NE(w.error().message().find("end-of-segment marker"), std::string::npos);
}

TEST_F(RecoveryTest, LeftoverPreparedSegmentsAreRemoved) {
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    test::append_records(w, 1, 0, 5);
  }
  test::write_file(dir() + "/000000007.q.prep", {'x'});
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_FALSE(test::exists(dir() + "/000000007.q.prep"));
}

// Segment `id` as the writer's preparer names it ahead of a roll: a header
// that says "named ahead", then zeros (or, with `records_from`, the records
// segment `records_from` holds after its header, as if a power loss had
// reverted only the header page).
void write_named_ahead(const std::string& path, std::uint64_t id, std::uint64_t size,
                       const std::vector<char>* records = nullptr) {
  std::vector<char> bytes(size, 0);
  if (records) std::memcpy(bytes.data(), records->data(), std::min(size, records->size()));
  SegmentHeader h{};
  h.magic = kSegmentMagic;
  h.format_version = kSegmentFormatVersion;
  h.header_size = kSegmentHeaderSize;
  h.segment_id = id;
  h.capacity = size;
  h.start_state = kSegmentNamedAhead;
  std::memcpy(bytes.data(), &h, sizeof h);
  test::write_file(path, bytes);
}

TEST_F(RecoveryTest, SegmentNamedAheadOfARollThatNeverCameIsRemoved) {
  write_unclosed(5);
  write_named_ahead(seg(1), 1, 8192);
  ASSERT_OK_AND_ASSIGN(auto listed, list_segments(dir()));
  EXPECT_EQ(listed.size(), 1u);
  LogOptions o = opts();
  o.prepare_ahead = false;  // or the new writer names segment 1 ahead again
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), o));
  EXPECT_FALSE(test::exists(seg(1)));
  EXPECT_EQ(w.recovery_report().dropped_segments, 0u) << w.recovery_report().to_string();
  EXPECT_EQ(w.segment_id(), 0u);
  EXPECT_EQ(w.next_seq(), 5u);
  test::append_records(w, 1, 5, 300);
  ASSERT_OK(w.close());
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, 300));
}

// A power loss can leave two: the roll's started header of segment 1 lost,
// and segment 2 named ahead since. Both go, and rolls work at once.
TEST_F(RecoveryTest, TwoSegmentsNamedAheadAreBothRemoved) {
  write_unclosed(5);
  write_named_ahead(seg(1), 1, 8192);
  write_named_ahead(seg(2), 2, 8192);
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_EQ(w.segment_id(), 0u);
  EXPECT_EQ(w.next_seq(), 5u);
  test::append_records(w, 1, 5, 300);  // across several rolls
  EXPECT_GT(w.rolls(), 2u);
  ASSERT_OK(w.close());
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, 300));
}

// A power loss after a roll may bring back the named-ahead header while
// later pages of the segment kept records. No sync() covered them (sync()
// makes the started header durable first): they are dropped and reported.
TEST_F(RecoveryTest, NamedAheadHeaderWithRecordsAfterItIsDroppedAndReported) {
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    std::uint64_t s = append_until_segment(w, 0, 1);
    test::append_records(w, 1, s, s + 20);
    ASSERT_OK(w.close());
  }
  const std::uint64_t end0 = header_of(0).record_count;
  const auto records = test::read_file(seg(1));
  write_named_ahead(seg(1), 1, 8192, &records);
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_EQ(w.recovery_report().dropped_segments, 1u) << w.recovery_report().to_string();
  EXPECT_EQ(w.next_seq(), end0);
  ASSERT_OK(w.close());
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, end0));
}

TEST_F(RecoveryTest, NamedAheadHeaderWrittenSinceTheLastSyncEndsTheLogBeforeIt) {
  write_synced_then_rolled(5, 3);
  const std::uint64_t end1 = header_of(1).base_seq + header_of(1).record_count;
  write_named_ahead(seg(2), 2, 8192);  // its started header never reached the disk
  ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
  EXPECT_EQ(w.next_seq(), end1);
  EXPECT_EQ(w.recovery_report().dropped_segments, 2u) << w.recovery_report().to_string();
  ASSERT_OK(w.close());
  EXPECT_EQ(test::read_back(dir(), 1).seqs, test::iota_seqs(0, end1));
}

TEST_F(RecoveryTest, UnsealedSegmentOfTheWrongSizeIsRefused) {
  write_unclosed(5);
  test::truncate_file(seg(0), 4096);
  auto w = SegmentWriter::open(dir(), opts());
  EXPECT_ERROR(w, Errc::Corruption);
  EXPECT_NE(w.error().message().find("capacity"), std::string::npos) << w.error().message();
}

}  // namespace
}  // namespace chronicle
