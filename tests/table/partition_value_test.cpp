#include <chronicle/table/partition/partition_value.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "support/status_matchers.hpp"
#include "table/partition_test_util.hpp"

namespace chronicle {
namespace {

using chronicle::testing::IsInvalidArgument;
using namespace std::string_literals;

constexpr std::string_view kIntForm = "expected a decimal integer";
constexpr std::string_view kDateForm =
    "expected YYYY-MM-DD (a real calendar date, years 0001-9999)";

std::int64_t days_of(int y, int m, int d) { return make_date(y, m, d).value().days; }

// ---- key types

TEST(KeyTypeTest, NamesRoundTrip) {
  for (KeyType t : {KeyType::String, KeyType::Int, KeyType::Date, KeyType::Hour, KeyType::Minute}) {
    auto parsed = parse_key_type(key_type_name(t));
    ASSERT_OK(parsed);
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_EQ(key_type_name(KeyType::Minute), "minute");
}

TEST(KeyTypeTest, UnknownNamesAreRefused) {
  EXPECT_TRUE(IsInvalidArgument(parse_key_type("Date"), {"\"Date\"", "expected string, int"}));
  EXPECT_TRUE(IsInvalidArgument(parse_key_type(""), {"\"\""}));
  EXPECT_TRUE(IsInvalidArgument(parse_key_type("int\n"), {"\"int\\x0a\""}));
}

// ---- calendar

TEST(CalendarTest, EpochAndKnownDays) {
  EXPECT_EQ(days_of(1970, 1, 1), 0);
  EXPECT_EQ(days_of(1969, 12, 31), -1);
  EXPECT_EQ(days_of(2000, 3, 1), 11017);
  EXPECT_EQ(days_of(2026, 1, 29), 20482);
  EXPECT_EQ(days_of(1, 1, 1), -719162);
  EXPECT_EQ(days_of(9999, 12, 31), 2932896);
}

TEST(CalendarTest, LeapDays) {
  EXPECT_OK(make_date(2024, 2, 29));
  EXPECT_OK(make_date(2000, 2, 29));
  EXPECT_OK(make_date(4, 2, 29));
  EXPECT_TRUE(IsInvalidArgument(make_date(2023, 2, 29), {"2023-02-29", "real calendar date"}));
  EXPECT_TRUE(IsInvalidArgument(make_date(1900, 2, 29), {"1900-02-29"}));
  EXPECT_TRUE(IsInvalidArgument(make_date(2100, 2, 29), {"2100-02-29"}));
}

TEST(CalendarTest, MakeDateRefusesImpossibleDates) {
  EXPECT_TRUE(IsInvalidArgument(make_date(2026, 2, 30), {"2026-02-30"}));
  EXPECT_TRUE(IsInvalidArgument(make_date(2026, 4, 31), {"2026-04-31"}));
  EXPECT_TRUE(IsInvalidArgument(make_date(2026, 13, 1), {"2026-13-01"}));
  EXPECT_TRUE(IsInvalidArgument(make_date(2026, 0, 1), {"2026-00-01"}));
  EXPECT_TRUE(IsInvalidArgument(make_date(2026, 1, 0), {"2026-01-00"}));
  EXPECT_TRUE(IsInvalidArgument(make_date(0, 1, 1), {"0000-01-01", "years 0001-9999"}));
  EXPECT_TRUE(IsInvalidArgument(make_date(10000, 1, 1), {"10000-01-01"}));
  EXPECT_TRUE(IsInvalidArgument(make_date(-1, 1, 1), {"years 0001-9999"}));
}

// Walks every day of years 0001-9999 with a naive calendar written here and
// checks both conversions against it.
TEST(CalendarTest, EveryDayOfYears1To9999MatchesANaiveCalendar) {
  const auto month_length = [](int y, int m) {
    if (m == 2) return (y % 400 == 0 || (y % 4 == 0 && y % 100 != 0)) ? 29 : 28;
    return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
  };
  std::int64_t n = -719162;  // 0001-01-01, counted back from 1970 by proleptic Gregorian rules
  for (int y = 1; y <= 9999; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= month_length(y, m); ++d, ++n) {
        auto made = make_date(y, m, d);
        ASSERT_TRUE(made.has_value()) << y << "-" << m << "-" << d;
        ASSERT_EQ(made->days, n) << y << "-" << m << "-" << d;
        int cy = 0, cm = 0, cd = 0;
        civil_from_days(n, cy, cm, cd);
        ASSERT_EQ(cy, y);
        ASSERT_EQ(cm, m);
        ASSERT_EQ(cd, d);
      }
    }
  }
  EXPECT_EQ(n, 2932897);  // the day after 9999-12-31
}

TEST(CalendarTest, CivilFromDaysIsDefinedForEveryInput) {
  int y = 0, m = 0, d = 0;
  for (std::int64_t days :
       {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
        std::int64_t{-1} << 50, std::int64_t{1} << 50}) {
    civil_from_days(days, y, m, d);
    EXPECT_GE(m, 1);
    EXPECT_LE(m, 12);
    EXPECT_GE(d, 1);
    EXPECT_LE(d, 31);
  }
}

// ---- int

TEST(PartitionValueIntTest, ParsesCanonicalDecimals) {
  for (auto [text, v] : {std::pair<const char*, std::int64_t>{"0", 0},
                         {"7", 7},
                         {"-12", -12},
                         {"907", 907},
                         {"9223372036854775807", std::numeric_limits<std::int64_t>::max()},
                         {"-9223372036854775808", std::numeric_limits<std::int64_t>::min()}}) {
    auto parsed = PartitionValue::parse(KeyType::Int, text);
    ASSERT_OK(parsed);
    EXPECT_EQ(parsed->type(), KeyType::Int);
    EXPECT_EQ(parsed->as_int(), v) << text;
    EXPECT_EQ(parsed->to_string(), text);
  }
}

TEST(PartitionValueIntTest, RefusesNegativeZero) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "-0"),
                                {"int value \"-0\" is invalid", kIntForm}));
}

TEST(PartitionValueIntTest, RefusesPlusSign) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "+5"), {"\"+5\"", kIntForm}));
}

TEST(PartitionValueIntTest, RefusesLeadingZeros) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "007"), {"\"007\""}));
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "00"), {"\"00\""}));
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "-01"), {"\"-01\""}));
}

TEST(PartitionValueIntTest, RefusesOverflow) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "9223372036854775808"),
                                {"\"9223372036854775808\"", kIntForm}));
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "18446744073709551616"), {}));
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "99999999999999999999"), {}));
}

TEST(PartitionValueIntTest, RefusesNegativeOverflow) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "-9223372036854775809"),
                                {"\"-9223372036854775809\""}));
}

TEST(PartitionValueIntTest, RefusesExponent) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "1e3"), {"\"1e3\""}));
}

TEST(PartitionValueIntTest, RefusesSpacePadding) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, " 5"), {"\" 5\""}));
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "5 "), {"\"5 \""}));
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "5\n"), {"\"5\\x0a\""}));
}

TEST(PartitionValueIntTest, RefusesEmptyAndLoneMinus) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, ""), {"\"\""}));
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, "-"), {"\"-\""}));
}

TEST(PartitionValueIntTest, RefusesOtherNonDecimalForms) {
  for (std::string text : {"1.0"s, "0x10"s, "1_000"s, "--1"s, "1-"s, "\xd9\xa1"s, "5\0"s,
                           "\0"s
                           "5"s}) {
    EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Int, text), {kIntForm})) << text;
  }
}

// ---- date, hour, minute

TEST(PartitionValueDateTest, ParsesAndFormatsDates) {
  auto v = PartitionValue::parse(KeyType::Date, "2026-01-29");
  ASSERT_OK(v);
  EXPECT_EQ(v->type(), KeyType::Date);
  EXPECT_EQ(v->as_date().days, days_of(2026, 1, 29));
  EXPECT_EQ(v->to_string(), "2026-01-29");
  EXPECT_EQ(PartitionValue(Date{0}).to_string(), "1970-01-01");
  EXPECT_EQ(PartitionValue(Date{-1}).to_string(), "1969-12-31");
}

TEST(PartitionValueDateTest, RefusesFebruary30WithTheExactMessage) {
  auto v = PartitionValue::parse(KeyType::Date, "2026-02-30");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), Errc::InvalidArgument);
  EXPECT_EQ(v.error().message(),
            "date value \"2026-02-30\" is invalid: expected YYYY-MM-DD (a real calendar date, "
            "years 0001-9999)");
}

TEST(PartitionValueDateTest, RefusesMonth13) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Date, "2026-13-01"),
                                {"\"2026-13-01\"", kDateForm}));
}

TEST(PartitionValueDateTest, RefusesYearZero) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Date, "0000-01-01"),
                                {"\"0000-01-01\"", kDateForm}));
}

TEST(PartitionValueDateTest, AcceptsTheLastAndFirstDays) {
  auto last = PartitionValue::parse(KeyType::Date, "9999-12-31");
  ASSERT_OK(last);
  EXPECT_EQ(last->to_string(), "9999-12-31");
  auto first = PartitionValue::parse(KeyType::Date, "0001-01-01");
  ASSERT_OK(first);
  EXPECT_EQ(first->to_string(), "0001-01-01");
}

TEST(PartitionValueDateTest, AcceptsLeapDayOf2024) {
  EXPECT_OK(PartitionValue::parse(KeyType::Date, "2024-02-29"));
}

TEST(PartitionValueDateTest, RefusesLeapDayOf2023) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Date, "2023-02-29"),
                                {"\"2023-02-29\"", kDateForm}));
}

TEST(PartitionValueDateTest, RefusesOtherShapes) {
  for (std::string text : {"2026-1-29"s, "2026/01/29"s, "20260129"s, "2026-01-29 "s, " 2026-01-29"s,
                           "+2026-01-29"s, "2026-01-2a"s, "10000-01-01"s, "2026-01-29T00"s, ""s,
                           "2026-01-\0"
                           "9"s,
                           "２０２６-01-29"s}) {
    EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Date, text), {kDateForm})) << text;
  }
}

TEST(PartitionValueHourTest, ParsesAndFormatsHours) {
  auto v = PartitionValue::parse(KeyType::Hour, "2026-01-29T23");
  ASSERT_OK(v);
  EXPECT_EQ(v->as_hour().hours, days_of(2026, 1, 29) * 24 + 23);
  EXPECT_EQ(v->to_string(), "2026-01-29T23");
  EXPECT_EQ(PartitionValue(Hour{-1}).to_string(), "1969-12-31T23");
  EXPECT_EQ(PartitionValue(Hour{0}).to_string(), "1970-01-01T00");
}

TEST(PartitionValueHourTest, RefusesHour24) {
  EXPECT_TRUE(
      IsInvalidArgument(PartitionValue::parse(KeyType::Hour, "2026-01-29T24"),
                        {"hour value \"2026-01-29T24\"", "expected YYYY-MM-DDTHH", "hour 00-23"}));
}

TEST(PartitionValueHourTest, RefusesOtherShapes) {
  for (std::string text : {"2026-01-29t05"s, "2026-01-29T5"s, "2026-01-29 05"s, "2026-01-29"s,
                           "2026-02-30T05"s, "2026-01-29T05:00"s, "2026-01-29T-1"s}) {
    EXPECT_TRUE(
        IsInvalidArgument(PartitionValue::parse(KeyType::Hour, text), {"expected YYYY-MM-DDTHH"}))
        << text;
  }
}

TEST(PartitionValueMinuteTest, ParsesAndFormatsMinutes) {
  auto v = PartitionValue::parse(KeyType::Minute, "2026-01-29T23:59");
  ASSERT_OK(v);
  EXPECT_EQ(v->as_minute().minutes, days_of(2026, 1, 29) * 1440 + 23 * 60 + 59);
  EXPECT_EQ(v->to_string(), "2026-01-29T23:59");
  EXPECT_EQ(PartitionValue(Minute{-1}).to_string(), "1969-12-31T23:59");
}

TEST(PartitionValueMinuteTest, RefusesMinute60) {
  EXPECT_TRUE(IsInvalidArgument(
      PartitionValue::parse(KeyType::Minute, "2026-01-29T10:60"),
      {"minute value \"2026-01-29T10:60\"", "expected YYYY-MM-DDTHH:MM", "minute 00-59"}));
}

TEST(PartitionValueMinuteTest, RefusesHour24) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Minute, "2026-01-29T24:00"),
                                {"\"2026-01-29T24:00\""}));
}

TEST(PartitionValueMinuteTest, RefusesOtherShapes) {
  for (std::string text : {"2026-01-29T10-30"s, "2026-01-29T10:3"s, "2026-01-29T10"s,
                           "2026-01-29T10:30:00"s, "2023-02-29T10:30"s}) {
    EXPECT_TRUE(IsInvalidArgument(PartitionValue::parse(KeyType::Minute, text),
                                  {"expected YYYY-MM-DDTHH:MM"}))
        << text;
  }
}

// Values built from counts outside years 0001-9999 still format without
// overflow (UBSan checks), and their text does not parse back.
TEST(PartitionValueCalendarTest, ExtremeCountsFormatWithoutOverflow) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  for (PartitionValue v :
       {PartitionValue(Date{kMin}), PartitionValue(Date{kMax}), PartitionValue(Hour{kMin}),
        PartitionValue(Hour{kMax}), PartitionValue(Minute{kMin}), PartitionValue(Minute{kMax}),
        PartitionValue(Date{days_of(1, 1, 1) - 1}),
        PartitionValue(Date{days_of(9999, 12, 31) + 1})}) {
    const std::string text = v.to_string();
    EXPECT_FALSE(text.empty());
    EXPECT_FALSE(PartitionValue::parse(v.type(), text).has_value()) << text;
  }
  EXPECT_EQ(PartitionValue(Date{days_of(1, 1, 1) - 1}).to_string(), "0000-12-31");
  EXPECT_EQ(PartitionValue(Date{days_of(9999, 12, 31) + 1}).to_string(), "10000-01-01");
}

TEST(PartitionValueCalendarTest, RandomValuesRoundTripThroughText) {
  std::mt19937_64 rng(42);
  const std::int64_t first = days_of(1, 1, 1);
  const std::int64_t last = days_of(9999, 12, 31);
  std::uniform_int_distribution<std::int64_t> day(first, last);
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t d = day(rng);
    for (PartitionValue v :
         {PartitionValue(Date{d}),
          PartitionValue(Hour{d * 24 + static_cast<std::int64_t>(rng() % 24)}),
          PartitionValue(Minute{d * 1440 + static_cast<std::int64_t>(rng() % 1440)})}) {
      auto back = PartitionValue::parse(v.type(), v.to_string());
      ASSERT_OK(back);
      ASSERT_EQ(*back, v) << v.to_string();
    }
  }
}

// ---- strings, types and ordering

TEST(PartitionValueTest, StringsParseAsAnyBytes) {
  const std::string bytes = "a\0/..=%\xff\n"s;
  auto v = PartitionValue::parse(KeyType::String, bytes);
  ASSERT_OK(v);
  EXPECT_EQ(v->as_string(), bytes);
  EXPECT_EQ(v->to_string(), bytes);
  EXPECT_OK(PartitionValue::parse(KeyType::String, ""));
}

TEST(PartitionValueTest, ConstructorsPickTheType) {
  EXPECT_EQ(PartitionValue().type(), KeyType::String);
  EXPECT_EQ(PartitionValue("x").type(), KeyType::String);
  EXPECT_EQ(PartitionValue(std::string("x")).type(), KeyType::String);
  EXPECT_EQ(PartitionValue(5).type(), KeyType::Int);
  EXPECT_EQ(PartitionValue(std::int64_t{5}).type(), KeyType::Int);
  EXPECT_EQ(PartitionValue(Date{1}).type(), KeyType::Date);
  EXPECT_EQ(PartitionValue(Hour{1}).type(), KeyType::Hour);
  EXPECT_EQ(PartitionValue(Minute{1}).type(), KeyType::Minute);
}

TEST(PartitionValueTest, ParseRefusesAnUnknownType) {
  EXPECT_TRUE(
      IsInvalidArgument(PartitionValue::parse(static_cast<KeyType>(9), "x"), {"key type 9"}));
}

TEST(PartitionValueTest, IntsCompareNumericallyNotAsText) {
  EXPECT_LT(PartitionValue(9), PartitionValue(10));
  EXPECT_LT(PartitionValue(-10), PartitionValue(-9));
  EXPECT_LT(PartitionValue(std::numeric_limits<std::int64_t>::min()),
            PartitionValue(std::numeric_limits<std::int64_t>::max()));
  EXPECT_EQ(PartitionValue(7), PartitionValue::parse(KeyType::Int, "7").value());
}

TEST(PartitionValueTest, DatesCompareChronologically) {
  const auto d = [](const char* s) { return PartitionValue::parse(KeyType::Date, s).value(); };
  EXPECT_LT(d("0999-12-31"), d("1000-01-01"));
  EXPECT_LT(d("2026-01-09"), d("2026-01-10"));
  EXPECT_LT(d("1969-12-31"), d("1970-01-01"));
  const auto h = [](const char* s) { return PartitionValue::parse(KeyType::Hour, s).value(); };
  EXPECT_LT(h("2026-01-29T23"), h("2026-01-30T00"));
}

TEST(PartitionValueTest, StringsCompareAsUnsignedBytes) {
  EXPECT_LT(PartitionValue("z"), PartitionValue("\x80"));
  EXPECT_LT(PartitionValue("\x7f"), PartitionValue("\xff"));
  EXPECT_LT(PartitionValue(""), PartitionValue(std::string("\0", 1)));
  EXPECT_LT(PartitionValue("a"), PartitionValue("ab"));
  EXPECT_LT(PartitionValue("B"), PartitionValue("a"));
}

TEST(PartitionValueTest, EqualityIsTyped) {
  EXPECT_NE(PartitionValue("5"), PartitionValue(5));
  EXPECT_NE(PartitionValue(Date{5}), PartitionValue(Hour{5}));
  EXPECT_NE(PartitionValue(5) <=> PartitionValue("5"), std::strong_ordering::equal);
  // Different types order by type, consistently in both directions.
  EXPECT_EQ(PartitionValue("5") < PartitionValue(5), PartitionValue(5) > PartitionValue("5"));
}

}  // namespace
}  // namespace chronicle
