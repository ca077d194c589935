// `chronicle info`: one line per segment and a total, or one JSON object.

#include <sys/stat.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/core/record_format.hpp>

#include "support/files.hpp"

#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

class CliInfoTest : public CliTest {
 protected:
  // 100 records sealed in segments 0-3 by close(), then 5 more in a live
  // segment 4 by a writer that stays open.
  SegmentWriter write_sealed_and_live() {
    write_log(100);
    SegmentWriter w = open_writer(log_dir());
    for (std::uint64_t seq = 100; seq < 105; ++seq) append_record(w, seq);
    return w;
  }
};

std::vector<std::string> segment_rows(const std::string& out) {
  std::vector<std::string> rows;
  for (const std::string& line : lines_of(out)) {
    if (line.size() > 9 && line.find_first_not_of("0123456789") == 9) rows.push_back(line);
  }
  return rows;
}

TEST_F(CliInfoTest, ListsEverySegmentWithStateAndTotals) {
  SegmentWriter w = write_sealed_and_live();
  ASSERT_EQ(segment_count(), 5u);
  const CliResult r = run_cli({"info", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;

  const auto rows = segment_rows(r.out);
  ASSERT_EQ(rows.size(), 5u) << r.out;
  EXPECT_EQ(rows[0].rfind("000000000 ", 0), 0u) << rows[0];
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_NE(rows[i].find(" hot "), std::string::npos) << rows[i];
    EXPECT_NE(rows[i].find(" sealed "), std::string::npos) << rows[i];
  }
  // Segment 0 holds seq 0..29; its first and last timestamps in ISO-8601.
  EXPECT_NE(rows[0].find(" 30 "), std::string::npos) << rows[0];
  EXPECT_NE(rows[0].find(" 0..29 "), std::string::npos) << rows[0];
  EXPECT_NE(rows[0].find("2026-01-29T00:00:00.000000000Z..2026-01-29T00:00:00.029000029Z"),
            std::string::npos)
      << rows[0];
  // The live segment is scanned: 5 records of 128 bytes after the header.
  EXPECT_NE(rows[4].find(" live "), std::string::npos) << rows[4];
  EXPECT_NE(rows[4].find(" 4096 "), std::string::npos) << rows[4];
  EXPECT_NE(rows[4].find(" 768 "), std::string::npos) << rows[4];
  EXPECT_NE(rows[4].find(" 100..104 "), std::string::npos) << rows[4];

  const std::string total = lines_of(r.out).back();
  EXPECT_EQ(total.rfind("total: 5 segments (5 hot, 0 cold; 4 sealed, 1 live, 0 damaged)", 0), 0u)
      << total;
  EXPECT_NE(total.find("105 records, seq 0..104"), std::string::npos) << total;
}

TEST_F(CliInfoTest, JsonDescribesSegmentsAndTotals) {
  SegmentWriter w = write_sealed_and_live();
  const CliResult r = run_cli({"info", "--json", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines_of(r.out).size(), 1u);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["segments"].size(), 5u);
  std::uint64_t records = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    const auto& s = j["segments"][i];
    EXPECT_EQ(s["id"], i);
    EXPECT_EQ(s["file"], segment_file_name(i));
    EXPECT_EQ(s["tier"], "hot");
    EXPECT_EQ(s["state"], i < 4 ? "sealed" : "live");
    EXPECT_EQ(s["file_size"], 4096);
    const std::uint64_t count = s["record_count"];
    EXPECT_EQ(s["used_bytes"], kSegmentHeaderSize + count * record_size(92));
    EXPECT_EQ(s["first_seq"], records);
    EXPECT_EQ(s["last_seq"], records + count - 1);
    EXPECT_EQ(s["min_timestamp_ns"], ts_of(records));
    EXPECT_EQ(s["max_timestamp_ns"], ts_of(records + count - 1));
    records += count;
  }
  EXPECT_EQ(records, 105u);
  const auto& t = j["total"];
  EXPECT_EQ(t["segments"], 5);
  EXPECT_EQ(t["record_count"], 105);
  EXPECT_EQ(t["first_seq"], 0);
  EXPECT_EQ(t["last_seq"], 104);
  EXPECT_EQ(t["min_time"], "2026-01-29T00:00:00.000000000Z");
  EXPECT_EQ(t["max_time"], "2026-01-29T00:00:00.104000104Z");
  EXPECT_EQ(t["file_size"], 5 * 4096);
}

TEST_F(CliInfoTest, ColdSegmentsAreDescribedFromTheirHeader) {
  write_log(100);
  ASSERT_TRUE(compress_segment(log_dir(), 1).has_value());
  const std::string cold = segment_path(log_dir(), 1, SegmentTier::Cold);
  const CliResult r = run_cli({"info", "--json", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& s = j["segments"][1];
  EXPECT_EQ(s["tier"], "cold");
  EXPECT_EQ(s["file"], segment_file_name(1, SegmentTier::Cold));
  EXPECT_EQ(s["state"], "sealed");
  EXPECT_EQ(s["file_size"], file_size(cold));
  EXPECT_EQ(s["record_count"], 30);
  EXPECT_EQ(s["first_seq"], 30);
  EXPECT_EQ(s["used_bytes"], kSegmentHeaderSize + 30 * 128);
  EXPECT_EQ(j["total"]["hot"], 3);
  EXPECT_EQ(j["total"]["cold"], 1);
  EXPECT_EQ(j["total"]["record_count"], 100);
}

TEST_F(CliInfoTest, EmptyDirectoryHasNoSegments) {
  ASSERT_EQ(::mkdir(log_dir().c_str(), 0755), 0);
  const CliResult r = run_cli({"info", "--json", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["segments"].empty());
  EXPECT_EQ(j["total"]["record_count"], 0);
  EXPECT_TRUE(j["total"]["first_seq"].is_null());
}

TEST_F(CliInfoTest, DamagedLiveSegmentIsShownAndIsADataError) {
  SegmentWriter w = write_sealed_and_live();
  // Payload of the second record of the live segment 4.
  flip_bit_in_place(segment_file(4), kSegmentHeaderSize + 128 + 40, 3);
  const CliResult r = run_cli({"info", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  const auto rows = segment_rows(r.out);
  ASSERT_EQ(rows.size(), 5u) << r.out;
  EXPECT_NE(rows[4].find(" damaged "), std::string::npos) << rows[4];
  EXPECT_NE(r.err.find(segment_file_name(4)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at offset 256"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace chronicle::test
