#include <chronicle/table/partition/partition_scheme.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/status_matchers.hpp"
#include "table/partition_test_util.hpp"

namespace chronicle {
namespace {

using chronicle::testing::IsInvalidArgument;
using namespace std::string_literals;

constexpr std::string_view kNameForm = "expected 1 to 64 bytes of [A-Za-z0-9_]";

Result<PartitionScheme> one_key(std::string name, KeyType type = KeyType::String,
                                std::int32_t offset = 0) {
  return PartitionScheme::create({PartitionKey{std::move(name), type, offset}});
}

TEST(PartitionSchemeTest, CreatesAValidScheme) {
  auto s = PartitionScheme::create({{"venue", KeyType::String, 0},
                                    {"symbol", KeyType::String, 0},
                                    {"date", KeyType::Date, 330}});
  ASSERT_OK(s);
  EXPECT_EQ(s->size(), 3u);
  EXPECT_EQ(s->keys()[2].utc_offset_minutes, 330);
  EXPECT_EQ(s->index_of("symbol"), 1u);
  EXPECT_EQ(s->index_of("date"), 2u);
  EXPECT_FALSE(s->index_of("Date").has_value());
  EXPECT_FALSE(s->index_of("").has_value());
}

TEST(PartitionSchemeTest, DefaultSchemeIsEmpty) {
  PartitionScheme s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_FALSE(s.index_of("x").has_value());
}

TEST(PartitionSchemeTest, EqualityComparesKeys) {
  auto a = one_key("date", KeyType::Date, 60);
  auto b = one_key("date", KeyType::Date, 60);
  auto c = one_key("date", KeyType::Date, -60);
  ASSERT_OK(a);
  ASSERT_OK(b);
  ASSERT_OK(c);
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
}

TEST(PartitionSchemeTest, RefusesNoKeys) {
  EXPECT_TRUE(IsInvalidArgument(PartitionScheme::create({}), {"0 keys", "expected 1 to 16"}));
}

TEST(PartitionSchemeTest, AcceptsSixteenKeys) {
  std::vector<PartitionKey> keys;
  for (int i = 0; i < 16; ++i) keys.push_back({"k" + std::to_string(i), KeyType::Int, 0});
  EXPECT_OK(PartitionScheme::create(keys));
}

TEST(PartitionSchemeTest, RefusesSeventeenKeys) {
  std::vector<PartitionKey> keys;
  for (int i = 0; i < 17; ++i) keys.push_back({"k" + std::to_string(i), KeyType::Int, 0});
  EXPECT_TRUE(IsInvalidArgument(PartitionScheme::create(keys), {"17 keys", "expected 1 to 16"}));
}

TEST(PartitionSchemeTest, RefusesAHundredKeys) {
  std::vector<PartitionKey> keys;
  for (int i = 0; i < 100; ++i) keys.push_back({"k" + std::to_string(i), KeyType::Int, 0});
  EXPECT_TRUE(IsInvalidArgument(PartitionScheme::create(keys), {"100 keys"}));
}

TEST(PartitionSchemeTest, RefusesAnEmptyKeyName) {
  EXPECT_TRUE(IsInvalidArgument(one_key(""), {"name \"\" is invalid", kNameForm}));
}

TEST(PartitionSchemeTest, RefusesAKeyNameWithEquals) {
  EXPECT_TRUE(IsInvalidArgument(one_key("a=b"), {"\"a=b\"", kNameForm}));
}

TEST(PartitionSchemeTest, RefusesAKeyNameWithSlash) {
  EXPECT_TRUE(IsInvalidArgument(one_key("a/b"), {"\"a/b\""}));
  EXPECT_TRUE(IsInvalidArgument(one_key("/"), {"\"/\""}));
}

TEST(PartitionSchemeTest, RefusesAKeyNameWithPercent) {
  EXPECT_TRUE(IsInvalidArgument(one_key("a%2F"), {"\"a%2F\""}));
}

TEST(PartitionSchemeTest, RefusesAKeyNameWithNul) {
  EXPECT_TRUE(IsInvalidArgument(one_key("a\0b"s), {"\"a\\x00b\""}));
}

TEST(PartitionSchemeTest, RefusesOtherBadKeyNames) {
  for (std::string name : {"."s, ".."s, "1day"s, "da te"s, "date\n"s, "dat\xc3\xa9"s, "a-b"s,
                           "a.b"s, std::string(65, 'k')}) {
    EXPECT_TRUE(IsInvalidArgument(one_key(name), {kNameForm})) << name;
  }
}

TEST(PartitionSchemeTest, AcceptsKeyNamesAtTheEdges) {
  EXPECT_OK(one_key(std::string(64, 'k')));
  EXPECT_OK(one_key("_"));
  EXPECT_OK(one_key("a1"));
  EXPECT_OK(one_key("Z_9"));
}

TEST(PartitionSchemeTest, RefusesADuplicateKeyName) {
  auto s = PartitionScheme::create({{"venue", KeyType::String, 0}, {"venue", KeyType::Int, 0}});
  EXPECT_TRUE(IsInvalidArgument(s, {"\"venue\" appears twice", "unique"}));
}

TEST(PartitionSchemeTest, RefusesAnOffsetOnANonDateKey) {
  EXPECT_TRUE(IsInvalidArgument(one_key("venue", KeyType::String, 60),
                                {"\"venue\"", "string key", "only on date, hour and minute"}));
  EXPECT_TRUE(IsInvalidArgument(one_key("n", KeyType::Int, -1), {"\"n\"", "int key"}));
}

TEST(PartitionSchemeTest, AcceptsOffsetsWithinADayOnDateLikeKeys) {
  EXPECT_OK(one_key("d", KeyType::Date, 1439));
  EXPECT_OK(one_key("h", KeyType::Hour, -1439));
  EXPECT_OK(one_key("m", KeyType::Minute, 330));
}

TEST(PartitionSchemeTest, RefusesAnOffsetOfADayOrMore) {
  EXPECT_TRUE(
      IsInvalidArgument(one_key("d", KeyType::Date, 1440), {"\"d\"", "1440", "-1439 to 1439"}));
  EXPECT_TRUE(IsInvalidArgument(one_key("d", KeyType::Hour, -1440), {"-1440"}));
  EXPECT_TRUE(IsInvalidArgument(one_key("d", KeyType::Minute, INT32_MIN), {"-1439 to 1439"}));
}

TEST(PartitionSchemeTest, RefusesAnUnknownKeyType) {
  EXPECT_TRUE(IsInvalidArgument(one_key("d", static_cast<KeyType>(7)), {"\"d\"", "type 7"}));
}

// ---- UTC offsets

TEST(UtcOffsetTest, ParsesSignedHoursAndMinutes) {
  for (auto [text, minutes] : {std::pair<const char*, int>{"+00:00", 0},
                               {"+05:30", 330},
                               {"-08:00", -480},
                               {"+23:59", 1439},
                               {"-23:59", -1439},
                               {"-00:00", 0}}) {
    auto parsed = PartitionScheme::parse_utc_offset(text);
    ASSERT_OK(parsed);
    EXPECT_EQ(*parsed, minutes) << text;
  }
}

TEST(UtcOffsetTest, RefusesHour25) {
  EXPECT_TRUE(IsInvalidArgument(PartitionScheme::parse_utc_offset("+25:00"),
                                {"\"+25:00\"", "expected +HH:MM or -HH:MM"}));
  EXPECT_TRUE(IsInvalidArgument(PartitionScheme::parse_utc_offset("+24:00"), {"\"+24:00\""}));
}

TEST(UtcOffsetTest, RefusesMinute61) {
  EXPECT_TRUE(IsInvalidArgument(PartitionScheme::parse_utc_offset("+05:61"), {"\"+05:61\""}));
}

TEST(UtcOffsetTest, RefusesZ) {
  EXPECT_TRUE(IsInvalidArgument(PartitionScheme::parse_utc_offset("Z"), {"\"Z\"", "+00:00"}));
}

TEST(UtcOffsetTest, RefusesMissingColon) {
  EXPECT_TRUE(IsInvalidArgument(PartitionScheme::parse_utc_offset("0530"), {"\"0530\""}));
  EXPECT_TRUE(IsInvalidArgument(PartitionScheme::parse_utc_offset("+0530"), {"\"+0530\""}));
}

TEST(UtcOffsetTest, RefusesOneDigitHour) {
  EXPECT_TRUE(IsInvalidArgument(PartitionScheme::parse_utc_offset("+5:30"), {"\"+5:30\""}));
}

TEST(UtcOffsetTest, RefusesOtherShapes) {
  for (std::string text : {""s, "05:30"s, "+05:30 "s, " +05:30"s, "+05:3"s, "+05:300"s, "UTC"s,
                           "+05\0"
                           "30"s,
                           "+a5:30"s, "+05-30"s}) {
    EXPECT_TRUE(IsInvalidArgument(PartitionScheme::parse_utc_offset(text), {"expected +HH:MM"}))
        << text;
  }
}

TEST(UtcOffsetTest, FormatsAndRoundTripsEveryOffset) {
  EXPECT_EQ(PartitionScheme::format_utc_offset(0), "+00:00");
  EXPECT_EQ(PartitionScheme::format_utc_offset(330), "+05:30");
  EXPECT_EQ(PartitionScheme::format_utc_offset(-480), "-08:00");
  EXPECT_EQ(PartitionScheme::format_utc_offset(-1), "-00:01");
  for (std::int32_t m = -1439; m <= 1439; ++m) {
    auto back = PartitionScheme::parse_utc_offset(PartitionScheme::format_utc_offset(m));
    ASSERT_OK(back);
    ASSERT_EQ(*back, m);
  }
  // Out of range still formats without overflow.
  EXPECT_EQ(PartitionScheme::format_utc_offset(INT32_MIN), "-35791394:08");
}

}  // namespace
}  // namespace chronicle
