// `chronicle doctor` (RELIABILITY S5): reports every directory from / down to
// a log or table that another user could change (world-writable without the
// sticky bit, or owned by neither root nor the user), and in a table every
// entry listing skips; exit status 1 when anything is found.

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

class CliDoctorTest : public CliTableTest {
 protected:
  void SetUp() override { make_table(); }
  // The finding about `path`, if the output has one.
  static std::string finding(const std::string& out, const std::string& path) {
    for (const std::string& line : lines_of(out)) {
      if (line.rfind("unsafe directory: " + path + ": ", 0) == 0) return line;
    }
    return {};
  }
};

TEST_F(CliDoctorTest, ASafeTableHasNoFindings) {
  const CliResult r = run_cli({"doctor", table_root()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(lines_of(r.out).back(), "no problems found") << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(CliDoctorTest, AWorldWritableParentWithoutTheStickyBitIsReported) {
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 0777), 0);
  const CliResult r = run_cli({"doctor", table_root()});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(finding(r.out, tmp_.path()).find("world-writable without the sticky bit (mode 0777)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(lines_of(r.out).back(), "1 problems found");
  // With the sticky bit (as /tmp has), others cannot touch what is not theirs.
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 01777), 0);
  EXPECT_EQ(run_cli({"doctor", table_root()}).exit_code, 0);
}

TEST_F(CliDoctorTest, AWorldWritableRootIsReported) {
  ASSERT_EQ(::chmod(table_root().c_str(), 0757), 0);
  const CliResult r = run_cli({"doctor", table_root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(finding(r.out, table_root()), "") << r.out;
}

TEST_F(CliDoctorTest, ADirectoryOwnedByAnotherUserIsReported) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a directory to another uid";
  ASSERT_EQ(::chown(tmp_.path().c_str(), 4242, 4242), 0);
  const CliResult r = run_cli({"doctor", table_root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(finding(r.out, tmp_.path()).find("owned by uid 4242, neither root nor you"),
            std::string::npos)
      << r.out;
}

TEST_F(CliDoctorTest, EntriesThatAreNotPartitionsAreReported) {
  ASSERT_EQ(::symlink("/", (table_root() + "/symbol=ROOT").c_str()), 0);
  const CliResult r = run_cli({"doctor", table_root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("not a partition (skipped): symbol=ROOT: a symlink (never followed)"),
            std::string::npos)
      << r.out;
}

TEST_F(CliDoctorTest, ALogDirectoryIsCheckedToo) {
  write_log(5);
  EXPECT_EQ(run_cli({"doctor", log_dir()}).exit_code, 0);
  ASSERT_EQ(::chmod(log_dir().c_str(), 0777), 0);
  const CliResult r = run_cli({"doctor", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(finding(r.out, log_dir()), "") << r.out;
}

TEST_F(CliDoctorTest, AMissingDirectoryIsADataError) {
  const CliResult r = run_cli({"doctor", tmp_.sub("none")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("none"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace chronicle::test
