// Safe deletion (RELIABILITY S12): names planted in a partition directory
// that look like chronicle's own. Compression, retention, whole-partition
// deletion and temp-file cleanup remove only chronicle's exact names, a
// symlink among them as a link; they never open or compress through a
// symlink, never recurse into a directory, and never block on a FIFO. The
// files outside the table the links point at stay byte-identical.
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "lifecycle/lifecycle_fixture.hpp"
#include "support/files.hpp"
#include "support/tree_hash.hpp"

namespace chronicle {
namespace {

using test::kNow;
using test::LifecycleTest;

bool is_symlink(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

std::size_t errors_naming(const LifecycleStats& stats, const std::string& fragment) {
  std::size_t n = 0;
  for (const LifecycleError& e : stats.errors) {
    if (e.path.find(fragment) != std::string::npos || e.message.find(fragment) != std::string::npos) {
      ++n;
    }
  }
  return n;
}

class SafeDeletionTest : public LifecycleTest {
 protected:
  std::string outside() const { return tmp_.sub("outside"); }
  std::string victim() const { return outside() + "/victim"; }
  std::string link() const { return segment_path(dir(0), 1); }
  std::string seg_dir() const { return segment_path(dir(0), 999); }

  // One partition of sealed segments, 40 days old, in which segment 1 has
  // been moved out of the table to become the victim, a real sealed segment
  // that anything following `000000001.q -> victim` could compress or
  // delete. Also planted: temp-file names that are links (one dangling, one
  // to the victim), a directory and a FIFO named like segments, and a file
  // chronicle did not create.
  void SetUp() override {
    make_table(1, 400, {}, kNow - 40 * kNanosPerDay);
    ASSERT_GE(segments(0).size(), 4u);
    std::filesystem::create_directory(outside());
    std::filesystem::rename(link(), victim());
    ASSERT_EQ(::symlink(victim().c_str(), link().c_str()), 0);
    ASSERT_EQ(::symlink((outside() + "/nowhere").c_str(),
                        (segment_path(dir(0), 2, SegmentTier::Cold) + ".tmp-1-aa").c_str()), 0);
    ASSERT_EQ(::symlink(victim().c_str(), (segment_path(dir(0), 3) + ".tmp-1-bb").c_str()), 0);
    std::filesystem::create_directory(seg_dir());
    test::write_file(seg_dir() + "/inside", {'i'});
    ASSERT_EQ(::mkfifo(segment_path(dir(0), 998).c_str(), 0644), 0);
    test::write_file(dir(0) + "/notes.txt", {'n'});
    outside_hash_ = test::tree_hash(outside());
  }

  void expect_outside_untouched() {
    EXPECT_EQ(test::tree_hash(outside()), outside_hash_);
    EXPECT_FALSE(test::exists(outside() + "/nowhere"));
    EXPECT_TRUE(test::exists(seg_dir() + "/inside"));
  }

  // One run_once under `policy` and `retention` (a failed run fails the test).
  LifecycleStats run(CompressionPolicy policy, RetentionRules retention = {}) {
    LifecycleConfig c;
    c.policy = policy;
    c.retention = retention;
    auto stats = manager(c).run_once();
    EXPECT_OK(stats);
    return stats ? *stats : LifecycleStats{};
  }
  static RetentionRules max_age(std::uint32_t days) {
    RetentionRules r;
    r.max_age_days = days;
    return r;
  }
  static RetentionRules whole_partitions_after(std::uint32_t days) {
    RetentionRules r;
    r.delete_partitions_after_days = days;
    return r;
  }

  std::uint64_t outside_hash_ = 0;
};

TEST_F(SafeDeletionTest, CompressionNeverOpensOrCompressesThroughASymlink) {
  const LifecycleStats stats = run(CompressionPolicy::immediate());
  expect_outside_untouched();
  EXPECT_TRUE(is_symlink(link()));
  EXPECT_FALSE(test::exists(segment_path(dir(0), 1, SegmentTier::Cold)));
  EXPECT_GT(stats.compressed, 0u) << stats.to_string();
  // The link, the directory and the FIFO are reported by name, not opened.
  EXPECT_EQ(errors_naming(stats, link()), 1u) << stats.to_string();
  EXPECT_EQ(errors_naming(stats, seg_dir()), 1u) << stats.to_string();
  EXPECT_EQ(errors_naming(stats, "000000998.q"), 1u) << stats.to_string();
  // Both temp-name links went (as links): the victim is still there.
  EXPECT_EQ(stats.temp_files_removed, 2u);
  EXPECT_TRUE(test::exists(victim()));
  EXPECT_TRUE(test::exists(dir(0) + "/notes.txt"));
}

TEST_F(SafeDeletionTest, RetentionNeverDeletesThroughASymlink) {
  const LifecycleStats stats = run(CompressionPolicy::never(), max_age(30));
  expect_outside_untouched();
  EXPECT_GT(stats.deleted_segments, 0u) << stats.to_string();
  EXPECT_TRUE(is_symlink(link()));
  EXPECT_EQ(errors_naming(stats, link()), 1u) << stats.to_string();
  EXPECT_TRUE(test::exists(seg_dir()));
}

TEST_F(SafeDeletionTest, DeletingAWholePartitionRemovesOnlyChroniclesNames) {
  const LifecycleStats stats = run(CompressionPolicy::never(), whole_partitions_after(30));
  expect_outside_untouched();
  // Every segment went, the link as a link; what chronicle did not create
  // stays, and so does the directory, with the reason.
  EXPECT_FALSE(test::exists(link()));
  EXPECT_TRUE(test::exists(victim()));
  EXPECT_FALSE(test::exists(segment_path(dir(0), 0)));
  EXPECT_TRUE(test::exists(dir(0) + "/notes.txt"));
  EXPECT_EQ(stats.deleted_partitions, 0u) << stats.to_string();
  ASSERT_EQ(errors_naming(stats, "left alone: 000000999.q, notes.txt"), 1u) << stats.to_string();
  EXPECT_EQ(stats.errors.back().path, dir(0));
}

TEST_F(SafeDeletionTest, TheAccessTrackerAndLockFilesAreChroniclesNamesTheRestIsNot) {
  // Names a partition deletion may remove, and look-alikes it must not.
  for (const char* name : {".lock", ".lifecycle.lock", ".access", ".access.lock",
                           ".access.tmp-123", "000000000.q.zst", "000000000.q.prep",
                           "000000000.idx", "000000000.idx.tmp-1-ab",
                           "000000000.q.zst.tmp-1-ab"}) {
    test::write_file(dir(0) + "/" + name, {'x'});
  }
  for (const char* name : {"lock", ".access2", "7.q", "000000007.q.bak", "000000007.idx2",
                           "x.tmp-1-ab", "000000007.txt"}) {
    test::write_file(dir(0) + "/" + name, {'x'});
  }
  std::filesystem::remove_all(seg_dir());
  std::filesystem::remove(dir(0) + "/notes.txt");
  const LifecycleStats stats = run(CompressionPolicy::never(), whole_partitions_after(30));
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(dir(0))) {
    left.push_back(e.path().filename().string());
  }
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{".access2", "000000007.idx2", "000000007.q.bak",
                                            "000000007.txt", "7.q", "lock", "x.tmp-1-ab"}))
      << stats.to_string();
  EXPECT_EQ(test::tree_hash(outside()), outside_hash_);
}

}  // namespace
}  // namespace chronicle
