// `chronicle compress`, `chronicle decompress` and `chronicle lifecycle run`
// on a table: what they change on disk, what they report, and that the
// records read the same before and after.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chronicle/core/record_format.hpp>
#include <chronicle/lifecycle/lifecycle_stats.hpp>

#include "support/files.hpp"
#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

class CliCompressTest : public CliTableTest {
 protected:
  CliResult cat_all() { return run_cli({"cat", "--format", "json", table_root()}); }

  static LifecycleStats stats_of(const CliResult& r) {
    auto stats = LifecycleStats::from_json(r.out);
    if (!stats) throw std::runtime_error(stats.error().to_string() + " in: " + r.out);
    return *stats;
  }

  // The table with partition p's records `age_days[p]` days old.
  void make_aged_table(std::vector<double> age_days) {
    make_table({}, [age_days](std::size_t p) { return days_ago(age_days.at(p)); });
  }
};

TEST_F(CliCompressTest, PolicyImmediateMakesEverySealedSegmentColdAndCatReadsTheSame) {
  make_table();
  const CliResult before = cat_all();
  ASSERT_EQ(before.exit_code, 0) << before.err;

  const CliResult r = run_cli({"compress", "--policy", "immediate", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;  // no progress bar on a pipe
  EXPECT_NE(r.out.find("scanned 5 partitions, 10 segments; eligible 10"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("compressed 10,"), std::string::npos) << r.out;
  EXPECT_EQ(count_files(".q"), 0u);
  EXPECT_EQ(count_files(".q.zst"), 10u);

  const CliResult ls = run_cli({"ls", "--json", table_root()});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  const auto j = nlohmann::json::parse(ls.out);
  EXPECT_EQ(j["total"]["cold_segments"], 10);
  EXPECT_EQ(j["total"]["hot_segments"], 0);
  EXPECT_GT(j["total"]["compression_ratio"].get<double>(), 1.0);

  const CliResult after = cat_all();
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, before.out);

  // Nothing is left to do the second time.
  const CliResult again = run_cli({"compress", "--json", "--policy", "immediate", table_root()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(stats_of(again).compressed, 0u);
  EXPECT_EQ(stats_of(again).skipped.at("cold"), 10u);
}

TEST_F(CliCompressTest, TheTablesPolicyAppliesUnlessOverridden) {
  TableConfig config;
  config.compression_policy = CompressionPolicy::size_threshold(1u << 20);
  make_table(config);
  CliResult r = run_cli({"compress", "--json", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(stats_of(r).compressed, 0u);
  EXPECT_EQ(stats_of(r).skipped.at("not_eligible"), 10u);

  r = run_cli({"compress", "--json", "--policy", "size:4096", "--level", "-3", "--block-size",
               "8192", "--workers", "3", "--rate", "100000000", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(stats_of(r).compressed, 10u);
  EXPECT_EQ(count_files(".q.zst"), 10u);
}

TEST_F(CliCompressTest, DryRunChangesNothing) {
  make_table();
  const auto before = tree();
  CliResult r = run_cli({"compress", "--dry-run", "--policy", "immediate", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("[dry run] scanned 5 partitions, 10 segments; eligible 10", 0), 0u)
      << r.out;
  EXPECT_NE(r.out.find("compressed 0,"), std::string::npos) << r.out;
  EXPECT_EQ(tree(), before);
}

TEST_F(CliCompressTest, DryRunOfRetentionDeletesNothing) {
  make_aged_table({10, 10, 10, 10, 10});
  const auto before = tree();
  const CliResult r =
      run_cli({"lifecycle", "run", "--dry-run", "--json", "--policy", "immediate", "--max-age-days",
               "5", "--delete-partitions-after-days", "8", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const LifecycleStats stats = stats_of(r);
  EXPECT_TRUE(stats.dry_run);
  EXPECT_EQ(stats.retention_eligible, 10u);
  EXPECT_EQ(stats.deleted_partitions + stats.deleted_segments + stats.compressed, 0u);
  EXPECT_EQ(tree(), before);
}

TEST_F(CliCompressTest, PartitionCompressesThatPartitionWhateverThePolicy) {
  make_table();
  const CliResult r =
      run_cli({"compress", "--json", "--partition", path_of(specs()[3]) + "/", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(stats_of(r).compressed, 2u);
  const auto listed = list_segments(partition_dir(3)).value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_FALSE(listed[0].hot);
  EXPECT_FALSE(listed[1].hot);
  EXPECT_EQ(count_files(".q.zst"), 2u);
}

TEST_F(CliCompressTest, DecompressRestoresTheSegment) {
  make_table();
  const CliResult before = cat_all();
  ASSERT_EQ(run_cli({"compress", "--policy", "immediate", table_root()}).exit_code, 0);
  const CliResult r = run_cli(
      {"decompress", "--json", "--partition", path_of(specs()[1]), "--segment", "1", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(stats_of(r).decompressed, 1u);
  const auto listed = list_segments(partition_dir(1)).value();
  EXPECT_FALSE(listed[0].hot);
  EXPECT_TRUE(listed[1].hot);
  EXPECT_FALSE(listed[1].cold);

  const CliResult ls = run_cli({"ls", "--segments", "--json", "--where", "date=2026-01-30",
                                "--where", "symbol=AAPL", table_root()});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  const auto j = nlohmann::json::parse(ls.out);
  EXPECT_EQ(j["partitions"][0]["segments"][1]["tier"], "hot");
  EXPECT_EQ(j["partitions"][0]["segments"][1]["used_bytes"], kSegmentHeaderSize + 15 * 128);
  EXPECT_EQ(cat_all().out, before.out);
}

TEST_F(CliCompressTest, DecompressOfASegmentThatIsNotColdIsADataError) {
  make_table();
  for (const bool dry_run : {false, true}) {
    std::vector<std::string> args{"decompress", "--partition", path_of(specs()[0]),
                                  "--segment",  "1",           table_root()};
    if (dry_run) args.insert(args.begin() + 1, "--dry-run");
    CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(
        r.err.find("000000001.q.zst: no cold segment 1 in this partition (it is hot already)"),
        std::string::npos)
        << r.err;
  }
  const CliResult r = run_cli({"decompress", "--partition", "symbol=NVDA/date=2026-01-29/shard=1",
                               "--segment", "0", table_root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not a partition of this table"), std::string::npos) << r.err;
}

TEST_F(CliCompressTest, LifecycleRunDeletesSegmentsOlderThanMaxAgeButNeverTheNewest) {
  make_aged_table({10, 0.1, 3, 0.1, 0.1});
  const CliResult r = run_cli({"lifecycle", "run", "--json", "--max-age-days", "5", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const LifecycleStats stats = stats_of(r);
  EXPECT_EQ(stats.deleted_segments, 1u);
  EXPECT_EQ(stats.compressed, 0u);  // the table's policy is never
  EXPECT_FALSE(exists(partition_dir(0) + "/000000000.q"));
  EXPECT_TRUE(exists(partition_dir(0) + "/000000001.q"));
  EXPECT_TRUE(exists(partition_dir(2) + "/000000000.q"));
  // What is left reads from seq 30.
  const CliResult cat = run_cli(
      {"cat", "--json", "--where", "symbol=AAPL", "--where", "date=2026-01-29", table_root()});
  ASSERT_EQ(cat.exit_code, 0) << cat.err;
  const auto lines = lines_of(cat.out);
  ASSERT_EQ(lines.size(), 15u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["seq"], 30);
}

TEST_F(CliCompressTest, LifecycleRunDeletesOldPartitionsAndCompressesByPolicy) {
  make_aged_table({0.1, 0.1, 0.1, 40, 40});
  const CliResult r = run_cli({"lifecycle", "run", "--policy", "immediate",
                               "--delete-partitions-after-days", "30", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("deleted 0 segments and 2 partitions"), std::string::npos) << r.out;
  EXPECT_FALSE(exists(partition_dir(3)));
  EXPECT_FALSE(exists(partition_dir(4)));
  const CliResult ls = run_cli({"ls", "--json", table_root()});
  const auto j = nlohmann::json::parse(ls.out);
  EXPECT_EQ(j["total"]["partitions"], 3);
  EXPECT_EQ(j["total"]["cold_segments"], 6);
}

TEST_F(CliCompressTest, LifecycleRunKeepsPartitionsWithinMaxPartitionBytes) {
  make_table();
  // Two 4 KiB segments a partition: a budget of 4096 keeps the newest only.
  const CliResult r =
      run_cli({"lifecycle", "run", "--json", "--max-partition-bytes", "4096", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(stats_of(r).deleted_segments, 5u);
  EXPECT_EQ(count_files(".q"), 5u);
}

TEST_F(CliCompressTest, DamagedSegmentIsReportedAndTheRestIsCompressed) {
  make_table();
  const std::string damaged = partition_dir(2) + "/000000000.q";
  flip_bit(damaged, kSegmentHeaderSize + 5 * 128 + 40, 3);
  CliResult r = run_cli({"compress", "--policy", "immediate", table_root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("compressed 9,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 errors"), std::string::npos) << r.out;
  ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("chronicle: error: " + damaged + ": ", 0), 0u) << r.err;
  EXPECT_TRUE(exists(damaged));

  r = run_cli({"compress", "--json", "--policy", "immediate", table_root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.empty()) << r.err;
  const LifecycleStats stats = stats_of(r);
  ASSERT_EQ(stats.errors.size(), 1u);
  EXPECT_EQ(stats.errors[0].path, damaged);
}

TEST_F(CliCompressTest, ProgressIsDrawnOnlyWhenStderrIsATerminal) {
  make_table();
  const CliResult r =
      run_cli_with_terminal_stderr({"compress", "--policy", "immediate", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("compressing ["), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("] 10/10 segments"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/s"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("compressed 10,"), std::string::npos) << r.out;

  // A dry run compresses nothing: no bar.
  const CliResult dry = run_cli_with_terminal_stderr(
      {"compress", "--dry-run", "--policy", "immediate", table_root()});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.err.find("compressing"), std::string::npos) << dry.err;
}

TEST_F(CliCompressTest, OptionsOutOfRangeAreUsageErrors) {
  make_table();
  const auto before = tree();
  const std::vector<std::vector<std::string>> bad = {
      {"compress", "--policy", "weekly"},
      {"compress", "--policy", "age:"},
      {"compress", "--policy", "age:0"},
      {"compress", "--policy", "age:-1"},
      {"compress", "--policy", "age:7days"},
      {"compress", "--policy", "idle:7:writes"},
      {"compress", "--policy", "size:0"},
      {"compress", "--policy", "Immediate"},
      {"compress", "--level", "fast"},
      {"compress", "--level", "99"},
      {"compress", "--block-size", "100"},
      {"compress", "--workers", "0"},
      {"compress", "--workers", "65"},
      {"compress", "--rate", "-1"},
      {"compress", "--partition", "symbol=AAPL", "--policy", "immediate"},
      {"compress", "--partition", "symbol=AAPL"},
      {"compress", "--partition", "date=2026-01-29/symbol=AAPL/shard=1"},
      {"compress", "--max-age-days", "5"},
      {"lifecycle", "run", "--max-age-days", "0"},
      {"lifecycle", "run", "--delete-partitions-after-days", "36501"},
      {"lifecycle", "run", "--max-partition-bytes", "0"},
      {"lifecycle", "run", "--partition", "symbol=AAPL/date=2026-01-29/shard=1"},
      {"decompress", "--partition", "x=1/y=2/z=3", "--segment", "0"},
      {"decompress", "--partition", path_of(specs()[0])},
      {"decompress", "--segment", "0"},
      {"decompress", "--partition", path_of(specs()[0]), "--segment", "zero"},
  };
  for (std::vector<std::string> args : bad) {
    args.push_back(table_root());
    const CliResult r = run_cli(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << joined << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("chronicle: error: ", 0), 0u) << r.err;
    EXPECT_TRUE(r.out.empty()) << joined << "\n" << r.out;
  }
  EXPECT_EQ(tree(), before);
}

TEST_F(CliCompressTest, MissingTableIsADataError) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"compress"}, {"lifecycle", "run"}, {"stats"}}) {
    std::vector<std::string> a = args;
    a.push_back(tmp_.sub("no-such-table"));
    const CliResult r = run_cli(a);
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(tmp_.sub("no-such-table")), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace chronicle::test
