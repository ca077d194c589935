#include <chronicle/segment/log_reader.hpp>

#include <sys/mman.h>

#include <gtest/gtest.h>

#include <cstring>

#include "support/files.hpp"
#include "support/log_builder.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

class LogReaderTest : public TempDirTest {
 protected:
  std::string dir() const { return tmp_.sub("log"); }
  LogOptions opts(std::uint64_t size = 8192) const {
    LogOptions o;
    o.segment_size = size;
    return o;
  }
  // A closed log of `n` records of seed 1 in segments of `size` bytes.
  void write_log(std::uint64_t n, std::uint64_t size = 8192) {
    auto w = SegmentWriter::open(dir(), opts(size));
    ASSERT_OK(w);
    test::append_records(*w, 1, 0, n);
    ASSERT_OK(w->close());
  }
  // Offset of the record with this seq in segment `id`, by walking it.
  std::uint64_t offset_of(std::uint64_t id, std::uint64_t seq) {
    auto bytes = test::read_file(segment_path(dir(), id));
    std::uint64_t o = kSegmentHeaderSize;
    for (;;) {
      RecordHeader h;
      std::memcpy(&h, bytes.data() + o, sizeof h);
      if (h.commit == 0 || h.commit == kEndOfSegment) throw std::runtime_error("seq not found");
      if (h.seq == seq) return o;
      o += record_size(h.commit - 1);
    }
  }
};

TEST_F(LogReaderTest, ReadsEveryRecordAcrossSegments) {
  write_log(500);
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::NothingYet);
  EXPECT_EQ(got.seqs, test::iota_seqs(0, 500));
}

TEST_F(LogReaderTest, OpenOnAMissingDirectoryIsNotFound) {
  EXPECT_ERROR(LogReader::open(tmp_.sub("missing")), Errc::NotFound);
}

TEST_F(LogReaderTest, OpenOnAFileIsInvalidArgument) {
  test::write_file(tmp_.sub("file"), {'x'});
  EXPECT_ERROR(LogReader::open(tmp_.sub("file")), Errc::InvalidArgument);
}

TEST_F(LogReaderTest, ReaderOpenedBeforeTheWriterSeesItsRecords) {
  ASSERT_EQ(::mkdir(dir().c_str(), 0755), 0);
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  EXPECT_EQ(reader.next(v), Step::NothingYet);
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), opts()));
  EXPECT_EQ(reader.next(v), Step::NothingYet);
  test::append_records(writer, 1, 0, 3);
  for (std::uint64_t s = 0; s < 3; ++s) {
    ASSERT_EQ(reader.next(v), Step::Record);
    EXPECT_EQ(v.seq, s);
  }
  EXPECT_EQ(reader.next(v), Step::NothingYet);
}

TEST_F(LogReaderTest, TailsTheWriterAcrossRolls) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), opts(4096)));
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  std::uint64_t expected = 0;
  for (std::uint64_t batch = 0; batch < 50; ++batch) {
    test::append_records(writer, 1, batch * 7, batch * 7 + 7);
    while (reader.next(v) == Step::Record) {
      ASSERT_EQ(v.seq, expected++);
    }
    ASSERT_OK(reader.status());
    EXPECT_EQ(expected, batch * 7 + 7);
  }
  EXPECT_GE(writer.rolls(), 3u);
}

// Found by the crash tests: the last record slot of a segment may be shorter
// than a record header; the commit word there still says "nothing yet".
TEST_F(LogReaderTest, ReaderInTheShortLastSlotOfALiveSegmentWaitsThenMovesOn) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), opts(4096)));
  // 128-byte header + one 3952-byte record: the next slot is 16 bytes.
  const std::vector<std::byte> payload(3920, std::byte{1});
  ASSERT_OK(writer.append(1, 1, payload));
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(reader.next(v), Step::NothingYet) << reader.status().error().to_string();
  ASSERT_OK(writer.append(2, 2, payload));
  ASSERT_EQ(reader.next(v), Step::Record) << reader.status().error().to_string();
  EXPECT_EQ(v.seq, 1u);
}

TEST_F(LogReaderTest, FollowsAClosedThenReopenedLog) {
  write_log(10);
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  for (int i = 0; i < 10; ++i) ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(reader.next(v), Step::NothingYet);  // end marker, no next segment yet
  EXPECT_EQ(reader.next(v), Step::NothingYet);
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), opts()));
  test::append_records(writer, 1, 10, 12);
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(v.seq, 10u);
}

TEST_F(LogReaderTest, SeekSeqPositionsAtAnyRecordAndAtTheEnd) {
  write_log(400);
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  for (std::uint64_t target : {0ull, 1ull, 137ull, 250ull, 399ull, 137ull}) {
    ASSERT_OK(reader.seek_seq(target));
    EXPECT_EQ(reader.next_seq(), target);
    ASSERT_EQ(reader.next(v), Step::Record);
    EXPECT_EQ(v.seq, target);
  }
  ASSERT_OK(reader.seek_seq(400));
  EXPECT_EQ(reader.next(v), Step::NothingYet);
}

TEST_F(LogReaderTest, SeekSeqBeyondTheEndIsInvalidArgument) {
  write_log(50);
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  auto st = reader.seek_seq(51);
  EXPECT_ERROR(st, Errc::InvalidArgument);
  EXPECT_NE(st.error().message().find("next seq is 50"), std::string::npos) << st.error().message();
}

// seek_position's arguments: a segment that does not exist, offsets no
// record can start at, and a seq the record there does not carry.
TEST_F(LogReaderTest, SeekPositionRefusesPositionsNoRecordCanHave) {
  write_log(200);
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  const std::uint64_t at = offset_of(0, 3);
  ASSERT_OK(reader.seek_position(0, at, 3));
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(v.seq, 3u);
  auto missing = reader.seek_position(77, kSegmentHeaderSize, 0);
  EXPECT_ERROR(missing, Errc::NotFound);
  for (const std::uint64_t offset : {std::uint64_t{0}, kSegmentHeaderSize - 8, at + 1,
                                     std::uint64_t{8192 + 8}, UINT64_MAX}) {
    const Status st = reader.seek_position(0, offset, 3);
    EXPECT_ERROR(st, Errc::InvalidArgument);
    EXPECT_NE(st.error().message().find("offset " + std::to_string(offset)), std::string::npos)
        << st.error().message();
    // The reader stays where it was: after the record of seq 3.
    EXPECT_EQ(reader.next_seq(), 4u);
  }
  // A well-formed position whose record carries another seq: found on read.
  ASSERT_OK(reader.seek_position(0, at, 4));
  EXPECT_EQ(reader.next(v), Step::Failed);
  EXPECT_ERROR(reader.status(), Errc::Corruption);
}

TEST_F(LogReaderTest, SeekSeqBeforeTheFirstRemainingSegmentIsNotFound) {
  write_log(400);
  const std::uint64_t second_base = [&] {
    auto bytes = test::read_file(segment_path(dir(), 1));
    SegmentHeader h;
    std::memcpy(&h, bytes.data(), sizeof h);
    return h.base_seq;
  }();
  ASSERT_EQ(::unlink(segment_path(dir(), 0).c_str()), 0);
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(v.seq, second_base);
  EXPECT_ERROR(reader.seek_seq(0), Errc::NotFound);
  ASSERT_OK(reader.seek_seq(second_base + 1));
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(v.seq, second_base + 1);
}

TEST_F(LogReaderTest, FlippedPayloadByteIsReportedWithFileAndOffset) {
  write_log(100);
  const std::uint64_t off = offset_of(0, 5);
  test::flip_bit(segment_path(dir(), 0), off + kRecordHeaderSize, 3);
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::Failed);
  EXPECT_EQ(got.seqs, test::iota_seqs(0, 5));
  EXPECT_EQ(got.status.error().code(), Errc::Corruption);
  const std::string& msg = got.status.error().message();
  EXPECT_NE(msg.find(segment_path(dir(), 0)), std::string::npos) << msg;
  EXPECT_NE(msg.find("offset " + std::to_string(off)), std::string::npos) << msg;
  EXPECT_NE(msg.find("checksum"), std::string::npos) << msg;
}

TEST_F(LogReaderTest, FailureIsSticky) {
  write_log(20);
  test::flip_bit(segment_path(dir(), 0), offset_of(0, 2) + 16, 0);  // timestamp
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(reader.next(v), Step::Failed);
  EXPECT_EQ(reader.next(v), Step::Failed);
  EXPECT_ERROR(reader.seek_seq(0), Errc::Corruption);
}

TEST_F(LogReaderTest, EveryHeaderFieldIsCoveredByTheChecksum) {
  write_log(20);
  const std::uint64_t off = offset_of(0, 7);
  for (std::uint64_t field : {4, 8, 16, 24, 26, 28}) {
    test::flip_bit(segment_path(dir(), 0), off + field, 1);
    auto got = test::read_back(dir(), 1);
    EXPECT_EQ(got.last, Step::Failed) << "field at " << field;
    EXPECT_EQ(got.seqs.size(), 7u) << "field at " << field;
    test::flip_bit(segment_path(dir(), 0), off + field, 1);
  }
  EXPECT_EQ(test::read_back(dir(), 1).seqs.size(), 20u);
}

TEST_F(LogReaderTest, FlippedLengthInTheCommitWordIsDetected) {
  write_log(20);
  const std::uint64_t off = offset_of(0, 3);
  for (int bit = 0; bit < 32; ++bit) {
    test::flip_bit(segment_path(dir(), 0), off + static_cast<std::uint64_t>(bit / 8), bit % 8);
    auto got = test::read_back(dir(), 1);
    EXPECT_EQ(got.last, Step::Failed) << "bit " << bit;
    EXPECT_EQ(got.seqs.size(), 3u);
    test::flip_bit(segment_path(dir(), 0), off + static_cast<std::uint64_t>(bit / 8), bit % 8);
  }
}

TEST_F(LogReaderTest, ZeroedCommitWordInASealedSegmentIsCorruptionNotEndOfLog) {
  write_log(100);
  const std::uint32_t zero = 0;
  test::set_bytes(segment_path(dir(), 0), offset_of(0, 4), &zero, 4);
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::Failed);
  EXPECT_EQ(got.seqs.size(), 4u);
  EXPECT_NE(got.status.error().message().find("sealed"), std::string::npos)
      << got.status.error().message();
}

TEST_F(LogReaderTest, ValidRecordCopiedFromElsewhereIsASequenceError) {
  {
    ASSERT_OK_AND_ASSIGN(auto w, SegmentWriter::open(dir(), opts()));
    for (std::uint64_t i = 0; i < 10; ++i) {
      ASSERT_OK(w.append(1, i, std::vector<std::byte>(40, std::byte{static_cast<unsigned char>(i)})));
    }
    ASSERT_OK(w.close());
  }
  const std::uint64_t rec = record_size(40);
  auto bytes = test::read_file(segment_path(dir(), 0));
  std::memcpy(bytes.data() + kSegmentHeaderSize + 2 * rec, bytes.data() + kSegmentHeaderSize + 7 * rec,
              rec);
  test::write_file(segment_path(dir(), 0), bytes);
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(reader.next(v), Step::Failed);
  EXPECT_NE(reader.status().error().message().find("expected 2, found 7"), std::string::npos)
      << reader.status().error().message();
}

TEST_F(LogReaderTest, SealedSegmentWithoutEndMarkerIsCorruption) {
  write_log(5);
  auto bytes = test::read_file(segment_path(dir(), 0));
  SegmentHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  const std::uint32_t zero = 0;
  test::set_bytes(segment_path(dir(), 0), h.end_of_data, &zero, 4);
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::Failed);
  EXPECT_EQ(got.seqs.size(), 5u);
  EXPECT_NE(got.status.error().message().find("end-of-segment marker"), std::string::npos);
}

TEST_F(LogReaderTest, RecordCountNotMatchingTheRecordsIsCorruption) {
  write_log(5);
  auto bytes = test::read_file(segment_path(dir(), 0));
  SegmentHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  std::vector<std::byte> seg(bytes.size());
  std::memcpy(seg.data(), bytes.data(), bytes.size());
  write_seal_block(seg.data(), h.end_of_data, h.record_count + 1, h.min_timestamp_ns,
                   h.max_timestamp_ns);
  test::set_bytes(segment_path(dir(), 0), 0, seg.data(), kSegmentHeaderSize);
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::Failed);
  EXPECT_NE(got.status.error().message().find("record_count"), std::string::npos)
      << got.status.error().message();
}

TEST_F(LogReaderTest, RestoredSegmentCutToItsUsedPrefixReadsTheSame) {
  write_log(300);
  auto bytes = test::read_file(segment_path(dir(), 0));
  SegmentHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  test::truncate_file(segment_path(dir(), 0), h.end_of_data);
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::NothingYet) << got.status.error().to_string();
  EXPECT_EQ(got.seqs, test::iota_seqs(0, 300));
}

TEST_F(LogReaderTest, SegmentCutShorterThanEndOfDataIsCorruption) {
  write_log(300);
  auto bytes = test::read_file(segment_path(dir(), 0));
  SegmentHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  test::truncate_file(segment_path(dir(), 0), h.end_of_data - 1);
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::Failed);
  EXPECT_EQ(got.status.error().code(), Errc::Corruption);
}

TEST_F(LogReaderTest, ZeroByteSegmentInTheMiddleIsCorruption) {
  write_log(300);
  test::truncate_file(segment_path(dir(), 1), 0);
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::Failed);
  EXPECT_NE(got.status.error().message().find(segment_path(dir(), 1)), std::string::npos);
}

TEST_F(LogReaderTest, AMissingSegmentInTheMiddleIsCorruptionNotTheEnd) {
  write_log(300);
  ASSERT_EQ(::unlink(segment_path(dir(), 1).c_str()), 0);
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::Failed);
  EXPECT_NE(got.status.error().message().find(segment_path(dir(), 1) + ": segment file missing"),
            std::string::npos)
      << got.status.error().message();
}

// Retention deletes from the front. A reader still in a deleted segment
// (its mapping holds it) that finds the next one deleted too fell behind:
// NotFound saying so, not Corruption.
TEST_F(LogReaderTest, AReaderThatFellBehindRetentionGetsNotFoundNotCorruption) {
  write_log(300);
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  ASSERT_EQ(reader.segment_id(), std::optional<std::uint64_t>(0));
  ASSERT_EQ(::unlink(segment_path(dir(), 0).c_str()), 0);
  ASSERT_EQ(::unlink(segment_path(dir(), 1).c_str()), 0);
  Step step;
  while ((step = reader.next(v)) == Step::Record) {
  }
  EXPECT_EQ(step, Step::Failed);
  EXPECT_EQ(reader.status().error().code(), Errc::NotFound);
  EXPECT_NE(reader.status().error().message().find("deleted (retention)"), std::string::npos)
      << reader.status().error().message();
}

TEST_F(LogReaderTest, NextSegmentNotContinuingTheSequenceIsCorruption) {
  write_log(300);
  auto bytes = test::read_file(segment_path(dir(), 1));
  SegmentHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  h.base_seq += 1;
  h.identity_checksum = identity_checksum_of(h);
  test::set_bytes(segment_path(dir(), 1), 0, &h, sizeof h);
  auto got = test::read_back(dir(), 1);
  EXPECT_EQ(got.last, Step::Failed);
  EXPECT_NE(got.status.error().message().find("base_seq"), std::string::npos)
      << got.status.error().message();
}

TEST_F(LogReaderTest, WritingThroughAViewFaults) {
  write_log(3);
  EXPECT_DEATH(
      {
        auto reader = LogReader::open(dir());
        RecordView v;
        if (reader->next(v) == Step::Record) {
          const_cast<std::byte*>(v.payload.data())[0] = std::byte{1};
        }
      },
      "");
}

}  // namespace
}  // namespace chronicle
