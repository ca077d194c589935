// Names that come from the filesystem are printed escaped: a log directory
// whose name holds terminal escape sequences or a newline cannot drive the
// terminal or forge an output line.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chronicle/core/segment_header.hpp>

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

}  // namespace
}  // namespace chronicle::test
