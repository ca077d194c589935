// `chronicle ls`: one line per partition of a table (segments hot and cold,
// bytes, records, compression ratio, time range), every segment with
// --segments, typed --where filters, and JSON that agrees with the library.

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chronicle/compression/segment_compression.hpp>

#include "format/time_format.hpp"
#include "support/files.hpp"
#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

class CliLsTest : public CliTableTest {
 protected:
  void SetUp() override { make_table(); }
};

std::vector<std::string> tokens(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

// The line of the partition at `path`, split at blanks.
std::vector<std::string> row_of(const std::string& out, const std::string& path) {
  for (const std::string& line : lines_of(out)) {
    if (line.rfind(path + " ", 0) == 0) return tokens(line);
  }
  return {};
}

std::vector<std::string> paths_in(const nlohmann::json& j) {
  std::vector<std::string> out;
  for (const auto& p : j["partitions"]) out.push_back(p["path"]);
  return out;
}

TEST_F(CliLsTest, ListsEveryPartitionWithCountsRecordsAndTimeRange) {
  const CliResult r = run_cli({"ls", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_EQ(lines_of(r.out)[0], "table: " + table_root());
  const auto all = specs();
  for (std::size_t p = 0; p < all.size(); ++p) {
    const auto row = row_of(r.out, path_of(all[p]));
    ASSERT_EQ(row.size(), 8u) << r.out;
    EXPECT_EQ(row[1], "2");  // segments
    EXPECT_EQ(row[2], "2");  // hot
    EXPECT_EQ(row[3], "0");  // cold
    EXPECT_EQ(row[5], "45");
    EXPECT_EQ(row[6], "-");  // no cold segment, no ratio
    EXPECT_EQ(row[7], cli::format_iso8601_ns(table_ts(all[p], p, 0)) + ".." +
                          cli::format_iso8601_ns(table_ts(all[p], p, 44)));
  }
  const std::string total = lines_of(r.out).back();
  EXPECT_EQ(total.rfind("total: 5 partitions, 10 segments (10 hot, 0 cold), ", 0), 0u) << total;
  EXPECT_NE(total.find(" 225 records, time 2026-01-29T00:00:00.000000000Z..2026-01-30T"),
            std::string::npos)
      << total;
}

TEST_F(CliLsTest, JsonAgreesWithTablePartitions) {
  const CliResult r = run_cli({"ls", "--json", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines_of(r.out).size(), 1u);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["table"], table_root());
  const auto expected = table_->partitions().value();
  ASSERT_EQ(j["partitions"].size(), expected.size());
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& p = j["partitions"][i];
    const PartitionInfo& e = expected[i];
    EXPECT_EQ(p["path"], e.path);
    EXPECT_EQ(p["segment_count"], e.segment_count);
    EXPECT_EQ(p["hot_segments"], e.hot_segments);
    EXPECT_EQ(p["cold_segments"], e.cold_segments);
    EXPECT_EQ(p["bytes_on_disk"], e.bytes_on_disk);
    EXPECT_EQ(p["record_count"], e.record_count);
    EXPECT_EQ(p["min_timestamp_ns"], e.min_timestamp_ns);
    EXPECT_EQ(p["max_timestamp_ns"], e.max_timestamp_ns);
    EXPECT_TRUE(p["compression_ratio"].is_null());
    EXPECT_FALSE(p.contains("segments"));
    bytes += e.bytes_on_disk;
  }
  // Values are typed: the int key is a number, the date its text form.
  EXPECT_EQ(j["partitions"][3]["values"],
            nlohmann::json({{"symbol", "MSFT"}, {"date", "2026-01-29"}, {"shard", 2}}));
  EXPECT_EQ(j["total"]["partitions"], 5);
  EXPECT_EQ(j["total"]["segment_count"], 10);
  EXPECT_EQ(j["total"]["record_count"], 225);
  EXPECT_EQ(j["total"]["bytes_on_disk"], bytes);
  EXPECT_TRUE(j["skipped"].empty());
}

TEST_F(CliLsTest, SegmentsListsEverySegmentUnderItsPartition) {
  CliResult r = run_cli({"ls", "--segments", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  // Each partition line is followed by its two segments.
  const auto at = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.rfind(path_of(specs()[2]) + " ", 0) == 0;
  });
  ASSERT_NE(at, lines.end()) << r.out;
  ASSERT_GE(lines.end() - at, 3);
  EXPECT_EQ(tokens(at[1]),
            (std::vector<std::string>{"000000000", "hot", "4096", std::to_string(128 + 30 * 128),
                                      "30", "sealed",
                                      cli::format_iso8601_ns(table_ts(specs()[2], 2, 0)) + ".." +
                                          cli::format_iso8601_ns(table_ts(specs()[2], 2, 29))}))
      << at[1];
  EXPECT_EQ(tokens(at[2])[0], "000000001");
  EXPECT_EQ(tokens(at[2])[4], "15");

  r = run_cli({"ls", "--segments", "--json", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto expected = table_->segments(values_of(specs()[2])).value();
  const auto& segments = j["partitions"][2]["segments"];
  ASSERT_EQ(segments.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(segments[i]["id"], expected[i].segment_id);
    EXPECT_EQ(segments[i]["tier"], "hot");
    EXPECT_EQ(segments[i]["state"], "sealed");
    EXPECT_EQ(segments[i]["size_on_disk"], expected[i].size_on_disk);
    EXPECT_EQ(segments[i]["used_bytes"], expected[i].used_bytes);
    EXPECT_EQ(segments[i]["record_count"], expected[i].record_count);
    EXPECT_EQ(segments[i]["min_timestamp_ns"], expected[i].min_timestamp_ns);
  }
}

TEST_F(CliLsTest, WhereSelectsPartitionsByTypedExactValues) {
  const auto paths = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"ls", "--json"});
    args.push_back(table_root());
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return paths_in(nlohmann::json::parse(r.out));
  };
  const auto all = specs();
  EXPECT_EQ(paths({"--where", "symbol=MSFT"}),
            (std::vector<std::string>{path_of(all[2]), path_of(all[3]), path_of(all[4])}));
  EXPECT_EQ(paths({"--where", "symbol=MSFT", "--where", "shard=2"}),
            (std::vector<std::string>{path_of(all[3])}));
  EXPECT_EQ(paths({"--where", "date=2026-01-30"}),
            (std::vector<std::string>{path_of(all[1]), path_of(all[4])}));
  // The same key twice: either value.
  EXPECT_EQ(paths({"--where", "symbol=AAPL", "--where", "symbol=MSFT", "--where", "shard=1"}),
            (std::vector<std::string>{path_of(all[0]), path_of(all[1]), path_of(all[2]),
                                      path_of(all[4])}));
  EXPECT_TRUE(paths({"--where", "symbol=NVDA"}).empty());

  const CliResult text = run_cli({"ls", "--where", "shard=2", table_root()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(lines_of(text.out).back().rfind("total: 1 partitions, 2 segments", 0), 0u) << text.out;
}

TEST_F(CliLsTest, ColdSegmentsShowTheirCompressionRatio) {
  ASSERT_TRUE(compress_segment(partition_dir(1), 0).has_value());
  const auto segments = table_->segments(values_of(specs()[1])).value();
  ASSERT_EQ(segments[0].tier, SegmentTier::Cold);
  const double ratio =
      static_cast<double>(segments[0].used_bytes) / static_cast<double>(segments[0].size_on_disk);

  CliResult r = run_cli({"ls", "--json", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const auto& p = j["partitions"][1];
  EXPECT_EQ(p["hot_segments"], 1);
  EXPECT_EQ(p["cold_segments"], 1);
  EXPECT_DOUBLE_EQ(p["compression_ratio"].get<double>(), ratio);
  EXPECT_EQ(p["cold_used_bytes"], segments[0].used_bytes);
  EXPECT_EQ(p["cold_bytes"], segments[0].size_on_disk);
  EXPECT_TRUE(j["partitions"][0]["compression_ratio"].is_null());
  EXPECT_DOUBLE_EQ(j["total"]["compression_ratio"].get<double>(), ratio);

  r = run_cli({"ls", "--segments", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto row = row_of(r.out, path_of(specs()[1]));
  ASSERT_EQ(row.size(), 8u) << r.out;
  EXPECT_EQ(row[2], "1");
  EXPECT_EQ(row[3], "1");
  EXPECT_EQ(row[6], fmt::format("{:.2f}x", ratio));
  EXPECT_NE(r.out.find("  000000000 cold "), std::string::npos) << r.out;
  EXPECT_NE(lines_of(r.out).back().find(fmt::format("(ratio {:.2f}x)", ratio)), std::string::npos)
      << r.out;
}

TEST_F(CliLsTest, UnreadablePartitionIsShownAndIsADataError) {
  // A segment header that is not one: the partition cannot be described.
  flip_bit(partition_dir(2) + "/000000000.q", 0, 0);
  const CliResult r = run_cli({"ls", table_root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(path_of(specs()[2]) + " "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unreadable"), std::string::npos) << r.out;
  // The other partitions are still listed.
  EXPECT_EQ(row_of(r.out, path_of(specs()[3])).size(), 8u) << r.out;
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("chronicle: error: " + partition_dir(2) + "/000000000.q", 0), 0u) << r.err;
}

TEST_F(CliLsTest, EntriesThatAreNotPartitionsAreNamed) {
  ASSERT_EQ(::mkdir((table_root() + "/not-a-key").c_str(), 0755), 0);
  const CliResult r = run_cli({"ls", "--json", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["skipped"].size(), 1u);
  EXPECT_NE(j["skipped"][0].get<std::string>().find("not-a-key"), std::string::npos);
  EXPECT_EQ(j["partitions"].size(), 5u);
}

class CliLsOnALogTest : public CliTest {};

TEST_F(CliLsOnALogTest, ALogDirectoryIsNotATable) {
  write_log(10);
  const CliResult r = run_cli({"ls", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not a chronicle table"), std::string::npos) << r.err;
  EXPECT_EQ(lines_of(r.err).size(), 1u);
}

}  // namespace
}  // namespace chronicle::test
