// Out of address space (RELIABILITY C3): with RLIMIT_AS just above what a
// forked child already uses, mapping an 8 MiB segment fails with ENOMEM.
// Opening a reader or a writer, or rolling, must then fail with a clear error
// naming the file, change nothing on disk, and work once the limit is raised;
// a writer whose background thread cannot start prepares segments inline.
// Skipped under sanitizers, which reserve terabytes of address space.
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "support/child_process.hpp"
#include "support/files.hpp"
#include "support/log_builder.hpp"
#include "support/process_resources.hpp"
#include "support/sanitizers.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSeed = 14;
constexpr std::uint64_t kSegmentSize = 8 << 20;
// Room for the small allocations of an open and its error message, well
// short of one segment.
constexpr std::uint64_t kHeadroom = 2 << 20;

class AddressSpaceTest : public TempDirTest {
 protected:
  void SetUp() override {
    if (!test::kSanitizer.empty()) {
      GTEST_SKIP() << "built with " << test::kSanitizer
                   << ", which reserves terabytes of address space: RLIMIT_AS cannot be set to "
                      "fail one mapping (the test preset runs this test)";
    }
  }

  std::string dir() const { return tmp_.sub("log"); }
  static LogOptions options() {
    return LogOptions{.segment_size = kSegmentSize, .prepare_ahead = false};
  }

  // A closed log of records [0, count) whose last segment is still live.
  void make_log(std::uint64_t count) {
    auto w = SegmentWriter::open(dir(), options());
    ASSERT_OK(w);
    test::append_records(*w, kSeed, 0, count);
  }

  // Runs `body` in a child whose address space is limited until it calls
  // raise() on the limit it is given.
  static void with_little_address_space(const std::function<void(test::ScopedLimit&)>& body) {
    test::expect_child_passed(test::run_in_child([&] {
      test::ScopedLimit limit(RLIMIT_AS, test::address_space_bytes() + kHeadroom);
      ASSERT_TRUE(limit.ok()) << "setrlimit(RLIMIT_AS): " << std::strerror(errno);
      body(limit);
    }));
  }

  static void expect_enomem_naming(const Error& e, const std::string& path) {
    EXPECT_EQ(e.code(), Errc::Io) << e.to_string();
    EXPECT_EQ(e.sys_errno(), ENOMEM) << e.to_string();
    EXPECT_NE(e.message().find(path), std::string::npos) << e.message();
  }
};

TEST_F(AddressSpaceTest, ReaderOpenFailsClearlyAndWorksOnceTheLimitIsRaised) {
  make_log(50);
  with_little_address_space([&](test::ScopedLimit& limit) {
    auto reader = LogReader::open(dir());
    ASSERT_FALSE(reader);
    expect_enomem_naming(reader.error(), segment_path(dir(), 0));
    limit.raise();
    const auto got = test::read_back(dir(), kSeed);
    EXPECT_EQ(got.seqs, test::iota_seqs(0, 50));
  });
}

TEST_F(AddressSpaceTest, WriterOpenFailsClearlyChangesNothingAndWorksOnceTheLimitIsRaised) {
  make_log(50);
  const auto before = test::files_under(dir());
  with_little_address_space([&](test::ScopedLimit& limit) {
    auto w = SegmentWriter::open(dir(), options());
    ASSERT_FALSE(w);
    expect_enomem_naming(w.error(), segment_path(dir(), 0));
    limit.raise();
    EXPECT_TRUE(test::files_under(dir()) == before) << "the failed open changed the log";
    // The failed open let go of the lock.
    auto again = SegmentWriter::open(dir(), options());
    ASSERT_OK(again);
    EXPECT_EQ(again->next_seq(), 50u);
  });
}

TEST_F(AddressSpaceTest, RollFailsClearlyLeavesNothingBehindAndTheRetrySucceeds) {
  test::expect_child_passed(test::run_in_child([&] {
    auto w = SegmentWriter::open(dir(), options());
    ASSERT_OK(w);
    test::ScopedLimit limit(RLIMIT_AS, test::address_space_bytes() + kHeadroom);
    ASSERT_TRUE(limit.ok()) << "setrlimit(RLIMIT_AS): " << std::strerror(errno);
    // Payloads of up to 5000 bytes fill the 8 MiB segment in a few
    // thousand appends; the one after that needs a roll.
    Error failed;
    std::uint64_t acknowledged = 0;
    for (; acknowledged < 100'000; ++acknowledged) {
      const std::uint64_t s = acknowledged;
      auto r = w->append(test::type_for(kSeed, s), test::timestamp_for(kSeed, s),
                         test::payload_for(kSeed, s, 5000));
      if (!r) {
        failed = std::move(r).error();
        break;
      }
    }
    ASSERT_TRUE(failed) << "the writer never rolled";
    EXPECT_EQ(w->next_seq(), acknowledged);
    expect_enomem_naming(failed, dir() + "/000000001.q.prep");
    EXPECT_FALSE(std::filesystem::exists(dir() + "/000000001.q.prep"));
    EXPECT_FALSE(std::filesystem::exists(segment_path(dir(), 1)));

    limit.raise();
    test::append_records(*w, kSeed, acknowledged, acknowledged + 10, 5000);
    EXPECT_EQ(w->segment_id(), 1u);
    ASSERT_OK(w->close());
    const auto got = test::read_back(dir(), kSeed, 5000);
    EXPECT_EQ(got.last, Step::NothingYet) << got.status.error().to_string();
    EXPECT_EQ(got.seqs, test::iota_seqs(0, acknowledged + 10));
  }));
}

TEST_F(AddressSpaceTest, AWriterWhosePreparingThreadCannotStartPreparesInline) {
  // 64 KiB segments fit in the headroom; a thread's 8 MiB stack does not
  // (unless glibc has one cached from an earlier thread of this process).
  test::expect_child_passed(test::run_in_child([&] {
    test::ScopedLimit limit(RLIMIT_AS, test::address_space_bytes() + kHeadroom);
    ASSERT_TRUE(limit.ok()) << "setrlimit(RLIMIT_AS): " << std::strerror(errno);
    auto w = SegmentWriter::open(dir(), LogOptions{.segment_size = 64 * 1024});
    ASSERT_OK(w);
    test::append_records(*w, kSeed, 0, 2000);
    EXPECT_GT(w->rolls(), 2u);
    ASSERT_OK(w->close());
    const auto got = test::read_back(dir(), kSeed);
    EXPECT_EQ(got.seqs, test::iota_seqs(0, 2000));
  }));
}

}  // namespace
}  // namespace chronicle
