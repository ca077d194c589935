#include <chronicle/segment/hot_segment.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "support/process_resources.hpp"
#include "support/records.hpp"
#include "support/run_as_nobody.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

std::vector<RecordView> read_all(const std::string& dir, std::vector<std::vector<std::byte>>* payloads) {
  auto reader = LogReader::open(dir);
  EXPECT_OK(reader);
  std::vector<RecordView> out;
  if (!reader) return out;
  RecordView v;
  Step step;
  while ((step = reader->next(v)) == Step::Record) {
    out.push_back(v);
    payloads->emplace_back(v.payload.begin(), v.payload.end());
  }
  EXPECT_EQ(step, Step::NothingYet) << reader->status().error().to_string();
  return out;
}

class SegmentWriterTest : public TempDirTest {
 protected:
  std::string dir() const { return tmp_.sub("log"); }
  LogOptions small(std::uint64_t size = 64 * 1024) const {
    LogOptions o;
    o.segment_size = size;
    return o;
  }
};

TEST_F(SegmentWriterTest, AppendsAndReadsBackInOrder) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  for (std::uint64_t i = 0; i < 100; ++i) {
    auto payload = test::payload_for(1, i, 1000);
    ASSERT_OK_AND_ASSIGN(auto seq, writer.append(test::type_for(1, i), test::timestamp_for(1, i), payload));
    EXPECT_EQ(seq, i);
  }
  std::vector<std::vector<std::byte>> payloads;
  auto records = read_all(dir(), &payloads);
  ASSERT_EQ(records.size(), 100u);
  for (std::uint64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(records[i].seq, i);
    EXPECT_EQ(records[i].type_id, test::type_for(1, i));
    EXPECT_EQ(records[i].timestamp_ns, test::timestamp_for(1, i));
    EXPECT_EQ(payloads[i], test::payload_for(1, i, 1000));
  }
}

TEST_F(SegmentWriterTest, RoundTripsEmptyOneByteAndLargestPayloads) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  const std::uint64_t max = writer.max_payload_size();
  EXPECT_EQ(max, 64 * 1024 - 168u);
  std::vector<std::byte> largest(max, std::byte{0xAB});
  ASSERT_OK(writer.append(1, 10, {}));
  ASSERT_OK(writer.append(2, 20, bytes_of("x")));
  ASSERT_OK(writer.append(3, 30, largest));
  ASSERT_OK(writer.append(4, 40, {}));
  std::vector<std::vector<std::byte>> payloads;
  auto records = read_all(dir(), &payloads);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_TRUE(payloads[0].empty());
  EXPECT_EQ(payloads[1], std::vector<std::byte>{std::byte{'x'}});
  EXPECT_EQ(payloads[2], largest);
  EXPECT_TRUE(payloads[3].empty());
  EXPECT_EQ(records[3].type_id, 4);
}

TEST_F(SegmentWriterTest, RejectsPayloadOneByteLargerThanASegmentHolds) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  std::vector<std::byte> too_big(writer.max_payload_size() + 1);
  auto r = writer.append(1, 1, too_big);
  EXPECT_ERROR(r, Errc::InvalidArgument);
  EXPECT_NE(r.error().message().find(std::to_string(too_big.size())), std::string::npos);
  EXPECT_NE(r.error().message().find(std::to_string(writer.max_payload_size())), std::string::npos);
  EXPECT_EQ(writer.next_seq(), 0u);
  ASSERT_OK(writer.append(1, 1, bytes_of("still works")));
  EXPECT_EQ(writer.next_seq(), 1u);
}

TEST_F(SegmentWriterTest, RejectsNullPayloadWithLength) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  EXPECT_ERROR(writer.append(1, 1, std::span<const std::byte>(static_cast<const std::byte*>(nullptr), 5)),
               Errc::InvalidArgument);
}

TEST_F(SegmentWriterTest, RollsWhenRecordDoesNotFit) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small(8192)));
  std::vector<std::byte> payload(1000, std::byte{7});
  for (int i = 0; i < 50; ++i) ASSERT_OK(writer.append(1, static_cast<std::uint64_t>(i), payload));
  EXPECT_GE(writer.rolls(), 6u);
  ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir()));
  EXPECT_EQ(segments.size(), writer.rolls() + 1);
  std::vector<std::vector<std::byte>> payloads;
  auto records = read_all(dir(), &payloads);
  ASSERT_EQ(records.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(records[i].seq, static_cast<std::uint64_t>(i));
}

// The preparer names the next segment ahead of the roll, so the roll itself
// makes no system call; until then readers must not see it.
TEST_F(SegmentWriterTest, NextSegmentIsNamedAheadAndInvisibleUntilTheRoll) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small(8192)));
  const std::string next = segment_path(dir(), 1);
  for (int i = 0; i < 5000 && !test::exists(next); ++i) ::usleep(1000);
  ASSERT_TRUE(test::exists(next)) << "the preparer did not name segment 1 ahead within 5 s";
  ASSERT_OK_AND_ASSIGN(auto listed, list_segments(dir()));
  ASSERT_EQ(listed.size(), 1u) << "the named-ahead segment is listed";
  auto opened = HotSegment::open(FileSystem::system(), next, 1);
  EXPECT_ERROR(opened, Errc::NotFound);
  EXPECT_NE(opened.error().message().find("named ahead"), std::string::npos)
      << opened.error().message();

  std::vector<std::byte> payload(1000, std::byte{7});
  std::uint64_t n = 0;
  while (writer.rolls() == 0) ASSERT_OK(writer.append(1, n++, payload));
  ASSERT_OK_AND_ASSIGN(auto started, HotSegment::open(FileSystem::system(), next, 1));
  EXPECT_EQ(started->header().base_seq, n - 1);
  std::vector<std::vector<std::byte>> payloads;
  EXPECT_EQ(read_all(dir(), &payloads).size(), n);
  // close() removes the segment it had named ahead for the next roll.
  ASSERT_OK(writer.close());
  EXPECT_FALSE(test::exists(segment_path(dir(), 2)));
  ASSERT_OK_AND_ASSIGN(listed, list_segments(dir()));
  EXPECT_EQ(listed.size(), 2u);
}

TEST_F(SegmentWriterTest, RollsManyTimesWithoutPrepareAhead) {
  LogOptions o = small(4096);
  o.prepare_ahead = false;
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), o));
  for (std::uint64_t i = 0; i < 2000; ++i) {
    ASSERT_OK(writer.append(1, i, test::payload_for(2, i, 300)));
  }
  EXPECT_GT(writer.rolls(), 50u);
  std::vector<std::vector<std::byte>> payloads;
  auto records = read_all(dir(), &payloads);
  ASSERT_EQ(records.size(), 2000u);
  for (std::uint64_t i = 0; i < 2000; ++i) EXPECT_EQ(payloads[i], test::payload_for(2, i, 300));
}

TEST_F(SegmentWriterTest, RollingWithoutSyncKeepsFewDescriptors) {
  const int before = test::open_fd_count();
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small(4096)));
  for (std::uint64_t i = 0; i < 3000; ++i) ASSERT_OK(writer.append(1, i, std::vector<std::byte>(200)));
  ASSERT_GT(writer.rolls(), 150u);
  EXPECT_LT(test::open_fd_count(), before + 40) << "a descriptor per rolled segment is kept";
  ASSERT_OK(writer.sync());
  ASSERT_OK(writer.close());
  EXPECT_EQ(test::open_fd_count(), before);
}

TEST_F(SegmentWriterTest, SecondWriterIsLockedOutNamingThePid) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  auto second = SegmentWriter::open(dir(), small());
  EXPECT_ERROR(second, Errc::Locked);
  EXPECT_NE(second.error().message().find("pid " + std::to_string(::getpid())), std::string::npos)
      << second.error().message();
}

TEST_F(SegmentWriterTest, ReopenAfterCloseContinuesTheSequenceInANewSegment) {
  {
    ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
    for (std::uint64_t i = 0; i < 10; ++i) ASSERT_OK(writer.append(1, i, bytes_of("a")));
    ASSERT_OK(writer.close());
    EXPECT_ERROR(writer.append(1, 1, bytes_of("b")), Errc::Closed);
  }
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  EXPECT_TRUE(writer.recovery_report().clean()) << writer.recovery_report().to_string();
  EXPECT_EQ(writer.next_seq(), 10u);
  EXPECT_EQ(writer.segment_id(), 1u);
  ASSERT_OK_AND_ASSIGN(auto seq, writer.append(1, 99, bytes_of("b")));
  EXPECT_EQ(seq, 10u);
  std::vector<std::vector<std::byte>> payloads;
  EXPECT_EQ(read_all(dir(), &payloads).size(), 11u);
}

TEST_F(SegmentWriterTest, CloseOfAnEmptySegmentLeavesItForTheNextWriter) {
  {
    ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  }
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  EXPECT_EQ(writer.segment_id(), 0u);
}

TEST_F(SegmentWriterTest, ClaimAndCommitPublishesInPlacePayload) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  ASSERT_OK_AND_ASSIGN(auto buf, writer.claim(64));
  std::memset(buf.data(), 0x5A, 64);
  ASSERT_OK_AND_ASSIGN(auto seq, writer.commit(9, 123, 10));
  EXPECT_EQ(seq, 0u);
  ASSERT_OK(writer.append(1, 124, bytes_of("next")));
  std::vector<std::vector<std::byte>> payloads;
  auto records = read_all(dir(), &payloads);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(payloads[0], std::vector<std::byte>(10, std::byte{0x5A}));
  EXPECT_EQ(records[0].type_id, 9);
  EXPECT_EQ(payloads[1].size(), 4u);
}

TEST_F(SegmentWriterTest, AppendDuringAnOpenClaimAbortsTheClaim) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  ASSERT_OK_AND_ASSIGN(auto buf, writer.claim(200));
  std::memset(buf.data(), 0xFF, buf.size());
  ASSERT_OK(writer.append(1, 1, bytes_of("short")));
  ASSERT_OK(writer.append(1, 2, bytes_of("second")));
  EXPECT_ERROR(writer.commit(1, 1, 1), Errc::InvalidArgument);
  std::vector<std::vector<std::byte>> payloads;
  auto records = read_all(dir(), &payloads);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].seq, 1u);
}

TEST_F(SegmentWriterTest, ClaimLargerThanASegmentHoldsIsRejectedNamingBothSizes) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  const std::uint64_t too_big = writer.max_payload_size() + 1;
  auto c = writer.claim(too_big);
  EXPECT_ERROR(c, Errc::InvalidArgument);
  EXPECT_NE(c.error().message().find(std::to_string(too_big)), std::string::npos)
      << c.error().message();
  EXPECT_NE(c.error().message().find(std::to_string(writer.max_payload_size())), std::string::npos);
  EXPECT_OK(writer.claim(writer.max_payload_size()));
  writer.abort_claim();
}

TEST_F(SegmentWriterTest, CommitLongerThanClaimIsRejected) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  ASSERT_OK(writer.claim(8));
  EXPECT_ERROR(writer.commit(1, 1, 9), Errc::InvalidArgument);
  writer.abort_claim();
  ASSERT_OK(writer.append(1, 1, bytes_of("ok")));
  std::vector<std::vector<std::byte>> payloads;
  EXPECT_EQ(read_all(dir(), &payloads).size(), 1u);
}

TEST_F(SegmentWriterTest, PayloadMayAliasTheLogsOwnMapping) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  ASSERT_OK(writer.append(1, 1, bytes_of("alias me please")));
  ASSERT_OK_AND_ASSIGN(auto reader, LogReader::open(dir()));
  RecordView v;
  ASSERT_EQ(reader.next(v), Step::Record);
  ASSERT_OK(writer.append(2, 2, v.payload));
  ASSERT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(v.payload.data()), v.payload.size()),
            "alias me please");
}

TEST_F(SegmentWriterTest, SyncAndFlushSucceedAndAdvanceTheWatermark) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small(8192)));
  for (int i = 0; i < 30; ++i) ASSERT_OK(writer.append(1, 1, std::vector<std::byte>(500)));
  ASSERT_OK(writer.flush());
  ASSERT_OK(writer.sync());
  const auto bytes = test::read_file(segment_path(dir(), writer.segment_id()));
  SegmentHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  EXPECT_GT(h.synced_offset, kSegmentHeaderSize);
}

TEST_F(SegmentWriterTest, InvalidSegmentSizesAreRejected) {
  for (std::uint64_t size : {0ull, 100ull, 4095ull, 5000ull, (1ull << 30) + 4096}) {
    LogOptions o;
    o.segment_size = size;
    auto w = SegmentWriter::open(dir(), o);
    EXPECT_ERROR(w, Errc::InvalidArgument);
    EXPECT_NE(w.error().message().find(std::to_string(size)), std::string::npos);
  }
  EXPECT_FALSE(test::exists(dir())) << "a failed open must create nothing";
}

TEST_F(SegmentWriterTest, WorldWritableModesAreRejected) {
  struct Case {
    mode_t file_mode;
    mode_t dir_mode;
    const char* named;  // the field and its octal value, in the message
  };
  for (const Case& k : {Case{0666, 0755, "file_mode 666"}, Case{0602, 0755, "file_mode 602"},
                        Case{0644, 0777, "dir_mode 777"}, Case{0644, 0757, "dir_mode 757"}}) {
    LogOptions o;
    o.file_mode = k.file_mode;
    o.dir_mode = k.dir_mode;
    EXPECT_ERROR(validate(o), Errc::InvalidArgument);
    auto w = SegmentWriter::open(dir(), o);
    EXPECT_ERROR(w, Errc::InvalidArgument);
    EXPECT_NE(w.error().message().find(k.named), std::string::npos) << w.error().message();
  }
  EXPECT_FALSE(test::exists(dir())) << "a failed open must create nothing";
}

TEST_F(SegmentWriterTest, AnEmptyDirectoryPathIsRejected) {
  auto w = SegmentWriter::open("", small());
  EXPECT_ERROR(w, Errc::InvalidArgument);
  EXPECT_NE(w.error().message().find("path is empty"), std::string::npos) << w.error().message();
}

TEST_F(SegmentWriterTest, OpenOnAFileIsRejected) {
  test::write_file(dir(), {'x'});
  EXPECT_ERROR(SegmentWriter::open(dir(), small()), Errc::InvalidArgument);
}

TEST_F(SegmentWriterTest, OpenWithMissingParentFails) {
  EXPECT_ERROR(SegmentWriter::open(tmp_.sub("no/such/parent"), small()), Errc::NotFound);
}

using test::run_as_nobody;

TEST_F(SegmentWriterTest, UnwritableDirectoryIsAClearError) {
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(dir().c_str(), 0755), 0);  // owned by root: not writable by nobody
  const int status = run_as_nobody([&] {
    auto w = SegmentWriter::open(dir(), small());
    if (w) return 1;
    if (w.error().code() != Errc::Io || w.error().sys_errno() != EACCES) return 2;
    if (w.error().message().find(dir()) == std::string::npos) return 3;
    return 0;
  });
  EXPECT_EQ(status, 0);
}

TEST_F(SegmentWriterTest, ReadersNeedOnlyReadPermission) {
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 0755), 0);
  {
    ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
    for (std::uint64_t i = 0; i < 20; ++i) ASSERT_OK(writer.append(1, i, bytes_of("r")));
  }
  const int status = run_as_nobody([&] {
    auto reader = LogReader::open(dir());
    if (!reader) return 1;
    RecordView v;
    int n = 0;
    while (reader->next(v) == Step::Record) ++n;
    return n == 20 && reader->status() ? 0 : 2;
  });
  EXPECT_EQ(status, 0);
}

TEST_F(SegmentWriterTest, WriterInheritedAcrossForkRefusesToAppendInTheChild) {
  ASSERT_OK_AND_ASSIGN(auto writer, SegmentWriter::open(dir(), small()));
  ASSERT_OK(writer.append(1, 1, bytes_of("parent")));
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto r = writer.append(1, 2, bytes_of("child"));
    const bool refused = !r && r.error().code() == Errc::Closed;
    ::_exit(refused ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_OK(writer.append(1, 3, bytes_of("parent again")));
  std::vector<std::vector<std::byte>> payloads;
  EXPECT_EQ(read_all(dir(), &payloads).size(), 2u);
}

}  // namespace
}  // namespace chronicle
