// A writer filling a small tmpfs (RELIABILITY D1) or ext4 image (D2): never
// SIGBUS; the append or roll that cannot get space returns NoSpace naming the
// segment file; every acknowledged record stays readable, also after the
// writer is killed on the full filesystem and the log reopened; after space
// is freed, appends go on with the next sequence number.
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "support/files.hpp"
#include "support/log_builder.hpp"
#include "support/private_mount.hpp"
#include "support/seeds.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

LogOptions small_segments(bool prepare_ahead) {
  LogOptions o;
  o.segment_size = 256 * 1024;
  o.prepare_ahead = prepare_ahead;
  return o;
}

// Appends records of `seed` from seq `from` until an append fails; returns
// the number acknowledged and checks the failure is NoSpace naming a
// segment file of `dir`.
std::uint64_t fill(SegmentWriter& w, const std::string& dir, std::uint64_t seed,
                   std::uint64_t from = 0) {
  std::uint64_t acked = from;
  Error failure;
  for (std::uint64_t s = from; s < from + 100'000; ++s) {
    auto r = w.append(test::type_for(seed, s), test::timestamp_for(seed, s),
                      test::payload_for(seed, s, 3000));
    if (!r) {
      failure = r.error();
      break;
    }
    ++acked;
  }
  EXPECT_TRUE(failure) << "the filesystem never filled";
  EXPECT_EQ(failure.code(), Errc::NoSpace) << failure.to_string();
  EXPECT_NE(failure.message().find(dir + "/"), std::string::npos) << failure.message();
  EXPECT_NE(failure.message().find(".q"), std::string::npos) << failure.message();
  return acked;
}

void fill_then_free(const std::string& mnt, std::uint64_t seed, bool prepare_ahead) {
  const std::string ballast = mnt + "/ballast";
  test::write_file(ballast, std::vector<char>(512 * 1024, 'b'));
  const std::string dir = mnt + "/log";
  auto w = SegmentWriter::open(dir, small_segments(prepare_ahead));
  ASSERT_OK(w);
  const std::uint64_t acked = fill(*w, dir, seed);
  ASSERT_FALSE(::testing::Test::HasFailure());
  EXPECT_EQ(w->next_seq(), acked);
  // Still full: the next append fails the same way, nothing is written.
  EXPECT_ERROR(w->append(1, 1, test::payload_for(seed, acked, 3000)), Errc::NoSpace);
  auto got = test::read_back(dir, seed, 3000);
  EXPECT_EQ(got.seqs, test::iota_seqs(0, acked));
  // Free space: appends go on with the next sequence number.
  std::filesystem::remove(ballast);
  const std::uint64_t rolls = w->rolls();
  test::append_records(*w, seed, acked, acked + 300, 3000);
  EXPECT_GT(w->rolls(), rolls);
  ASSERT_OK(w->close());
  EXPECT_EQ(test::read_back(dir, seed, 3000).seqs, test::iota_seqs(0, acked + 300));
}

class DiskFullTest : public TempDirTest {};

TEST_F(DiskFullTest, WriterFillsATmpfsThenContinuesAfterSpaceIsFreed) {
  for (int run = 0; run < test::scaled_trials(20); ++run) {
    const std::string mnt = tmp_.sub("mnt" + std::to_string(run));
    std::filesystem::create_directory(mnt);
    const bool prepare_ahead = run % 2 == 0;
    if (!test::run_on_small_tmpfs(mnt, "size=2m", [&] {
          fill_then_free(mnt, static_cast<std::uint64_t>(run) + 1, prepare_ahead);
        })) {
      GTEST_SKIP() << "mounting a tmpfs is not permitted here (needs CAP_SYS_ADMIN); the "
                      "injected-ENOSPC cases in segment_fault_test still cover these paths";
    }
    if (HasFailure()) return;
  }
}

// D2: the writer fills a 16 MiB ext4 image (real block allocation, delayed
// allocation, a journal) and is killed there; the log reopens on the still
// full filesystem with every acknowledged record, and goes on once space is
// freed.
void fill_kill_reopen(const std::string& mnt, std::uint64_t seed, bool prepare_ahead) {
  const std::string ballast = mnt + "/ballast";
  test::write_file(ballast, std::vector<char>(10 << 20, 'b'));
  const std::string dir = mnt + "/log";
  int acks[2];
  ASSERT_EQ(::pipe(acks), 0);
  const pid_t writer = ::fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    auto w = SegmentWriter::open(dir, small_segments(prepare_ahead));
    const std::uint64_t acked = w ? fill(*w, dir, seed) : 0;
    (void)!::write(acks[1], &acked, sizeof acked);
    ::kill(::getpid(), SIGKILL);
  }
  ::close(acks[1]);
  std::uint64_t acked = 0;
  ASSERT_EQ(::read(acks[0], &acked, sizeof acked), static_cast<ssize_t>(sizeof acked));
  ::close(acks[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(writer, &status, 0), writer);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer was not killed as planned (status " << status << ")";
  ASSERT_GT(acked, 0u) << "the writer could not append before the filesystem filled";

  auto w = SegmentWriter::open(dir, small_segments(prepare_ahead));
  ASSERT_OK(w);
  EXPECT_EQ(w->next_seq(), acked);
  EXPECT_EQ(test::read_back(dir, seed, 3000).seqs, test::iota_seqs(0, acked));
  // Still (nearly) full: appends fail cleanly again, losing nothing.
  const std::uint64_t more = fill(*w, dir, seed, acked);
  EXPECT_EQ(test::read_back(dir, seed, 3000).seqs, test::iota_seqs(0, more));
  std::filesystem::remove(ballast);
  test::append_records(*w, seed, more, more + 300, 3000);
  ASSERT_OK(w->close());
  EXPECT_EQ(test::read_back(dir, seed, 3000).seqs, test::iota_seqs(0, more + 300));
}

TEST_F(DiskFullTest, WriterKilledOnAFullExt4ImageRecoversEveryAcknowledgedRecord) {
  for (const bool prepare_ahead : {true, false}) {
    const std::string mnt = tmp_.sub(prepare_ahead ? "ext4-ahead" : "ext4-inline");
    std::filesystem::create_directory(mnt);
    if (!test::run_on_small_ext4(mnt + ".img", 16, mnt, [&] {
          fill_kill_reopen(mnt, prepare_ahead ? 7 : 8, prepare_ahead);
        })) {
      GTEST_SKIP() << "making or loop-mounting an ext4 image is not permitted here (needs "
                      "mkfs.ext4 and CAP_SYS_ADMIN); the tmpfs case above covers the rest";
    }
    if (HasFailure()) return;
  }
}

TEST_F(DiskFullTest, OpeningALogOnAFullFilesystemIsNoSpace) {
  const std::string mnt = tmp_.sub("mnt");
  std::filesystem::create_directory(mnt);
  if (!test::run_on_small_tmpfs(mnt, "size=256k", [&] {
        test::write_file(mnt + "/ballast", std::vector<char>(200 * 1024, 'b'));
        LogOptions o;
        o.segment_size = 128 * 1024;
        auto w = SegmentWriter::open(mnt + "/log", o);
        EXPECT_ERROR(w, Errc::NoSpace);
        for (const auto& e : std::filesystem::directory_iterator(mnt + "/log")) {
          EXPECT_EQ(e.path().string().find(".prep"), std::string::npos) << e.path();
        }
      })) {
    GTEST_SKIP() << "mounting a tmpfs is not permitted here";
  }
}

}  // namespace
}  // namespace chronicle
