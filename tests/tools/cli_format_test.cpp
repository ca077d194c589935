// The tool's formatting and parsing helpers, compiled into the test from
// tools/format/ and tools/support/: timestamps, payload previews, hex dumps,
// the progress line, --from/--to times, --policy and --where at their edges.

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "format/hex_dump.hpp"
#include "format/payload_preview.hpp"
#include "format/progress_line.hpp"
#include "format/safe_text.hpp"
#include "format/time_format.hpp"
#include "support/parse_number.hpp"
#include "support/parse_policy.hpp"
#include "support/parse_time.hpp"
#include "support/where_clause.hpp"

namespace chronicle::cli {
namespace {

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

TEST(CliTimeFormatTest, FormatsTheEpochAndOneNanosecond) {
  EXPECT_EQ(format_iso8601_ns(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(format_iso8601_ns(1), "1970-01-01T00:00:00.000000001Z");
}

TEST(CliTimeFormatTest, FormatsLeapDaysAndYearEnds) {
  // 2024-02-29T12:34:56.789Z and the last nanosecond of 1999.
  EXPECT_EQ(format_iso8601_ns(1'709'210'096'789'000'000ull), "2024-02-29T12:34:56.789000000Z");
  EXPECT_EQ(format_iso8601_ns(946'684'799'999'999'999ull), "1999-12-31T23:59:59.999999999Z");
  EXPECT_EQ(format_iso8601_ns(951'782'400'000'000'000ull), "2000-02-29T00:00:00.000000000Z");
}

TEST(CliTimeFormatTest, FormatsTheLargestTimestamp) {
  EXPECT_EQ(format_iso8601_ns(UINT64_MAX), "2554-07-21T23:34:33.709551615Z");
}

TEST(CliPayloadPreviewTest, MostlyPrintableIsTextWithTheRestEscaped) {
  EXPECT_EQ(payload_preview(bytes_of("abc\tdef"), 32), "\"abc\\x09def\"");
  EXPECT_EQ(payload_preview(bytes_of("\x01\x02zz"), 32), "hex:01027a7a");
}

TEST(CliPayloadPreviewTest, CutsAtMaxBytes) {
  EXPECT_EQ(payload_preview(bytes_of("abcdef"), 3), "\"abc\"...");
  EXPECT_EQ(payload_preview(bytes_of(std::string("\0\0\0\0", 4)), 2), "hex:0000...");
  EXPECT_EQ(payload_preview(bytes_of("abc"), 3), "\"abc\"");
}

TEST(CliSafeTextTest, SanitizeKeepsBackslashesAndEscapesControlBytes) {
  EXPECT_EQ(sanitize_line("a\\x01b\x1b\xc3\xa9"), "a\\x01b\\x1b\\xc3\\xa9");
}

TEST(CliHexDumpTest, SixteenBytesALineWithTheAsciiColumn) {
  EXPECT_EQ(hex_dump(bytes_of(""), "  "), "");
  EXPECT_EQ(hex_dump(bytes_of("0123456789abcdefg\x7f"), ""),
            "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n"
            "00000010  67 7f                                             |g.|\n");
}

TEST(CliProgressLineTest, ShowsCountRateAndEta) {
  EXPECT_EQ(progress_line({0, 8, 0, 0.0}),
            "compressing [------------------------] 0/8 segments, 0 B/s");
  EXPECT_EQ(progress_line({2, 8, 2u << 20, 1.0}),
            "compressing [######------------------] 2/8 segments, 2.0 MiB/s, ETA 0:03");
  EXPECT_EQ(progress_line({8, 8, 3u << 30, 125.0}),
            "compressing [########################] 8/8 segments, 24.6 MiB/s, 2:05");
  // More done than a dry run predicted (a writer sealed one meanwhile).
  EXPECT_EQ(progress_line({9, 8, 1536, 1.0}).find("8/8 segments, 1.5 KiB/s"), 39u);
  EXPECT_EQ(format_duration(3725), "1:02:05");
  EXPECT_EQ(progress_line({1, 4, 1u << 20, 1.0, "verifying"}),
            "verifying [######------------------] 1/4 segments, 1.0 MiB/s, ETA 0:03");
}

TEST(CliParseNumberTest, SignedDecimalOnly) {
  EXPECT_EQ(parse_decimal_i64("-5"), -5);
  EXPECT_EQ(parse_decimal_i64("22"), 22);
  EXPECT_EQ(parse_decimal_i64("-9223372036854775808"), INT64_MIN);
  for (const char* bad : {"", "-", "+5", " 5", "5x", "--5", "9223372036854775808"}) {
    EXPECT_FALSE(parse_decimal_i64(bad).has_value()) << bad;
  }
}

TEST(CliParseTimeTest, IsoWithZOrOffsetAndIntegerNanoseconds) {
  constexpr std::uint64_t kDay = 1'769'644'800'000'000'000ull;  // 2026-01-29T00:00:00Z
  EXPECT_EQ(parse_time_point("2026-01-29T00:00:00Z").value(), kDay);
  EXPECT_EQ(parse_time_point("2026-01-29T00:00Z").value(), kDay);
  EXPECT_EQ(parse_time_point("2026-01-29T00:00:00.000000001Z").value(), kDay + 1);
  EXPECT_EQ(parse_time_point("2026-01-29T00:00:00.5Z").value(), kDay + 500'000'000);
  EXPECT_EQ(parse_time_point("2026-01-29T05:30:00+05:30").value(), kDay);
  EXPECT_EQ(parse_time_point("2026-01-28T23:00:00.25-01:00").value(), kDay + 250'000'000);
  EXPECT_EQ(parse_time_point("1970-01-01T00:00:00Z").value(), 0u);
  EXPECT_EQ(parse_time_point("2554-07-21T23:34:33.709551615Z").value(), UINT64_MAX);
  EXPECT_EQ(parse_time_point("0").value(), 0u);
  EXPECT_EQ(parse_time_point("1769644800000000000").value(), kDay);
  EXPECT_EQ(parse_time_point("2024-02-29T12:34:56.789Z").value(), 1'709'210'096'789'000'000ull);
}

TEST(CliParseTimeTest, RefusesWhatIsNotExactlyATime) {
  for (const char* bad : {"",
                          "now",
                          "2026-01-29",
                          "2026-01-29T00:00:00",
                          "2026-01-29 00:00:00Z",
                          "2026-01-29t00:00:00z",
                          "2026-1-29T00:00:00Z",
                          "2026-01-29T00:00:00.Z",
                          "2026-01-29T00:00:00.0000000001Z",
                          "2026-01-29T00:00:00+01",
                          "2026-01-29T00:00:00+24:00",
                          "2026-01-29T00:00:00Zjunk",
                          "2026-02-29T00:00:00Z",
                          "2026-13-01T00:00:00Z",
                          "2026-01-29T00:60:00Z",
                          "2026-01-29T00:00:60Z",
                          "1969-12-31T23:59:59.999999999Z",
                          "1970-01-01T00:30:00+01:00",
                          "2554-07-21T23:34:33.709551616Z",
                          "18446744073709551616",
                          "-1",
                          "+1",
                          "1e9"}) {
    const auto r = parse_time_point(bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_NE(r.error().message().find('\''), std::string::npos) << r.error().message();
    }
  }
}

TEST(CliParsePolicyTest, EveryFormRoundTripsToTheLibrarysPolicy) {
  EXPECT_EQ(parse_policy("never").value(), CompressionPolicy::never());
  EXPECT_EQ(parse_policy("immediate").value(), CompressionPolicy::immediate());
  EXPECT_EQ(parse_policy("age:7").value(), CompressionPolicy::age_after(7));
  EXPECT_EQ(parse_policy("idle:30").value(), CompressionPolicy::idle_after(30, false));
  EXPECT_EQ(parse_policy("idle:30:reads").value(), CompressionPolicy::idle_after(30, true));
  EXPECT_EQ(parse_policy("size:1048576").value(), CompressionPolicy::size_threshold(1 << 20));
  for (const char* bad : {"", "Never", "age", "age:", "age:0", "age:36501", "age:07x", "age:-1",
                          "age:4294967297", "idle:7:", "idle:7:read", "idle::reads", "size:0",
                          "size:1099511627777", "size:1k", "custom", "immediate:1"}) {
    EXPECT_FALSE(parse_policy(bad).has_value()) << bad;
  }
}

TEST(CliWhereClauseTest, SplitsAtTheFirstEqualsSign) {
  const auto c = parse_where_clause("note=a=b");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->key, "note");
  EXPECT_EQ(c->value, "a=b");
  EXPECT_EQ(parse_where_clause("symbol=")->value, "");
  EXPECT_FALSE(parse_where_clause("=x").has_value());
  EXPECT_FALSE(parse_where_clause("symbol").has_value());
}

TEST(CliWhereClauseTest, TypesValuesByTheSchemeAndCombinesClauses) {
  const auto scheme =
      PartitionScheme::create({{"symbol", KeyType::String, 0}, {"shard", KeyType::Int, 0}}).value();
  const auto values = [&](const char* symbol, std::int64_t shard) {
    return PartitionValues::create(scheme, {{"symbol", symbol}, {"shard", shard}}).value();
  };
  auto f = where_filter(scheme, {{"shard", "2"}, {"symbol", "A"}, {"symbol", "B"}});
  ASSERT_TRUE(f.has_value()) << f.error().to_string();
  EXPECT_TRUE(f->matches(scheme, values("A", 2)));
  EXPECT_TRUE(f->matches(scheme, values("B", 2)));
  EXPECT_FALSE(f->matches(scheme, values("C", 2)));
  EXPECT_FALSE(f->matches(scheme, values("A", 20)));
  EXPECT_TRUE(where_filter(scheme, {}).value().matches(scheme, values("Z", -1)));
  EXPECT_FALSE(where_filter(scheme, {{"venue", "X"}}).has_value());
  EXPECT_FALSE(where_filter(scheme, {{"shard", "two"}}).has_value());
  EXPECT_FALSE(where_filter(scheme, {{"shard", "+2"}}).has_value());
}

}  // namespace
}  // namespace chronicle::cli
