// `chronicle bench`: a small run reports every figure with its baseline and
// cleans up its scratch directory; bad arguments are usage errors.

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

namespace fs = std::filesystem;

class CliBenchTest : public CliTest {};

TEST_F(CliBenchTest, JsonHasEveryFigureWithItsBaselineAndLeavesNothingBehind) {
  const std::string scratch = tmp_.sub("scratch");
  fs::create_directories(scratch);
  const CliResult r = run_cli({"bench", "--json", "--records", "20000", "--level", "1", "--dir", scratch});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["records"], 20000);
  EXPECT_EQ(j["level"], 1);
  std::vector<std::string> baselines;
  for (const auto& row : j["rows"]) {
    EXPECT_GT(row["chronicle_records_per_s"].get<double>(), 0) << row.dump();
    EXPECT_GT(row["baseline_records_per_s"].get<double>(), 0) << row.dump();
    EXPECT_GT(row["ratio"].get<double>(), 0) << row.dump();
    baselines.push_back(row["baseline"]);
  }
  EXPECT_EQ(baselines, (std::vector<std::string>{"memcpy", "memcpy", "ZSTD_compress, one stream",
                                                 "ZSTD_decompress, one stream"}));
  EXPECT_TRUE(fs::is_empty(scratch)) << "the scratch log was left behind";
}

TEST_F(CliBenchTest, TextShowsTheTable) {
  const CliResult r = run_cli({"bench", "--records", "5000", "--dir", tmp_.path()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* expected : {"append", "hot read", "compress (level 3", "cold read", "ratio"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  }
}

TEST_F(CliBenchTest, BadArgumentsAreUsageErrors) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"bench", "--records", "0"}, {"bench", "--level", "0"},
        {"bench", "--level", "23"}, {"bench", "--records", "many"}}) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args[1] << " " << args[2] << ": " << r.err;
    EXPECT_NE(r.err.find(args[1]), std::string::npos) << r.err;
  }
}

TEST_F(CliBenchTest, MissingScratchParentIsADataError) {
  const CliResult r = run_cli({"bench", "--records", "10", "--dir", tmp_.sub("absent")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("absent"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace chronicle::test
