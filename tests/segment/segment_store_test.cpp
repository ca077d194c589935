// list_segments: what counts as a segment, and a listing that stays complete
// while the lifecycle swaps segments between tiers.
#include <chronicle/segment/segment_store.hpp>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <vector>
#include <thread>

#include "support/child_process.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

class SegmentStoreTest : public TempDirTest {
 protected:
  void touch(const std::string& name) const { std::ofstream(tmp_.sub(name)).put('x'); }
  static std::string ids_and_tiers(const std::vector<SegmentEntry>& listed) {
    std::string out;
    for (const SegmentEntry& e : listed) {
      out += std::to_string(e.id) + (e.hot ? "h" : "") + (e.cold ? "c" : "") + " ";
    }
    return out;
  }
};

TEST(SegmentNamingTest, ParsedSuffixIsTheKnownConstantNotAViewIntoTheArgument) {
  for (std::string_view suffix : {kHotSuffix, kColdSuffix, kPrepSuffix}) {
    const auto parsed = parse_segment_file_name(std::string("000000042") + std::string(suffix));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->id, 42u);
    // A temporary argument is gone by now: the suffix must not point into it.
    EXPECT_EQ(parsed->suffix.data(), suffix.data());
  }
  EXPECT_FALSE(parse_segment_file_name("000000042.q.zs"));
  EXPECT_FALSE(parse_segment_file_name("000000042"));
}

TEST_F(SegmentStoreTest, ListsSegmentsByIdWithTheirFormsAndIgnoresOtherNames) {
  for (const char* name : {"000000002.q", "000000000.q.zst", "000000001.q", "000000001.q.zst",
                           "000000003.q.prep", ".lock", "000000004.q.tmp", "00000005.q", "x.q"}) {
    touch(name);
  }
  ASSERT_OK_AND_ASSIGN(auto listed, list_segments(tmp_.path()));
  EXPECT_EQ(ids_and_tiers(listed), "0c 1hc 2h ");
}

// The newest hot name is opened to see whether the writer named it ahead of
// its roll: something planted there must neither hang the listing nor be
// taken for a named-ahead segment.
TEST_F(SegmentStoreTest, AFifoOrDirectoryUnderTheNewestNameNeitherHangsNorHidesIt) {
  touch("000000000.q");
  ASSERT_EQ(::mkfifo(tmp_.sub("000000001.q").c_str(), 0644), 0);
  ASSERT_OK_AND_ASSIGN(auto listed, list_segments(tmp_.path()));
  EXPECT_EQ(ids_and_tiers(listed), "0h 1h ");
  ASSERT_EQ(::mkdir(tmp_.sub("000000002.q").c_str(), 0755), 0);
  ASSERT_OK_AND_ASSIGN(listed, list_segments(tmp_.path()));
  EXPECT_EQ(ids_and_tiers(listed), "0h 1h 2h ");
}

// When the newest header cannot be read (here: out of descriptors), the
// listing fails rather than guess: a named-ahead segment listed as a real one
// would make the writer's live segment look sealed to the lifecycle.
TEST_F(SegmentStoreTest, ANewestHeaderThatCannotBeReadFailsTheListing) {
  touch("000000000.q");
  touch("000000001.q");
  const int status = test::run_in_child([&] {
    std::vector<int> held;
    for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) held.push_back(fd);
    ASSERT_EQ(errno, EMFILE);
    ASSERT_FALSE(held.empty());
    ::close(held.back());  // one left: for opendir, none for the header
    auto listed = list_segments(tmp_.path());
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().code(), Errc::Io) << listed.error().to_string();
    EXPECT_NE(listed.error().message().find("named ahead"), std::string::npos)
        << listed.error().to_string();
  });
  test::expect_child_passed(status);
}

TEST_F(SegmentStoreTest, MissingDirectoryIsNotFound) {
  auto listed = list_segments(tmp_.sub("absent"));
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code(), Errc::NotFound);
}

// A real hole (a segment in neither form) stays a hole: readers report it.
TEST_F(SegmentStoreTest, HoleThatIsReallyThereIsNotInvented) {
  for (const char* name : {"000000003.q", "000000005.q.zst"}) touch(name);
  ASSERT_OK_AND_ASSIGN(auto listed, list_segments(tmp_.path()));
  EXPECT_EQ(ids_and_tiers(listed), "3h 5c ");
}

// readdir over a directory larger than one getdents buffer can miss a name
// that is renamed in and a name that is unlinked while it runs. Segments
// swap tiers here the way the compressor does it (new form first, then the
// old one removed), over and over, while listings must always hold every id.
TEST_F(SegmentStoreTest, ListingNeverMissesASegmentThatChangesTier) {
  constexpr std::uint64_t kSegments = 3000;
  for (std::uint64_t id = 0; id < kSegments; ++id) touch(segment_file_name(id));
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    for (std::uint64_t round = 0; !stop; ++round) {
      const std::uint64_t id = round * 7 % kSegments;
      const bool to_cold = (round / kSegments) % 2 == 0;
      const SegmentTier from = to_cold ? SegmentTier::Hot : SegmentTier::Cold;
      const SegmentTier to = to_cold ? SegmentTier::Cold : SegmentTier::Hot;
      const std::string tmp = tmp_.sub("swap.tmp");
      std::ofstream(tmp).put('y');
      if (::rename(tmp.c_str(), segment_path(tmp_.path(), id, to).c_str()) != 0) std::abort();
      if (::unlink(segment_path(tmp_.path(), id, from).c_str()) != 0) std::abort();
    }
  });
  for (int listing = 0; listing < 60; ++listing) {
    auto listed = list_segments(tmp_.path());
    ASSERT_OK(listed);
    ASSERT_EQ(listed->size(), kSegments) << "listing " << listing;
    for (std::uint64_t id = 0; id < kSegments; ++id) {
      ASSERT_EQ((*listed)[id].id, id) << "listing " << listing;
    }
  }
  stop = true;
  swapper.join();
}

}  // namespace
}  // namespace chronicle
