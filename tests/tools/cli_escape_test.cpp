// Names that come from the filesystem are printed escaped: a log directory
// whose name holds terminal escape sequences or a newline cannot drive the
// terminal or forge an output line.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chronicle/core/segment_header.hpp>
#include <chronicle/table/table.hpp>

#include "support/files.hpp"
#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

class CliEscapeTest : public CliTest {
 protected:
  std::string hostile_dir() const { return tmp_.sub("log\x1b[2J\a\nforged"); }
  std::string escaped_dir() const { return tmp_.path() + "/log\\x1b[2J\\x07\\x0aforged"; }
};

void expect_printable(const std::string& text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(c == '\n' || (u >= 0x20 && u < 0x7f))
        << "raw byte " << static_cast<int>(u) << " in: " << text;
  }
}

TEST_F(CliEscapeTest, ControlCharactersInTheLogPathAreEscapedInOutput) {
  write_log(40, hostile_dir());
  for (const char* command : {"info", "verify"}) {
    const CliResult r = run_cli({command, hostile_dir()});
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
    expect_printable(r.out);
    EXPECT_NE(r.out.find(escaped_dir()), std::string::npos) << r.out;
  }
  const CliResult j = run_cli({"info", "--json", hostile_dir()});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  expect_printable(j.out);
  EXPECT_EQ(nlohmann::json::parse(j.out)["dir"], escaped_dir());
}

TEST_F(CliEscapeTest, ControlCharactersInTheLogPathAreEscapedInErrors) {
  for (const char* command : {"info", "cat", "verify"}) {
    const CliResult r = run_cli({command, hostile_dir()});
    EXPECT_EQ(r.exit_code, 1) << command;
    expect_printable(r.err);
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(escaped_dir()), std::string::npos) << r.err;
  }
}

TEST_F(CliEscapeTest, DamageInAHostilelyNamedLogIsReportedEscaped) {
  write_log(40, hostile_dir());
  flip_bit(segment_path(hostile_dir(), 1), kSegmentHeaderSize + 40, 0);
  const CliResult r = run_cli({"verify", hostile_dir()});
  EXPECT_EQ(r.exit_code, 1);
  expect_printable(r.err);
  expect_printable(r.out);
  EXPECT_NE(r.err.find(escaped_dir() + "/000000001.q"), std::string::npos) << r.err;
}

TEST_F(CliEscapeTest, HostileTableRootsAndPartitionValuesAreEscaped) {
  auto scheme = PartitionScheme::create({{"symbol", KeyType::String, 0}});
  ASSERT_TRUE(scheme.has_value());
  auto table = Table::create(hostile_dir(), *scheme, {});
  ASSERT_TRUE(table.has_value()) << table.error().to_string();
  const std::string value = "a\x1b[2J\nb\\";
  auto w = table->partition_writer(PartitionValues::create(*scheme, {{"symbol", value}}).value());
  ASSERT_TRUE(w.has_value()) << w.error().to_string();
  ASSERT_TRUE(w->append(1, kBaseTs, bytes_of("\x1b]0;owned\x07")).has_value());
  ASSERT_TRUE(w->finish().has_value());

  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"ls", "--segments"},
                                             {"ls", "--json"},
                                             {"stats"},
                                             {"stats", "--json"},
                                             {"cat"},
                                             {"cat", "--format", "json"},
                                             {"cat", "--format", "csv"},
                                             {"cat", "--format", "hex"},
                                             {"compress", "--dry-run", "--policy", "immediate"},
                                             {"compress", "--json", "--policy", "immediate"}}) {
    std::vector<std::string> a = args;
    a.push_back(hostile_dir());
    const CliResult r = run_cli(a);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    expect_printable(r.out);
    expect_printable(r.err);
    if (args.back() == "--json" || (args.size() > 2 && args[2] == "json")) {
      for (const std::string& line : lines_of(r.out)) {
        EXPECT_TRUE(nlohmann::json::accept(line)) << line;
      }
    }
  }
  const CliResult ls = run_cli({"ls", "--json", hostile_dir()});
  const auto j = nlohmann::json::parse(ls.out);
  EXPECT_EQ(j["table"], escaped_dir());
  EXPECT_EQ(j["partitions"][0]["path"], "symbol=a%1B%5B2J%0Ab%5C");
  EXPECT_EQ(j["partitions"][0]["values"]["symbol"], "a\\x1b[2J\\x0ab\\x5c");
  // The escaped path is what --partition takes back.
  const CliResult back = run_cli(
      {"decompress", "--partition", "symbol=a%1B%5B2J%0Ab%5C", "--segment", "0", hostile_dir()});
  EXPECT_EQ(back.exit_code, 0) << back.err;
  expect_printable(back.out);

  const CliResult missing = run_cli({"ls", hostile_dir() + "/\x1bnope"});
  EXPECT_EQ(missing.exit_code, 1);
  expect_printable(missing.err);
  EXPECT_EQ(lines_of(missing.err).size(), 1u);
}

}  // namespace
}  // namespace chronicle::test
