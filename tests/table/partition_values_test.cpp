#include <chronicle/table/partition/partition_values.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/status_matchers.hpp"
#include "table/partition_test_util.hpp"

namespace chronicle {
namespace {

using chronicle::testing::IsInvalidArgument;

class PartitionValuesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scheme_ =
        PartitionScheme::create(
            {{"venue", KeyType::String, 0}, {"level", KeyType::Int, 0}, {"date", KeyType::Date, 0}})
            .value();
  }

  static PartitionValue date(const char* text) {
    return PartitionValue::parse(KeyType::Date, text).value();
  }

  PartitionValues make(const char* venue, std::int64_t level, const char* day) const {
    return PartitionValues::create(scheme_,
                                   {{"venue", venue}, {"level", level}, {"date", date(day)}})
        .value();
  }

  PartitionScheme scheme_;
};

TEST_F(PartitionValuesTest, CreateOrdersValuesByScheme) {
  auto v = PartitionValues::create(scheme_,
                                   {{"date", date("2026-01-29")}, {"venue", "XNAS"}, {"level", 3}});
  ASSERT_OK(v);
  ASSERT_EQ(v->size(), 3u);
  EXPECT_EQ((*v)[0], PartitionValue("XNAS"));
  EXPECT_EQ((*v)[1], PartitionValue(3));
  EXPECT_EQ(v->values()[2], date("2026-01-29"));
}

TEST_F(PartitionValuesTest, CreateRefusesAMissingKey) {
  auto v = PartitionValues::create(scheme_, {{"venue", "XNAS"}, {"date", date("2026-01-29")}});
  EXPECT_TRUE(IsInvalidArgument(v, {"\"level\" has no value", "venue, level, date"}));
}

TEST_F(PartitionValuesTest, CreateRefusesAnUnknownKey) {
  auto v = PartitionValues::create(
      scheme_, {{"venue", "XNAS"}, {"level", 1}, {"date", date("2026-01-29")}, {"sym\nbol", "A"}});
  EXPECT_TRUE(IsInvalidArgument(v, {"\"sym\\x0abol\" is not in the scheme", "venue, level, date"}));
}

TEST_F(PartitionValuesTest, CreateRefusesADuplicateKey) {
  auto v = PartitionValues::create(
      scheme_, {{"venue", "XNAS"}, {"level", 1}, {"venue", "XLON"}, {"date", date("2026-01-29")}});
  EXPECT_TRUE(IsInvalidArgument(v, {"\"venue\" is given twice"}));
}

TEST_F(PartitionValuesTest, CreateRefusesAValueOfTheWrongType) {
  auto v = PartitionValues::create(
      scheme_, {{"venue", "XNAS"}, {"level", "3"}, {"date", date("2026-01-29")}});
  EXPECT_TRUE(IsInvalidArgument(
      v, {"\"level\" got the string value \"3\"", "expected a value of type int"}));
  auto d = PartitionValues::create(scheme_, {{"venue", "XNAS"}, {"level", 3}, {"date", Hour{5}}});
  EXPECT_TRUE(
      IsInvalidArgument(d, {"\"date\" got the hour value", "expected a value of type date"}));
}

TEST_F(PartitionValuesTest, WrongTypeMessageEscapesTheValue) {
  auto v = PartitionValues::create(
      scheme_, {{"venue", 5}, {"level", std::string("x\x1b[2J")}, {"date", date("2026-01-29")}});
  EXPECT_TRUE(IsInvalidArgument(v, {"\"venue\" got the int value \"5\""}));
  auto w = PartitionValues::create(
      scheme_, {{"venue", "v"}, {"level", std::string("x\x1b[2J")}, {"date", date("2026-01-29")}});
  EXPECT_TRUE(IsInvalidArgument(w, {"\"x\\x1b[2J\""}));
}

TEST_F(PartitionValuesTest, ParseReadsTextForms) {
  auto v =
      PartitionValues::parse(scheme_, {{"level", "-12"}, {"date", "2024-02-29"}, {"venue", ""}});
  ASSERT_OK(v);
  EXPECT_EQ((*v)[0].as_string(), "");
  EXPECT_EQ((*v)[1].as_int(), -12);
  EXPECT_EQ((*v)[2], date("2024-02-29"));
}

TEST_F(PartitionValuesTest, ParseNamesTheKeyOfABadText) {
  auto v =
      PartitionValues::parse(scheme_, {{"venue", "X"}, {"level", "007"}, {"date", "2026-01-01"}});
  EXPECT_TRUE(IsInvalidArgument(v, {"partition key \"level\"", "int value \"007\" is invalid"}));
  auto d =
      PartitionValues::parse(scheme_, {{"venue", "X"}, {"level", "7"}, {"date", "2023-02-29"}});
  EXPECT_TRUE(IsInvalidArgument(d, {"\"date\"", "\"2023-02-29\"", "YYYY-MM-DD"}));
}

TEST_F(PartitionValuesTest, ParseRefusesMissingUnknownAndDuplicateKeys) {
  EXPECT_TRUE(IsInvalidArgument(PartitionValues::parse(scheme_, {{"venue", "X"}, {"level", "1"}}),
                                {"\"date\" has no value"}));
  EXPECT_TRUE(IsInvalidArgument(
      PartitionValues::parse(
          scheme_, {{"venue", "X"}, {"level", "1"}, {"date", "2026-01-01"}, {"extra", "1"}}),
      {"\"extra\" is not in the scheme"}));
  EXPECT_TRUE(IsInvalidArgument(
      PartitionValues::parse(
          scheme_, {{"venue", "X"}, {"level", "1"}, {"level", "2"}, {"date", "2026-01-01"}}),
      {"\"level\" is given twice"}));
}

TEST_F(PartitionValuesTest, WithReplacesOneValue) {
  const PartitionValues a = make("XNAS", 1, "2026-01-29");
  const PartitionValues b = a.with(2, date("2026-01-30"));
  EXPECT_EQ(a[2], date("2026-01-29"));
  EXPECT_EQ(b[2], date("2026-01-30"));
  EXPECT_EQ(b[0], a[0]);
  EXPECT_EQ(b[1], a[1]);
  EXPECT_LT(a, b);
}

TEST_F(PartitionValuesTest, ToStringJoinsUnescapedValues) {
  EXPECT_EQ(make("XNAS", -3, "2026-01-29").to_string(scheme_),
            "venue=XNAS/level=-3/date=2026-01-29");
  EXPECT_EQ(make("a/b", 0, "0001-01-01").to_string(scheme_), "venue=a/b/level=0/date=0001-01-01");
  EXPECT_EQ(PartitionValues().to_string(scheme_), "");
}

TEST_F(PartitionValuesTest, OrderIsBySchemeKeyThenTypedValue) {
  std::vector<PartitionValues> v = {make("B", 1, "2026-01-01"),  make("A", 10, "2026-01-01"),
                                    make("A", 9, "2026-01-02"),  make("A", 9, "2026-01-01"),
                                    make("A", -1, "2027-01-01"), make("\x80", 0, "2026-01-01"),
                                    make("A", 9, "2025-12-31")};
  std::sort(v.begin(), v.end());
  std::vector<std::string> got;
  for (const auto& p : v) got.push_back(p.to_string(scheme_));
  EXPECT_EQ(got, (std::vector<std::string>{
                     "venue=A/level=-1/date=2027-01-01", "venue=A/level=9/date=2025-12-31",
                     "venue=A/level=9/date=2026-01-01", "venue=A/level=9/date=2026-01-02",
                     "venue=A/level=10/date=2026-01-01", "venue=B/level=1/date=2026-01-01",
                     "venue=\x80/level=0/date=2026-01-01"}));
  EXPECT_EQ(make("A", 9, "2026-01-01"), make("A", 9, "2026-01-01"));
  EXPECT_NE(make("A", 9, "2026-01-01"), make("a", 9, "2026-01-01"));
}

TEST(PartitionValuesEmptySchemeTest, EmptySchemeTakesNoValues) {
  PartitionScheme empty;
  auto v = PartitionValues::create(empty, {});
  ASSERT_OK(v);
  EXPECT_EQ(v->size(), 0u);
  EXPECT_TRUE(IsInvalidArgument(PartitionValues::create(empty, {{"x", 1}}), {"\"x\""}));
}

}  // namespace
}  // namespace chronicle
