// `chronicle verify`: exit 0 on an intact log; otherwise exit 1 and one line
// per problem naming the file and the offset.

#include <sys/stat.h>

#include <cstddef>
#include <cstdio>
#include <cstring>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/core/segment_header.hpp>

#include "support/files.hpp"
#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

class CliVerifyTest : public CliTest {
 protected:
  // Rewrites a sealed header's max_timestamp_ns with a valid seal checksum,
  // as a buggy writer would: the header is well-formed but lies.
  void rewrite_max_timestamp(std::uint64_t id, std::uint64_t value) {
    auto bytes = read_file(segment_file(id));
    SegmentHeader h;
    std::memcpy(&h, bytes.data(), sizeof h);
    ASSERT_TRUE(is_sealed(h));
    h.max_timestamp_ns = value;
    h.seal_checksum = seal_checksum_of(h);
    set_bytes(segment_file(id), 0, &h, sizeof h);
  }
  static std::vector<std::string> problem_lines(const CliResult& r) { return lines_of(r.err); }
};

TEST_F(CliVerifyTest, IntactLogPassesWithASummary) {
  write_log(100);
  const CliResult r = run_cli({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  // 4 segments: 4 headers and 100 records of 128 bytes.
  EXPECT_EQ(r.out, fmt::format("ok: {}: 4 segments, 100 records, {} bytes verified\n", log_dir(),
                               4 * 128 + 100 * 128));
}

TEST_F(CliVerifyTest, ProgressIsDrawnOnlyWhenStderrIsATerminal) {
  write_log(100);
  const CliResult r = run_cli_with_terminal_stderr({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("verifying ["), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("] 4/4 segments"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok: "), std::string::npos) << r.out;
}

TEST_F(CliVerifyTest, LiveLogPasses) {
  write_log(50);
  SegmentWriter w = open_writer(log_dir());
  for (std::uint64_t seq = 50; seq < 75; ++seq) append_record(w, seq);
  const CliResult r = run_cli({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("75 records"), std::string::npos) << r.out;
}

TEST_F(CliVerifyTest, EmptyLogPasses) {
  ASSERT_EQ(::mkdir(log_dir().c_str(), 0755), 0);
  const CliResult r = run_cli({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("0 segments, 0 records"), std::string::npos) << r.out;
}

TEST_F(CliVerifyTest, FlippedPayloadBitIsReportedWithFileAndOffset) {
  write_log(100);
  // The first record of segment 1: header at 128, payload from 160.
  flip_bit(segment_file(1), kSegmentHeaderSize + 32 + 5, 2);
  const CliResult r = run_cli({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  const auto problems = problem_lines(r);
  ASSERT_EQ(problems.size(), 1u) << r.err;
  EXPECT_EQ(
      problems[0].rfind("chronicle: error: " + segment_file(1) + ": record checksum mismatch", 0),
      0u)
      << problems[0];
  EXPECT_NE(problems[0].find("at offset 128"), std::string::npos) << problems[0];
  EXPECT_EQ(r.out.rfind("damaged: " + log_dir() + ": 1 problem in 4 segments", 0), 0u) << r.out;
}

TEST_F(CliVerifyTest, DamageInTwoSegmentsIsReportedOncePerSegment) {
  write_log(100);
  flip_bit(segment_file(0), kSegmentHeaderSize + 10 * 128 + 40, 1);
  flip_bit(segment_file(2), kSegmentHeaderSize + 20 * 128 + 40, 1);
  const CliResult r = run_cli({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  const auto problems = problem_lines(r);
  ASSERT_EQ(problems.size(), 2u) << r.err;
  EXPECT_NE(problems[0].find(segment_file(0) + ": "), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("at offset 1408"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find(segment_file(2) + ": "), std::string::npos) << problems[1];
  EXPECT_NE(problems[1].find("at offset 2688"), std::string::npos) << problems[1];
}

TEST_F(CliVerifyTest, SealedHeaderThatMisstatesTimestampsIsReported) {
  write_log(100);
  rewrite_max_timestamp(1, ts_of(59) + 1);
  const CliResult r = run_cli({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  const auto problems = problem_lines(r);
  ASSERT_EQ(problems.size(), 1u) << r.err;
  EXPECT_NE(problems[0].find(segment_file(1) + ": header max_timestamp_ns is"), std::string::npos)
      << problems[0];
  EXPECT_NE(problems[0].find("at offset 80"), std::string::npos) << problems[0];
}

TEST_F(CliVerifyTest, MissingSegmentIsReported) {
  write_log(100);
  ASSERT_EQ(std::remove(segment_file(1).c_str()), 0);
  const CliResult r = run_cli({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_FALSE(r.err.empty());
  EXPECT_NE(r.err.find(segment_file(1) + ": segment file missing"), std::string::npos) << r.err;
}

TEST_F(CliVerifyTest, ColdSegmentsAreVerifiedToo) {
  write_log(100);
  ASSERT_TRUE(compress_segment(log_dir(), 1).has_value());
  ASSERT_TRUE(compress_segment(log_dir(), 2).has_value());
  const CliResult r = run_cli({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4 segments, 100 records"), std::string::npos) << r.out;
}

TEST_F(CliVerifyTest, DamagedColdSegmentIsReportedAndTheRestIsVerified) {
  write_log(100);
  ASSERT_TRUE(compress_segment(log_dir(), 1).has_value());
  const std::string cold = segment_path(log_dir(), 1, SegmentTier::Cold);
  // A byte inside the first frame's compressed data.
  flip_bit(cold, 100, 4);
  const CliResult r = run_cli({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  const auto problems = problem_lines(r);
  ASSERT_GE(problems.size(), 1u) << r.err;
  EXPECT_NE(problems[0].find(cold + ": "), std::string::npos) << problems[0];
  EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;
  // Segments 0, 2 and 3 are still read: 30 + 30 + 10 records.
  EXPECT_NE(r.out.find("(70 records,"), std::string::npos) << r.out;
}

TEST_F(CliVerifyTest, TruncatedSegmentIsReported) {
  write_log(100);
  truncate_file(segment_file(2), 1000);
  const CliResult r = run_cli({"verify", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(segment_file(2)), std::string::npos) << r.err;
}

TEST_F(CliVerifyTest, JsonReportsTheSummaryAndTheProblems) {
  write_log(100);
  CliResult r = run_cli({"verify", "--json", log_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["segments"], 4);
  EXPECT_EQ(j["records"], 100);
  EXPECT_TRUE(j["problems"].empty());

  flip_bit(segment_file(3), kSegmentHeaderSize + 40, 0);
  r = run_cli({"verify", "--json", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.empty()) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_NE(j["problems"][0].get<std::string>().find(segment_file_name(3)), std::string::npos);
}

}  // namespace
}  // namespace chronicle::test
