// `chronicle cat` on a table root: the records Table::query returns, in the
// same order, in every output format, with --where, --from/--to, --type,
// --merge and --follow.

#include <signal.h>

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/core/record_format.hpp>

#include "format/time_format.hpp"
#include "support/files.hpp"
#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

class CliTableCatTest : public CliTableTest {
 protected:
  void SetUp() override { make_table(); }

  // The JSON lines of `cat --format json <extra> <table>` as rows.
  std::vector<TableRow> cat_rows(std::vector<std::string> extra) {
    std::vector<std::string> args{"cat", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(table_root());
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    std::vector<TableRow> out;
    for (const std::string& line : lines_of(r.out)) {
      const auto j = nlohmann::json::parse(line);
      out.push_back({j["partition"], j["seq"], j["timestamp_ns"], j["type_id"], j["payload_hex"]});
    }
    return out;
  }
  PartitionFilter exact(const std::string& key, PartitionValue v) {
    return PartitionFilter::exact(key, std::move(v));
  }
};

TEST_F(CliTableCatTest, JsonLinesAreTheRecordsOfTheQueryInTimestampOrder) {
  const auto expected = query_rows(PartitionFilter::all());
  ASSERT_EQ(expected.size(), 225u);
  EXPECT_EQ(cat_rows({}), expected);
  EXPECT_EQ(cat_rows({"--merge", "timestamp"}), expected);
}

TEST_F(CliTableCatTest, MergePartitionReadsPartitionAfterPartition) {
  const auto expected = query_rows(PartitionFilter::all(), {}, MergeStrategy::PartitionOrder);
  const auto rows = cat_rows({"--merge", "partition"});
  EXPECT_EQ(rows, expected);
  ASSERT_EQ(rows.size(), 225u);
  EXPECT_EQ(rows[44].partition, path_of(specs()[0]));
  EXPECT_EQ(rows[45].partition, path_of(specs()[1]));
}

TEST_F(CliTableCatTest, TextLinesStartWithThePartition) {
  const CliResult r = run_cli({"cat", "--merge", "partition", "--limit", "46", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 46u);
  EXPECT_EQ(lines[0], path_of(specs()[0]) + " 0 2026-01-29T00:00:00.000000000Z type=0 len=92 " +
                          "\"AAPL 0000 xxxxxxxxxxxxxxxxxxxxxx\"...");
  EXPECT_EQ(lines[45].rfind(path_of(specs()[1]) + " 0 2026-01-30T00:00:00.000000001Z type=0 ", 0),
            0u)
      << lines[45];
}

TEST_F(CliTableCatTest, CsvHasAHeaderLineAndOneRowPerRecord) {
  const CliResult r = run_cli({"cat", "--format", "csv", "--where", "shard=2", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 46u);
  EXPECT_EQ(lines[0], "partition,seq,timestamp_ns,time,type_id,flags,length,payload_hex");
  const auto expected = query_rows(exact("shard", 2));
  ASSERT_EQ(expected.size(), 45u);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const TableRow& e = expected[i];
    EXPECT_EQ(lines[i + 1],
              fmt::format("{},{},{},{},{},0,92,{}", e.partition, e.seq, e.timestamp_ns,
                          cli::format_iso8601_ns(e.timestamp_ns), e.type_id, e.payload_hex));
  }
}

TEST_F(CliTableCatTest, HexDumpsEveryPayloadInFull) {
  const CliResult r =
      run_cli({"cat", "--format", "hex", "--where", "symbol=AAPL", "--limit", "3", table_root()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto expected = query_rows(exact("symbol", "AAPL"));
  const auto lines = lines_of(r.out);
  // Per record: a heading and 6 lines of 16 bytes (92 = 5 * 16 + 12).
  ASSERT_EQ(lines.size(), 3u * 7);
  for (std::size_t rec = 0; rec < 3; ++rec) {
    const TableRow& e = expected[rec];
    EXPECT_EQ(lines[rec * 7], fmt::format("{} {} {} type={} len=92", e.partition, e.seq,
                                          cli::format_iso8601_ns(e.timestamp_ns), e.type_id));
    std::string hex;
    for (std::size_t i = 1; i < 7; ++i) {
      const std::string& line = lines[rec * 7 + i];
      ASSERT_EQ(line.substr(0, 2), "  ") << line;
      EXPECT_EQ(line.substr(2, 8), fmt::format("{:08x}", (i - 1) * 16)) << line;
      // The hex bytes between the offset and the ASCII column.
      std::istringstream in(line.substr(10, line.find('|') - 10));
      for (std::string byte; in >> byte;) hex += byte;
    }
    EXPECT_EQ(hex, e.payload_hex);
  }
  EXPECT_NE(lines[1].find("|AAPL 0000 xxxxxx|"), std::string::npos) << lines[1];
}

TEST_F(CliTableCatTest, WhereAndTimeRangeGiveWhatTheQueryGives) {
  const std::uint64_t from = kBaseTs + 10'000'000;  // 2026-01-29T00:00:00.01Z
  const std::uint64_t to = kBaseTs + kDayNs + 20'000'000;
  const auto expected = query_rows(
      PartitionFilter::and_({exact("symbol", "MSFT"), exact("shard", 1)}), TimeRange{from, to});
  ASSERT_FALSE(expected.empty());
  ASSERT_LT(expected.size(), 90u);
  // The same instants as ISO-8601 at another offset, and as nanoseconds.
  EXPECT_EQ(cat_rows({"--where", "symbol=MSFT", "--where", "shard=1", "--from",
                      "2026-01-29T05:30:00.01+05:30", "--to", std::to_string(to)}),
            expected);
  EXPECT_EQ(cat_rows({"--where", "shard=1", "--where", "symbol=MSFT", "--from",
                      std::to_string(from), "--to", "2026-01-30T00:00:00.020000000Z"}),
            expected);
}

TEST_F(CliTableCatTest, FromAloneAndToAloneAreOpenRanges) {
  const std::uint64_t t = kBaseTs + kDayNs;
  EXPECT_EQ(cat_rows({"--from", "2026-01-30T00:00Z"}),
            query_rows(PartitionFilter::all(), TimeRange{t, std::nullopt}));
  EXPECT_EQ(cat_rows({"--to", "2026-01-30T00:00:00Z"}),
            query_rows(PartitionFilter::all(), TimeRange{std::nullopt, t}));
  EXPECT_TRUE(cat_rows({"--from", "2026-01-31T00:00:00Z"}).empty());
}

TEST_F(CliTableCatTest, TypeKeepsOnlyThoseTypesAndLimitCountsWhatIsPrinted) {
  auto expected = query_rows(PartitionFilter::all());
  std::erase_if(expected, [](const TableRow& r) { return r.type_id != 2 && r.type_id != 5; });
  EXPECT_EQ(cat_rows({"--type", "2", "--type", "5"}), expected);
  expected.resize(7);
  EXPECT_EQ(cat_rows({"--type", "5", "--type", "2", "--limit", "7"}), expected);
}

TEST_F(CliTableCatTest, ReadsColdSegmentsLikeHotOnes) {
  const auto hot = cat_rows({});
  ASSERT_TRUE(compress_segment(partition_dir(0), 0).has_value());
  ASSERT_TRUE(compress_segment(partition_dir(3), 1).has_value());
  EXPECT_EQ(cat_rows({}), hot);
  EXPECT_EQ(cat_rows({"--from", "2026-01-29T00:00:00.02Z"}),
            query_rows(PartitionFilter::all(), TimeRange{kBaseTs + 20'000'000, std::nullopt}));
}

TEST_F(CliTableCatTest, DamagedRecordEndsWithADataErrorNamingTheFile) {
  // The payload of record 3 of partition 2's first segment.
  flip_bit(partition_dir(2) + "/000000000.q", kSegmentHeaderSize + 3 * 128 + 50, 0);
  const CliResult r = run_cli({"cat", "--merge", "partition", table_root()});
  EXPECT_EQ(r.exit_code, 1);
  // Partitions 0 and 1, and records 0-2 of partition 2.
  EXPECT_EQ(lines_of(r.out).size(), 2 * 45u + 3);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find(partition_dir(2) + "/000000000.q: record checksum mismatch"),
            std::string::npos)
      << r.err;
}

TEST_F(CliTableCatTest, FollowSeesNewRecordsAndNewPartitionsAndExitsZeroOnSigterm) {
  CliProcess cat({"cat", "--follow", "--format", "json", "--where", "symbol=NVDA", table_root()});
  // Nothing matches yet; a partition created later is found by listing.
  auto w = table_->partition_writer(
      PartitionValues::parse(table_->scheme(),
                             {{"symbol", "NVDA"}, {"date", "2026-01-31"}, {"shard", "7"}})
          .value());
  ASSERT_TRUE(w.has_value()) << w.error().to_string();
  for (std::uint64_t i = 0; i < 40; ++i) {
    const std::string payload = "nvda " + std::to_string(i);
    ASSERT_TRUE(w->append(1, kBaseTs + 2 * kDayNs + i, bytes_of(payload)).has_value());
  }
  ASSERT_TRUE(cat.wait_for_output([](const std::string& out) {
    return lines_of(out).size() == 40 && out.back() == '\n';
  })) << cat.out()
      << cat.err();
  // Records appended to a partition already being read.
  for (std::uint64_t i = 40; i < 50; ++i) {
    ASSERT_TRUE(w->append(1, kBaseTs + 2 * kDayNs + i, bytes_of("more")).has_value());
  }
  ASSERT_TRUE(cat.wait_for_output([](const std::string& out) {
    return lines_of(out).size() == 50 && out.back() == '\n';
  })) << cat.out()
      << cat.err();
  cat.send_signal(SIGTERM);
  EXPECT_EQ(cat.wait(), 0) << cat.err();
  EXPECT_TRUE(cat.err().empty()) << cat.err();
  const auto lines = lines_of(cat.out());
  ASSERT_EQ(lines.size(), 50u);
  for (std::uint64_t i = 0; i < 50; ++i) {
    const auto j = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(j["partition"], "symbol=NVDA/date=2026-01-31/shard=7");
    EXPECT_EQ(j["seq"], i);
  }
}

TEST_F(CliTableCatTest, FromSeqOnATableIsAUsageError) {
  const CliResult r = run_cli({"cat", "--from-seq", "3", table_root()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("--from-seq applies to a log"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(CliTableCatTest, WhereKeyOrValueThatDoesNotFitTheSchemeIsAUsageError) {
  for (const char* bad : {"venue=XNAS", "date=2026-02-30", "date=yesterday", "shard=x", "shard=01",
                          "shard=99999999999999999999"}) {
    const CliResult r = run_cli({"cat", "--where", bad, table_root()});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(std::string("--where '") + bad + "'"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << bad;
  }
  const CliResult r = run_cli({"ls", "--where", "venue=XNAS", table_root()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("its keys: symbol (string), date (date), shard (int)"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace chronicle::test
