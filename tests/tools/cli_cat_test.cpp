// `chronicle cat`: records one per line, JSON lines, --limit, --from-seq,
// and payload previews that never put a raw control byte on the terminal.

#include <cstdio>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/core/record_format.hpp>

#include "format/safe_text.hpp"
#include "support/files.hpp"
#include "tools/cli_fixture.hpp"
#include "tools/cli_process.hpp"

namespace chronicle::test {
namespace {

class CliCatTest : public CliTest {
 protected:
  // A log holding exactly these payloads, at seq 0, 1, ...
  void write_payloads(const std::vector<std::string>& payloads) {
    SegmentWriter w = open_writer(log_dir());
    for (std::size_t i = 0; i < payloads.size(); ++i) {
      ASSERT_TRUE(w.append(7, ts_of(i), bytes_of(payloads[i])).has_value());
    }
    ASSERT_TRUE(w.close().has_value());
  }
  // The payload column of the only record of the log.
  std::string preview_of(const std::string& payload, std::vector<std::string> extra = {}) {
    write_payloads({payload});
    std::vector<std::string> args{"cat"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(log_dir());
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string prefix =
        fmt::format("0 2026-01-29T00:00:00.000000000Z type=7 len={} ", payload.size());
    EXPECT_EQ(r.out.rfind(prefix, 0), 0u) << r.out;
    return r.out.substr(prefix.size(), r.out.size() - prefix.size() - 1);
  }
};

TEST_F(CliCatTest, PrintsOneLinePerRecordWithTimeTypeLengthAndPreview) {
  write_log(100);
  const CliResult r = run_cli({"cat", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 100u);
  EXPECT_EQ(
      lines[0],
      "0 2026-01-29T00:00:00.000000000Z type=0 len=92 \"record 0000 xxxxxxxxxxxxxxxxxxxx\"...");
  EXPECT_EQ(
      lines[31],
      "31 2026-01-29T00:00:00.031000031Z type=3 len=92 \"record 0031 xxxxxxxxxxxxxxxxxxxx\"...");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].rfind(std::to_string(i) + " ", 0), 0u) << lines[i];
  }
}

TEST_F(CliCatTest, JsonLinesParseAndCarryTheWholePayloadInHex) {
  write_log(40);
  const CliResult r = run_cli({"cat", "--json", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 40u);
  for (std::uint64_t seq = 0; seq < lines.size(); ++seq) {
    const auto j = nlohmann::json::parse(lines[seq]);
    EXPECT_EQ(j["seq"], seq);
    EXPECT_EQ(j["timestamp_ns"], ts_of(seq));
    EXPECT_EQ(j["type_id"], type_of(seq));
    EXPECT_EQ(j["length"], 92);
    EXPECT_EQ(j["payload_hex"], cli::to_hex(bytes_of(text_of(seq))));
  }
  EXPECT_EQ(nlohmann::json::parse(lines[1])["time"], "2026-01-29T00:00:00.001000001Z");
}

TEST_F(CliCatTest, LimitStopsAfterNRecords) {
  write_log(100);
  CliResult r = run_cli({"cat", "--limit", "5", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines_of(r.out).size(), 5u);
  EXPECT_EQ(lines_of(r.out)[4].rfind("4 ", 0), 0u);
  r = run_cli({"cat", "--limit", "0", log_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(CliCatTest, FromSeqStartsAtThatRecordAcrossSegments) {
  write_log(100);
  const CliResult r = run_cli({"cat", "--from-seq", "58", "--limit", "4", "--json", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u);
  for (std::uint64_t i = 0; i < 4; ++i) EXPECT_EQ(nlohmann::json::parse(lines[i])["seq"], 58 + i);
}

TEST_F(CliCatTest, FromSeqBeyondTheEndIsADataError) {
  write_log(10);
  const CliResult r = run_cli({"cat", "--from-seq", "11", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("chronicle: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("seq 11"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(CliCatTest, TextPayloadIsQuoted) {
  EXPECT_EQ(preview_of("hello, world"), "\"hello, world\"");
}

TEST_F(CliCatTest, EmptyPayloadIsAnEmptyString) { EXPECT_EQ(preview_of(""), "\"\""); }

TEST_F(CliCatTest, BinaryPayloadIsShownAsHex) {
  EXPECT_EQ(preview_of(std::string("\x00\x01\x02\xff\x10", 5)), "hex:000102ff10");
}

TEST_F(CliCatTest, ControlBytesQuotesAndBackslashesInTextAreEscaped) {
  EXPECT_EQ(preview_of("ab\x1b[2Jcd\n\"q\\ line"), "\"ab\\x1b[2Jcd\\x0a\\x22q\\x5c line\"");
}

TEST_F(CliCatTest, LongPayloadPreviewIsCut) {
  EXPECT_EQ(preview_of(std::string(40, 'a'), {"--preview-bytes", "4"}), "\"aaaa\"...");
}

TEST_F(CliCatTest, OutputHoldsNoRawControlByteWhateverThePayloads) {
  std::vector<std::string> payloads;
  for (int i = 0; i < 64; ++i) {
    std::string p;
    for (int b = 0; b < 40; ++b) p.push_back(static_cast<char>((i * 40 + b) * 37 % 256));
    payloads.push_back(p);
  }
  write_payloads(payloads);
  const CliResult r = run_cli({"cat", "--preview-bytes", "40", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines_of(r.out).size(), payloads.size());
  for (const char c : r.out) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(c == '\n' || (u >= 0x20 && u < 0x7f)) << "raw byte " << static_cast<int>(u);
  }
}

TEST_F(CliCatTest, DamagedRecordEndsWithADataErrorAfterTheRecordsBeforeIt) {
  write_log(100);
  // Payload of the record at seq 33: the fourth record of segment 1.
  flip_bit(segment_file(1), kSegmentHeaderSize + 3 * 128 + 50, 0);
  const CliResult r = run_cli({"cat", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.out).size(), 33u);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find(segment_file(1) + ": record checksum mismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at offset 512"), std::string::npos) << r.err;
}

TEST_F(CliCatTest, MissingSegmentEndsWithADataErrorInsteadOfAShortOutput) {
  write_log(100);
  ASSERT_EQ(std::remove(segment_file(2).c_str()), 0);
  const CliResult r = run_cli({"cat", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.out).size(), 60u);
  EXPECT_NE(r.err.find(segment_file(2) + ": segment file missing"), std::string::npos) << r.err;
}

TEST_F(CliCatTest, ReadsColdSegmentsLikeHotOnes) {
  write_log(100);
  const CliResult hot = run_cli({"cat", "--json", log_dir()});
  ASSERT_EQ(hot.exit_code, 0) << hot.err;
  ASSERT_TRUE(compress_segment(log_dir(), 0).has_value());
  ASSERT_TRUE(compress_segment(log_dir(), 2).has_value());
  const CliResult mixed = run_cli({"cat", "--json", log_dir()});
  EXPECT_EQ(mixed.exit_code, 0) << mixed.err;
  EXPECT_EQ(mixed.out, hot.out);
}

TEST_F(CliCatTest, UnreadableColdSegmentEndsWithADataErrorNamingIt) {
  write_log(100);
  // Not zstd at all: the name alone makes it cold.
  ASSERT_EQ(std::rename(segment_file(1).c_str(), (segment_file(1) + ".zst").c_str()), 0);
  const CliResult r = run_cli({"cat", log_dir()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.out).size(), 30u);
  EXPECT_NE(r.err.find(segment_file(1) + ".zst: "), std::string::npos) << r.err;
}

TEST_F(CliCatTest, FromAndToSelectRecordsByTimestamp) {
  write_log(100);
  // ts_of(seq) = base + seq * 1000001 ns: [ts_of(40), ts_of(45)) is seq 40..44.
  const CliResult r = run_cli({"cat", "--json", "--from", std::to_string(ts_of(40)), "--to",
                               "2026-01-29T00:00:00.045000045Z", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 5u);
  for (std::uint64_t i = 0; i < 5; ++i) EXPECT_EQ(nlohmann::json::parse(lines[i])["seq"], 40 + i);
  // An offset names the same instant.
  const CliResult shifted =
      run_cli({"cat", "--json", "--from", "2026-01-28T23:00:00.040000040-01:00", "--to",
               std::to_string(ts_of(45)), log_dir()});
  EXPECT_EQ(shifted.out, r.out);
}

TEST_F(CliCatTest, TypeSelectsRecordsAndLimitCountsThem) {
  write_log(100);
  const CliResult r = run_cli({"cat", "--type", "3", "--type", "0", "--limit", "5", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 5u);
  const std::vector<std::string> seqs{"0", "3", "7", "10", "14"};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(lines[i].rfind(seqs[i] + " ", 0), 0u) << lines[i];
}

TEST_F(CliCatTest, CsvHasAHeaderAndOneRowPerRecord) {
  write_log(40);
  const CliResult r = run_cli({"cat", "--format", "csv", "--from-seq", "30", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines[0], "seq,timestamp_ns,time,type_id,flags,length,payload_hex");
  EXPECT_EQ(lines[1], fmt::format("30,{},2026-01-29T00:00:00.030000030Z,2,0,92,{}", ts_of(30),
                                  cli::to_hex(bytes_of(text_of(30)))));
}

TEST_F(CliCatTest, HexDumpsTheWholePayloadEscapingNothingRaw) {
  write_payloads({std::string("ab\x1b[2J\n\x00\xff", 9), std::string(17, 'z'), ""});
  const CliResult r = run_cli({"cat", "--format", "hex", log_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "0 2026-01-29T00:00:00.000000000Z type=7 len=9\n"
            "  00000000  61 62 1b 5b 32 4a 0a 00  ff                       |ab.[2J...|\n"
            "1 2026-01-29T00:00:00.001000001Z type=7 len=17\n"
            "  00000000  7a 7a 7a 7a 7a 7a 7a 7a  7a 7a 7a 7a 7a 7a 7a 7a  |zzzzzzzzzzzzzzzz|\n"
            "  00000010  7a                                                |z|\n"
            "2 2026-01-29T00:00:00.002000002Z type=7 len=0\n");
}

TEST_F(CliCatTest, JsonFlagIsFormatJson) {
  write_log(10);
  const CliResult a = run_cli({"cat", "--json", log_dir()});
  const CliResult b = run_cli({"cat", "--format", "json", log_dir()});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(lines_of(a.out).size(), 10u);
}

}  // namespace
}  // namespace chronicle::test
