// The command line itself: help, version, usage errors (exit 2) and data
// errors (exit 1), each a single line on stderr.

#include <gtest/gtest.h>

#include <chronicle/version.hpp>

#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

void expect_one_error_line(const CliResult& r) {
  EXPECT_EQ(r.err.rfind("chronicle: error: ", 0), 0u) << r.err;
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.back(), '\n');
}

TEST(CliUsageTest, HelpShowsAnExampleForEveryCommand) {
  const CliResult r = run_cli({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* example : {"chronicle info /", "chronicle cat --limit", "chronicle verify /"}) {
    EXPECT_NE(r.out.find(example), std::string::npos) << example << "\n" << r.out;
  }
  for (const char* command : {"info", "cat", "verify"}) {
    const CliResult sub = run_cli({command, "--help"});
    EXPECT_EQ(sub.exit_code, 0) << command;
    EXPECT_NE(sub.out.find("Examples:"), std::string::npos) << sub.out;
    EXPECT_NE(sub.out.find(std::string("chronicle ") + command + " "), std::string::npos)
        << sub.out;
  }
}

TEST(CliUsageTest, VersionPrintsTheLibraryVersion) {
  const CliResult r = run_cli({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "chronicle " CHRONICLE_VERSION_STRING "\n");
}

TEST(CliUsageTest, NoCommandIsAUsageError) {
  const CliResult r = run_cli({});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
}

TEST(CliUsageTest, UnknownCommandIsAUsageError) {
  const CliResult r = run_cli({"frobnicate", "/tmp"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
}

TEST(CliUsageTest, UnknownFlagIsAUsageError) {
  const CliResult r = run_cli({"cat", "--bogus", "/tmp"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("--bogus"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(CliUsageTest, MissingLogDirIsAUsageError) {
  for (const char* command : {"info", "cat", "verify"}) {
    const CliResult r = run_cli({command});
    EXPECT_EQ(r.exit_code, 2) << command;
    expect_one_error_line(r);
    EXPECT_NE(r.err.find("log-dir"), std::string::npos) << r.err;
  }
}

TEST(CliUsageTest, LimitThatIsNotADecimalNumberIsAUsageError) {
  for (const char* bad : {"ten", "-1", "0x10", "", "18446744073709551616"}) {
    const CliResult r = run_cli({"cat", "--limit", bad, "/tmp"});
    EXPECT_EQ(r.exit_code, 2) << "'" << bad << "': " << r.err;
    expect_one_error_line(r);
  }
}

TEST(CliUsageTest, ControlCharactersInArgumentsAreEscapedInErrors) {
  const CliResult r = run_cli({"cat", "--limit", "\x1b[31m\a", "/tmp"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\\x1b[31m\\x07"), std::string::npos) << r.err;
}

class CliMissingLogTest : public CliTest {};

TEST_F(CliMissingLogTest, MissingDirectoryIsADataErrorNamingIt) {
  for (const char* command : {"info", "cat", "verify"}) {
    const CliResult r = run_cli({command, tmp_.sub("no-such-log")});
    EXPECT_EQ(r.exit_code, 1) << command;
    expect_one_error_line(r);
    EXPECT_NE(r.err.find(tmp_.sub("no-such-log")), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace chronicle::test
