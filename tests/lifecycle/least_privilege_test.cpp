// S11 least privilege: the lifecycle needs write permission only on the
// partitions it changes, and readers need only read permission. A table of
// three partitions owned by nobody, of which S1 is read-only (directory
// 0555, files 0444), is compressed by run_once running as nobody: S0 and S2
// are compressed, S1 is reported as an error naming its path and left
// byte-for-byte as it was, and the run as a whole succeeds. The same
// unprivileged process then reads every record of the table, read-only
// partition and compressed ones alike. (Readers of a single log on
// read-only data: C5, segment_writer_test.cpp ReadersNeedOnlyReadPermission.)

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "lifecycle/lifecycle_fixture.hpp"
#include "support/files.hpp"
#include "support/run_as_nobody.hpp"
#include "support/tree_hash.hpp"

namespace chronicle {
namespace {

using test::kNobody;
using test::LifecycleTest;

// Param: whether the read-only partition already holds the lifecycle's lock
// file (a run before it was made read-only) or not.
class LeastPrivilegeTest : public LifecycleTest, public ::testing::WithParamInterface<bool> {
 protected:
  // Gives the table to nobody, then makes partition `p` read-only.
  void give_to_nobody_except_writes_to(int p) {
    ASSERT_EQ(::chmod(tmp_.path().c_str(), 0755), 0);
    ASSERT_EQ(::lchown(root().c_str(), kNobody, kNobody), 0);
    for (const auto& e : std::filesystem::recursive_directory_iterator(root())) {
      ASSERT_EQ(::lchown(e.path().c_str(), kNobody, kNobody), 0) << e.path();
    }
    for (const auto& e : std::filesystem::directory_iterator(dir(p))) {
      ASSERT_EQ(::chmod(e.path().c_str(), 0444), 0) << e.path();
    }
    ASSERT_EQ(::chmod(dir(p).c_str(), 0555), 0);
  }
};

TEST_P(LeastPrivilegeTest, LifecycleCompressesWritablePartitionsAndReportsReadOnlyOnes) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run a child as nobody";
  make_table(3, 400);
  if (GetParam()) test::write_file(dir(1) + "/.lifecycle.lock", {});
  std::uint64_t writable_segments = 0;
  for (const int p : {0, 2}) writable_segments += segments(p).size();
  ASSERT_GE(writable_segments, 6u);
  const std::size_t read_only_segments = segments(1).size();
  give_to_nobody_except_writes_to(1);
  const std::uint64_t read_only_hash = test::tree_hash(dir(1));

  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const int status = test::run_as_nobody([&] {
    ::close(fds[0]);
    auto report = [&](const std::string& s) {
      (void)!::write(fds[1], s.data(), s.size());
    };
    LifecycleConfig config;
    config.policy = CompressionPolicy::immediate();
    config.clock = &clock_;
    auto m = StorageLifecycleManager::open(root(), config);
    if (!m) return report(m.error().to_string()), 3;
    auto stats = m->run_once();
    if (!stats) return report(stats.error().to_string()), 4;
    report(stats->to_json());
    // Readers: the whole table, read-only and compressed partitions alike.
    auto table = Table::open(root());
    if (!table) return 5;
    auto q = table->query(PartitionFilter::all(), {}, MergeStrategy::PartitionOrder);
    if (!q) return 6;
    TableRecord rec;
    int n = 0;
    while (q->next(rec) == Step::Record) ++n;
    return n == 3 * 400 && q->status() ? 0 : 7;
  });
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  ASSERT_EQ(status, 0) << "run as nobody: " << out;

  ASSERT_OK_AND_ASSIGN(LifecycleStats stats, LifecycleStats::from_json(out));
  EXPECT_EQ(stats.compressed, writable_segments) << stats.to_string();
  for (const int p : {0, 2}) {
    for (const SegmentEntry& e : segments(p)) {
      EXPECT_TRUE(e.cold && !e.hot) << "segment " << e.id << " of S" << p << " not compressed";
    }
  }
  // The read-only partition: reported with its path, and untouched.
  ASSERT_FALSE(stats.errors.empty()) << stats.to_string();
  for (const LifecycleError& e : stats.errors) {
    EXPECT_NE(e.path.find("symbol=S1"), std::string::npos)
        << "an error about a writable partition: " << e.path << ": " << e.message;
  }
  EXPECT_EQ(test::tree_hash(dir(1)), read_only_hash);
  EXPECT_EQ(segments(1).size(), read_only_segments);
  std::printf("[   info   ] %llu segments compressed; read-only partition reported as: %s: %s\n",
              static_cast<unsigned long long>(stats.compressed), stats.errors[0].path.c_str(),
              stats.errors[0].message.c_str());
}

INSTANTIATE_TEST_SUITE_P(LockFile, LeastPrivilegeTest, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "Present" : "Absent"; });

}  // namespace
}  // namespace chronicle
