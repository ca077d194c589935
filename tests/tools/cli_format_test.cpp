// The tool's formatting helpers, compiled into the test from tools/format/:
// timestamps and payload previews at their edges.

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "format/payload_preview.hpp"
#include "format/safe_text.hpp"
#include "format/time_format.hpp"

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

}  // namespace
}  // namespace chronicle::cli
