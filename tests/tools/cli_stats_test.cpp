// `chronicle stats`: a table's scheme, its config from _table.json and the
// totals over every partition, as text and as JSON.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chronicle/compression/segment_compression.hpp>

#include "format/time_format.hpp"
#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

class CliStatsTest : public CliTableTest {};

TEST_F(CliStatsTest, TextShowsSchemeConfigAndTotals) {
  TableConfig config;
  config.index_stride = 16;
  config.compression_policy = CompressionPolicy::idle_after(7, true);
  make_table(config);
  const CliResult r = run_cli({"stats", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  for (const std::string& expected : std::vector<std::string>{
           "table: " + table_root(), "scheme:", "  symbol                     string",
           "  date                       date utc_offset +00:00",
           "  shard                      int", "config:", "  segment_size               4096",
           "  index_stride               16",
           "  compression_policy         idle_after(7 days, track_reads)",
           "  timestamp_order            strict", "  file_mode                  0644",
           "totals:", "  partitions                 5",
           "  segments                   10 (10 hot, 0 cold)", "  records                    225",
           "  compression_ratio          - (no cold segment)"}) {
    const auto lines = lines_of(r.out);
    EXPECT_NE(std::find(lines.begin(), lines.end(), expected), lines.end())
        << "missing line '" << expected << "' in:\n"
        << r.out;
  }
}

TEST_F(CliStatsTest, JsonAgreesWithTheTableAndItsPartitions) {
  make_table();
  ASSERT_TRUE(compress_segment(partition_dir(0), 0).has_value());
  ASSERT_TRUE(compress_segment(partition_dir(4), 1).has_value());
  const CliResult r = run_cli({"stats", "--json", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines_of(r.out).size(), 1u);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["table"], table_root());
  EXPECT_EQ(j["created_ns"], table_->created_ns());
  EXPECT_EQ(j["created"], cli::format_iso8601_ns(table_->created_ns()));
  EXPECT_EQ(j["scheme"]["keys"], nlohmann::json::parse(R"([{"name":"symbol","type":"string"},
                                      {"name":"date","type":"date","utc_offset":"+00:00"},
                                      {"name":"shard","type":"int"}])"));
  const auto& c = j["config"];
  EXPECT_EQ(c["segment_size"], 4096);
  EXPECT_EQ(c["index_stride"], table_->config().index_stride);
  EXPECT_EQ(c["compression_policy"], nlohmann::json({{"kind", "never"}}));
  EXPECT_EQ(c["compression_level"], table_->config().compression_level);
  EXPECT_EQ(c["compression_block_size"], table_->config().compression_block_size);
  EXPECT_EQ(c["track_access"], false);
  EXPECT_EQ(c["dir_mode"], "0755");

  const auto partitions = table_->partitions().value();
  std::uint64_t bytes = 0, records = 0, cold_used = 0, cold_bytes = 0;
  for (const PartitionInfo& p : partitions) {
    bytes += p.bytes_on_disk;
    records += p.record_count;
    const auto segments = table_->segments(p.values).value();
    for (const SegmentInfo& s : segments) {
      if (s.tier != SegmentTier::Cold) continue;
      cold_used += s.used_bytes;
      cold_bytes += s.size_on_disk;
    }
  }
  const auto& t = j["totals"];
  EXPECT_EQ(t["partitions"], 5);
  EXPECT_EQ(t["segment_count"], 10);
  EXPECT_EQ(t["hot_segments"], 8);
  EXPECT_EQ(t["cold_segments"], 2);
  EXPECT_EQ(t["bytes_on_disk"], bytes);
  EXPECT_EQ(t["record_count"], records);
  EXPECT_EQ(t["cold_used_bytes"], cold_used);
  EXPECT_EQ(t["cold_bytes"], cold_bytes);
  EXPECT_DOUBLE_EQ(t["compression_ratio"].get<double>(),
                   static_cast<double>(cold_used) / static_cast<double>(cold_bytes));
  EXPECT_EQ(t["min_timestamp_ns"], kBaseTs);
  EXPECT_EQ(t["max_time"], cli::format_iso8601_ns(table_ts(specs()[4], 4, 44)));
}

TEST_F(CliStatsTest, ShowsTheUtcOffsetOfDateKeys) {
  auto scheme =
      PartitionScheme::create({{"venue", KeyType::String, 0}, {"hour", KeyType::Hour, 330}});
  ASSERT_TRUE(scheme.has_value());
  ASSERT_TRUE(Table::create(table_root(), *scheme).has_value());
  const CliResult r = run_cli({"stats", "--json", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["scheme"]["keys"][1]["utc_offset"], "+05:30");
  EXPECT_EQ(j["totals"]["partitions"], 0);
  EXPECT_TRUE(j["totals"]["min_time"].is_null());
  const CliResult text = run_cli({"stats", table_root()});
  EXPECT_NE(text.out.find("hour utc_offset +05:30"), std::string::npos) << text.out;
}

TEST_F(CliStatsTest, DamagedMetadataIsADataErrorNamingTheFile) {
  make_table();
  {
    std::FILE* f = std::fopen((table_root() + "/_table.json").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("{\"format\": \"chronicle-table\"", f);
    std::fclose(f);
  }
  const CliResult r = run_cli({"stats", table_root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find(table_root() + "/_table.json"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace chronicle::test
