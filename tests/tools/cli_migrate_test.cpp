// `chronicle migrate`: the chronicle-rs v1 vectors in tests/data converted by
// the real binary, read back with chronicle's readers; a refused target and
// a damaged source fail with exit status 1 and leave no half-made target.

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chronicle/segment/log_reader.hpp>
#include <chronicle/table/table.hpp>

#include "support/files.hpp"
#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

namespace fs = std::filesystem;

const std::string kVectors = CHRONICLE_TEST_DATA "/chronicle-rs-v1";

std::uint64_t count_log(const std::string& dir) {
  auto reader = LogReader::open(dir);
  EXPECT_TRUE(reader.has_value()) << reader.error().to_string();
  if (!reader) return 0;
  RecordView rec;
  std::uint64_t n = 0;
  while (reader->next(rec) == Step::Record) {
    EXPECT_EQ(rec.seq, n);
    ++n;
  }
  return n;
}

std::uint64_t count_lines(const std::string& path) {
  std::uint64_t n = 0;
  for (char c : read_file(path)) n += c == '\n';
  return n;
}

class CliMigrateTest : public CliTest {};

TEST_F(CliMigrateTest, MigratesAV1LogAndReportsEveryRecordVerified) {
  const std::string target = tmp_.sub("new-log");
  const CliResult r = run_cli({"migrate", "--segment-size", "1048576", kVectors + "/log_hot", target});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("migrated log -> complete"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("total: 2000 records"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("verified: yes"), std::string::npos) << r.out;
  EXPECT_EQ(count_log(target), 2000u);
  EXPECT_FALSE(fs::exists(target + "/MIGRATION-INCOMPLETE"));
}

TEST_F(CliMigrateTest, MigratesAV1TableWithJsonReport) {
  const std::string target = tmp_.sub("new-table");
  const CliResult r = run_cli({"migrate", "--json", "--segment-size", "1048576", kVectors + "/table", target});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "table");
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["target_state"], "complete");
  const std::uint64_t expected = count_lines(kVectors + "/table/expected.jsonl");
  EXPECT_EQ(j["records"], expected);
  ASSERT_FALSE(j["logs"].empty());
  for (const auto& log : j["logs"]) EXPECT_EQ(log["verified"], true) << log.dump();
  auto table = Table::open(target);
  ASSERT_TRUE(table.has_value()) << table.error().to_string();
  auto partitions = table->partitions();
  ASSERT_TRUE(partitions.has_value());
  std::uint64_t records = 0;
  for (const auto& p : *partitions) records += p.record_count;
  EXPECT_EQ(records, expected);
}

TEST_F(CliMigrateTest, ProgressIsDrawnOnlyWhenStderrIsATerminal) {
  const CliResult r = run_cli_with_terminal_stderr(
      {"migrate", "--segment-size", "1048576", kVectors + "/log_hot", tmp_.sub("shown")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("migrating ["), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("] 3/3 segments"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  // Not a terminal (the other tests): nothing on stderr.
  const CliResult quiet = run_cli({"migrate", "--segment-size", "1048576", kVectors + "/log_hot", tmp_.sub("quiet")});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_TRUE(quiet.err.empty()) << quiet.err;
}

TEST_F(CliMigrateTest, NonEmptyTargetIsRefusedAndLeftAlone) {
  const std::string target = tmp_.sub("occupied");
  fs::create_directories(target);
  const std::vector<char> mine = {'m', 'i', 'n', 'e'};
  write_file(target + "/keep.txt", mine);
  const CliResult r = run_cli({"migrate", kVectors + "/log_hot", target});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("chronicle: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("untouched"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(target + "/keep.txt"), mine);
  EXPECT_EQ(std::distance(fs::directory_iterator(target), fs::directory_iterator()), 1);
}

TEST_F(CliMigrateTest, DamagedSourceFailsAndRemovesTheTarget) {
  const std::string source = tmp_.sub("damaged");
  fs::copy(kVectors + "/log_hot", source, fs::copy_options::recursive);
  flip_bit(source + "/000000001.q", 200, 3);  // inside the first record's payload
  const std::string target = tmp_.sub("from-damaged");
  const CliResult r = run_cli({"migrate", "--json", source, target});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["target_state"], "removed");
  EXPECT_NE(j["error"].get<std::string>().find("000000001.q"), std::string::npos) << j.dump();
  EXPECT_FALSE(fs::exists(target));
}

TEST_F(CliMigrateTest, BadSegmentSizeIsAUsageError) {
  const CliResult r = run_cli({"migrate", "--segment-size", "lots", kVectors + "/log_hot", tmp_.sub("x")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--segment-size"), std::string::npos) << r.err;
}

// A segment size that parses but is out of range: refused by the library's
// check before the target exists, naming the option's field and value.
TEST_F(CliMigrateTest, OutOfRangeSegmentSizeIsRefusedWithoutCreatingTheTarget) {
  const std::string target = tmp_.sub("x");
  const CliResult r = run_cli({"migrate", "--segment-size", "100", kVectors + "/log_hot", target});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("segment_size 100"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(target));
}

}  // namespace
}  // namespace chronicle::test
