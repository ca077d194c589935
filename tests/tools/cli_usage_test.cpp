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
  for (const char* example :
       {"chronicle info /", "chronicle cat --limit", "chronicle verify /", "chronicle ls ",
        "chronicle stats /", "chronicle cat --where", "chronicle compress --policy",
        "chronicle decompress --partition", "chronicle lifecycle run --max-age-days",
        "chronicle migrate /", "chronicle bench --records"}) {
    EXPECT_NE(r.out.find(example), std::string::npos) << example << "\n" << r.out;
  }
  const std::vector<std::vector<std::string>> commands = {
      {"info"},  {"cat"},      {"verify"},     {"ls"},
      {"stats"}, {"compress"}, {"decompress"}, {"lifecycle", "run"}, {"migrate"}, {"bench"}};
  for (std::vector<std::string> command : commands) {
    std::string name = "chronicle";
    for (const std::string& word : command) name += " " + word;
    command.push_back("--help");
    const CliResult sub = run_cli(command);
    EXPECT_EQ(sub.exit_code, 0) << name;
    EXPECT_NE(sub.out.find("Examples:"), std::string::npos) << sub.out;
    EXPECT_NE(sub.out.find(name + " "), std::string::npos) << sub.out;
  }
  const CliResult lifecycle = run_cli({"lifecycle", "--help"});
  EXPECT_EQ(lifecycle.exit_code, 0);
  EXPECT_NE(lifecycle.out.find("chronicle lifecycle run "), std::string::npos) << lifecycle.out;
}

TEST(CliUsageTest, HelpNamesEveryOptionOfTheTableCommands) {
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> expected = {
      {{"ls"}, {"--segments", "--where", "--json"}},
      {{"stats"}, {"--json"}},
      {{"cat"},
       {"--where", "--from", "--to", "--type", "--limit", "--merge", "--format", "--follow",
        "--from-seq", "--preview-bytes", "--json"}},
      {{"compress"},
       {"--policy", "--level", "--block-size", "--workers", "--rate", "--dry-run", "--json",
        "--partition"}},
      {{"decompress"}, {"--partition", "--segment", "--dry-run", "--json"}},
      {{"lifecycle", "run"},
       {"--policy", "--level", "--block-size", "--workers", "--rate", "--dry-run", "--json",
        "--max-age-days", "--max-partition-bytes", "--delete-partitions-after-days"}},
  };
  for (auto [command, options] : expected) {
    command.push_back("--help");
    const CliResult r = run_cli(command);
    ASSERT_EQ(r.exit_code, 0);
    for (const std::string& option : options) {
      EXPECT_NE(r.out.find(option), std::string::npos) << command[0] << " " << option;
    }
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

TEST(CliUsageTest, MissingDirectoryArgumentIsAUsageError) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> commands = {
      {{"info"}, "log-dir"},
      {{"verify"}, "log-dir"},
      {{"cat"}, "dir"},
      {{"ls"}, "table-root"},
      {{"stats"}, "table-root"},
      {{"compress"}, "table-root"},
      {{"lifecycle", "run"}, "table-root"},
      {{"decompress", "--partition", "a=1", "--segment", "0"}, "table-root"}};
  for (const auto& [command, name] : commands) {
    const CliResult r = run_cli(command);
    EXPECT_EQ(r.exit_code, 2) << command[0];
    expect_one_error_line(r);
    EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
  }
}

TEST(CliUsageTest, LifecycleWithoutRunIsAUsageError) {
  const CliResult r = run_cli({"lifecycle", "/tmp"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
}

TEST(CliUsageTest, UnknownFlagsOfTheTableCommandsAreUsageErrors) {
  const std::vector<std::vector<std::string>> commands = {
      {"ls"},
      {"stats"},
      {"compress"},
      {"lifecycle", "run"},
      {"decompress", "--partition", "a=1", "--segment", "0"}};
  for (std::vector<std::string> args : commands) {
    args.push_back("--bogus");
    args.push_back("/tmp");
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    expect_one_error_line(r);
    EXPECT_NE(r.err.find("--bogus"), std::string::npos) << r.err;
  }
}

TEST(CliUsageTest, WhereWithoutAKeyIsAUsageError) {
  for (const char* bad : {"symbol", "=AAPL", ""}) {
    for (const char* command : {"ls", "cat"}) {
      const CliResult r = run_cli({command, "--where", bad, "/tmp"});
      EXPECT_EQ(r.exit_code, 2) << command << " '" << bad << "'";
      expect_one_error_line(r);
      EXPECT_NE(r.err.find("--where"), std::string::npos) << r.err;
    }
  }
}

TEST(CliUsageTest, BadCatOptionValuesAreUsageErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {"--from", "yesterday"},
      {"--from", "2026-01-29"},                // no time of day
      {"--from", "2026-01-29T14:00:00"},       // no offset
      {"--from", "2026-01-29T14:00:00+0100"},  // offset without colon
      {"--from", "2026-02-30T00:00:00Z"},      // no such day
      {"--from", "2026-01-29T24:00:00Z"},
      {"--from", "2026-01-29T23:59:60Z"},             // no leap seconds
      {"--from", "2026-01-29T14:00:00.1234567891Z"},  // finer than ns
      {"--from", "1969-12-31T23:59:59Z"},             // before the epoch
      {"--from", "2554-07-21T23:34:34Z"},             // after the last ns of a uint64
      {"--to", "18446744073709551616"},
      {"--to", "-5"},
      {"--from-seq", "first"},
      {"--from-seq", "-1"},
      {"--preview-bytes", "many"},
      {"--preview-bytes", "-4"},
      {"--type", "65536"},
      {"--type", "x"},
      {"--format", "xml"},
      {"--merge", "random"},
      {"--json", "--format", "csv"},
      {"--follow", "--to", "2026-01-29T00:00:00Z"},
      {"--from", "2026-01-29T00:00:01Z", "--to", "2026-01-29T00:00:00Z"},
  };
  for (std::vector<std::string> args : bad) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    args.insert(args.begin(), "cat");
    args.push_back("/tmp");
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << joined << r.err;
    expect_one_error_line(r);
    EXPECT_TRUE(r.out.empty()) << joined;
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
  for (const char* command : {"info", "cat", "verify", "ls", "stats", "compress"}) {
    const CliResult r = run_cli({command, tmp_.sub("no-such-log")});
    EXPECT_EQ(r.exit_code, 1) << command;
    expect_one_error_line(r);
    EXPECT_NE(r.err.find(tmp_.sub("no-such-log")), std::string::npos) << r.err;
  }
}

TEST_F(CliMissingLogTest, TableOnlyOptionsOnALogAreUsageErrors) {
  write_log(10);
  for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{
           {"--where", "symbol=AAPL"}, {"--merge", "partition"}}) {
    std::vector<std::string> args{"cat"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(log_dir());
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << extra[0];
    expect_one_error_line(r);
    EXPECT_NE(r.err.find(extra[0] + " applies to a table"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

}  // namespace
}  // namespace chronicle::test
