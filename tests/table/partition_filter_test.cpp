#include <chronicle/table/partition/partition_filter.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "support/status_matchers.hpp"
#include "table/partition_test_util.hpp"

namespace chronicle {
namespace {

using chronicle::testing::IsInvalidArgument;
using F = PartitionFilter;

PartitionValue date(const char* text) { return PartitionValue::parse(KeyType::Date, text).value(); }

class PartitionFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scheme_ =
        PartitionScheme::create(
            {{"venue", KeyType::String, 0}, {"level", KeyType::Int, 0}, {"date", KeyType::Date, 0}})
            .value();
  }

  PartitionValues p(const char* venue, std::int64_t level, const char* day) const {
    return PartitionValues::create(scheme_,
                                   {{"venue", venue}, {"level", level}, {"date", date(day)}})
        .value();
  }

  bool matches(const F& f, const PartitionValues& v) const {
    EXPECT_OK(f.validate(scheme_));
    return f.matches(scheme_, v);
  }

  PartitionScheme scheme_;
};

TEST_F(PartitionFilterTest, AllMatchesEveryPartition) {
  EXPECT_TRUE(matches(F::all(), p("XNAS", 1, "2026-01-29")));
  EXPECT_TRUE(matches(F::all(), p("", -5, "0001-01-01")));
}

TEST_F(PartitionFilterTest, ExactMatchesOnlyTheEqualTypedValue) {
  const auto v = p("XNAS", 10, "2026-01-29");
  EXPECT_TRUE(matches(F::exact("venue", "XNAS"), v));
  EXPECT_FALSE(matches(F::exact("venue", "xnas"), v));
  EXPECT_TRUE(matches(F::exact("level", 10), v));
  EXPECT_FALSE(matches(F::exact("level", 1), v));
  EXPECT_TRUE(matches(F::exact("date", date("2026-01-29")), v));
  EXPECT_FALSE(matches(F::exact("date", date("2026-01-28")), v));
}

TEST_F(PartitionFilterTest, InMatchesAnyMember) {
  const auto v = p("XNAS", 10, "2026-01-29");
  EXPECT_TRUE(matches(F::in("venue", {"XLON", "XNAS"}), v));
  EXPECT_FALSE(matches(F::in("venue", {"XLON", "XPAR"}), v));
  EXPECT_TRUE(matches(F::in("level", {9, 10}), v));
}

TEST_F(PartitionFilterTest, InWithAnEmptySetMatchesNothing) {
  EXPECT_FALSE(matches(F::in("venue", {}), p("XNAS", 10, "2026-01-29")));
  EXPECT_FALSE(matches(F::in("level", {}), p("", 0, "2026-01-29")));
}

TEST_F(PartitionFilterTest, RangeBoundsAreInclusiveAndMayBeOpen) {
  const auto r = F::range("level", 5, 10);
  EXPECT_FALSE(matches(r, p("X", 4, "2026-01-29")));
  EXPECT_TRUE(matches(r, p("X", 5, "2026-01-29")));
  EXPECT_TRUE(matches(r, p("X", 10, "2026-01-29")));
  EXPECT_FALSE(matches(r, p("X", 11, "2026-01-29")));
  EXPECT_TRUE(matches(F::range("level", std::nullopt, 10), p("X", INT64_MIN, "2026-01-29")));
  EXPECT_TRUE(matches(F::range("level", 5, std::nullopt), p("X", INT64_MAX, "2026-01-29")));
  EXPECT_TRUE(matches(F::range("level", std::nullopt, std::nullopt), p("X", 0, "2026-01-29")));
  EXPECT_FALSE(matches(F::range("level", 10, 5), p("X", 7, "2026-01-29")));
}

// The ancestor compared text, so "10" < "9" and "100" fell between them.
TEST_F(PartitionFilterTest, RangeComparesIntsNumerically) {
  const auto r = F::range("level", 9, 10);
  EXPECT_TRUE(matches(r, p("X", 9, "2026-01-29")));
  EXPECT_TRUE(matches(r, p("X", 10, "2026-01-29")));
  EXPECT_FALSE(matches(r, p("X", 100, "2026-01-29")));
  EXPECT_FALSE(matches(F::range("level", -9, -1), p("X", -10, "2026-01-29")));
  EXPECT_TRUE(matches(F::range("level", -10, -9), p("X", -10, "2026-01-29")));
}

TEST_F(PartitionFilterTest, RangeComparesDatesChronologically) {
  const auto r = F::range("date", date("0999-12-31"), date("1000-01-02"));
  EXPECT_TRUE(matches(r, p("X", 0, "1000-01-01")));
  EXPECT_FALSE(matches(r, p("X", 0, "0999-12-30")));
  EXPECT_FALSE(matches(r, p("X", 0, "1000-01-10")));
  const auto feb = F::range("date", date("2024-02-28"), date("2024-03-01"));
  EXPECT_TRUE(matches(feb, p("X", 0, "2024-02-29")));
}

TEST_F(PartitionFilterTest, RangeComparesStringsByUnsignedBytes) {
  const auto r = F::range("venue", "a", "b");
  EXPECT_TRUE(matches(r, p("a\xff", 0, "2026-01-29")));
  EXPECT_FALSE(matches(r, p("B", 0, "2026-01-29")));
  EXPECT_FALSE(matches(F::range("venue", "\x80", std::nullopt), p("z", 0, "2026-01-29")));
}

TEST_F(PartitionFilterTest, AndOrNotCombine) {
  const auto v = p("XNAS", 10, "2026-01-29");
  const auto yes = F::exact("venue", "XNAS");
  const auto no = F::exact("level", 11);
  EXPECT_TRUE(matches(F::and_({yes, yes}), v));
  EXPECT_FALSE(matches(F::and_({yes, no}), v));
  EXPECT_TRUE(matches(F::or_({no, yes}), v));
  EXPECT_FALSE(matches(F::or_({no, no}), v));
  EXPECT_TRUE(matches(F::not_(no), v));
  EXPECT_FALSE(matches(F::not_(yes), v));
  EXPECT_TRUE(matches(F::not_(F::not_(yes)), v));
}

TEST_F(PartitionFilterTest, EmptyAndMatchesAllEmptyOrMatchesNothing) {
  const auto v = p("XNAS", 10, "2026-01-29");
  EXPECT_TRUE(matches(F::and_({}), v));
  EXPECT_FALSE(matches(F::or_({}), v));
}

TEST_F(PartitionFilterTest, ValidateRefusesAnUnknownKey) {
  EXPECT_TRUE(IsInvalidArgument(F::exact("symbol", "AAPL").validate(scheme_),
                                {"\"symbol\"", "venue, level, date"}));
  EXPECT_TRUE(IsInvalidArgument(F::in("sym\nbol", {}).validate(scheme_), {"\"sym\\x0abol\""}));
  EXPECT_TRUE(
      IsInvalidArgument(F::range("x", std::nullopt, std::nullopt).validate(scheme_), {"\"x\""}));
}

TEST_F(PartitionFilterTest, ValidateRefusesAValueOfTheWrongType) {
  EXPECT_TRUE(IsInvalidArgument(F::exact("date", "2026-01-29").validate(scheme_),
                                {"key \"date\"", "string value \"2026-01-29\"", "type date"}));
  EXPECT_TRUE(IsInvalidArgument(F::exact("level", "10").validate(scheme_), {"type int"}));
  EXPECT_TRUE(IsInvalidArgument(F::in("level", {1, "2"}).validate(scheme_), {"\"2\""}));
  EXPECT_TRUE(IsInvalidArgument(F::range("level", 1, date("2026-01-29")).validate(scheme_),
                                {"date value 2026-01-29"}));
  EXPECT_TRUE(IsInvalidArgument(F::range("venue", 5, std::nullopt).validate(scheme_),
                                {"int value 5", "type string"}));
}

TEST_F(PartitionFilterTest, ValidateLooksInsideCombinators) {
  const auto bad = F::exact("level", "x\"y\x1b");
  EXPECT_TRUE(IsInvalidArgument(F::and_({F::all(), F::or_({F::not_(bad)})}).validate(scheme_),
                                {"\"x\\x22y\\x1b\""}));
}

TEST_F(PartitionFilterTest, ValidateAcceptsNesting64AndRefuses65) {
  F f = F::exact("level", 1);
  for (int i = 0; i < 64; ++i)
    f = (i % 3 == 0) ? F::not_(f) : (i % 3 == 1) ? F::and_({f}) : F::or_({f});
  EXPECT_OK(f.validate(scheme_));
  EXPECT_TRUE(IsInvalidArgument(F::not_(f).validate(scheme_), {"more than 64 levels"}));
  EXPECT_TRUE(
      IsInvalidArgument(F::and_({F::all(), F::and_({f})}).validate(scheme_), {"more than 64"}));
}

TEST_F(PartitionFilterTest, AMillionLevelFilterIsRefusedPrintedAndReleasedSafely) {
  F f = F::exact("level", 1);
  for (int i = 0; i < 1'000'000; ++i)
    f = (i % 2 == 0) ? F::not_(std::move(f)) : F::and_({std::move(f)});
  EXPECT_TRUE(IsInvalidArgument(f.validate(scheme_), {"more than 64"}));
  EXPECT_NE(f.to_string().find("..."), std::string::npos);
  f = F::all();  // releases the chain; must not recurse a million frames
  EXPECT_OK(f.validate(scheme_));
}

TEST_F(PartitionFilterTest, SharedSubfiltersSurviveTheirParents) {
  const F leaf = F::exact("level", 10);
  { const F parent = F::and_({leaf, F::not_(leaf)}); }
  EXPECT_TRUE(matches(leaf, p("X", 10, "2026-01-29")));
  EXPECT_EQ(leaf.to_string(), "level = 10");
}

TEST_F(PartitionFilterTest, MovedFromFilterActsAsAll) {
  F f = F::exact("level", 1);
  F g = std::move(f);
  // NOLINTNEXTLINE(bugprone-use-after-move): the point of the test
  EXPECT_TRUE(matches(f, p("X", 2, "2026-01-29")));
  EXPECT_EQ(f.to_string(), "all");
  EXPECT_TRUE(matches(F::not_(std::move(f)), p("X", 2, "2026-01-29")) == false);
  EXPECT_FALSE(matches(g, p("X", 2, "2026-01-29")));
}

TEST_F(PartitionFilterTest, ToStringIsReadable) {
  EXPECT_EQ(
      F::and_({F::range("date", date("2026-01-27"), date("2026-01-29")), F::exact("venue", "XNAS")})
          .to_string(),
      "date in [2026-01-27, 2026-01-29] and venue = \"XNAS\"");
  EXPECT_EQ(F::all().to_string(), "all");
  EXPECT_EQ(F::in("level", {1, -2}).to_string(), "level in {1, -2}");
  EXPECT_EQ(F::in("level", {}).to_string(), "level in {}");
  EXPECT_EQ(F::range("level", 9, std::nullopt).to_string(), "level >= 9");
  EXPECT_EQ(F::range("level", std::nullopt, 9).to_string(), "level <= 9");
  EXPECT_EQ(F::range("level", std::nullopt, std::nullopt).to_string(), "level is any");
  EXPECT_EQ(F::or_({F::exact("level", 1), F::and_({F::exact("level", 2), F::exact("venue", "A")}),
                    F::not_(F::exact("venue", "B"))})
                .to_string(),
            "level = 1 or (level = 2 and venue = \"A\") or not (venue = \"B\")");
  EXPECT_EQ(F::and_({}).to_string(), "all");
  EXPECT_EQ(F::or_({}).to_string(), "none");
}

TEST_F(PartitionFilterTest, ASharedSubFilterThatExpandsExponentiallyIsRefused) {
  // 40 doublings share one node each time: 2^40 leaves as a tree.
  F f = F::exact("venue", "XNAS");
  for (int i = 0; i < 40; ++i) f = F::and_({f, f});
  auto st = f.validate(scheme_);
  EXPECT_ERROR(st, Errc::InvalidArgument);
  EXPECT_NE(st.error().message().find("nodes"), std::string::npos) << st.error().message();
  // Ten doublings (1024 leaves) are fine.
  F g = F::exact("venue", "XNAS");
  for (int i = 0; i < 10; ++i) g = F::and_({g, g});
  EXPECT_TRUE(matches(g, p("XNAS", 1, "2026-01-29")));
}

TEST_F(PartitionFilterTest, ToStringEscapesStringsAndKeys) {
  EXPECT_EQ(F::exact("venue", "a\"b\n\\").to_string(), "venue = \"a\\x22b\\x0a\\x5c\"");
  EXPECT_EQ(F::exact("k\x1b", 1).to_string(), "k\\x1b = 1");
}

// ---- brute force against an independent reference (RELIABILITY J3)

// A value as the reference sees it: ints as integers, dates as (y, m, d),
// strings as unsigned bytes. Nothing here uses chronicle's comparisons.
struct RefValue {
  KeyType type = KeyType::String;
  std::int64_t i = 0;
  std::tuple<int, int, int> ymd{};
  std::string s;
};

int ref_compare(const RefValue& a, const RefValue& b) {
  switch (a.type) {
    case KeyType::Int:
      return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    case KeyType::Date:
      return a.ymd < b.ymd ? -1 : a.ymd > b.ymd ? 1 : 0;
    default: {
      const auto* x = reinterpret_cast<const unsigned char*>(a.s.data());
      const auto* y = reinterpret_cast<const unsigned char*>(b.s.data());
      const bool less = std::lexicographical_compare(x, x + a.s.size(), y, y + b.s.size());
      const bool more = std::lexicographical_compare(y, y + b.s.size(), x, x + a.s.size());
      return less ? -1 : more ? 1 : 0;
    }
  }
}

struct RefFilter {
  enum Kind { All, Exact, In, Range, And, Or, Not } kind = All;
  std::size_t key = 0;
  std::vector<RefValue> values;
  std::optional<RefValue> lo, hi;
  std::vector<RefFilter> parts;
};

bool ref_matches(const RefFilter& f, const std::vector<RefValue>& row) {
  switch (f.kind) {
    case RefFilter::All:
      return true;
    case RefFilter::Exact:
    case RefFilter::In:
      return std::any_of(f.values.begin(), f.values.end(),
                         [&](const RefValue& v) { return ref_compare(row[f.key], v) == 0; });
    case RefFilter::Range:
      return (!f.lo || ref_compare(*f.lo, row[f.key]) <= 0) &&
             (!f.hi || ref_compare(row[f.key], *f.hi) <= 0);
    case RefFilter::And:
      return std::all_of(f.parts.begin(), f.parts.end(),
                         [&](const RefFilter& p) { return ref_matches(p, row); });
    case RefFilter::Or:
      return std::any_of(f.parts.begin(), f.parts.end(),
                         [&](const RefFilter& p) { return ref_matches(p, row); });
    case RefFilter::Not:
      return !ref_matches(f.parts.front(), row);
  }
  return false;
}

class BruteForce {
 public:
  explicit BruteForce(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t next(std::uint64_t n) { return rng_() % n; }

  PartitionScheme scheme() {
    std::vector<PartitionKey> keys;
    const std::size_t n = 1 + next(4);
    for (std::size_t i = 0; i < n; ++i) {
      static constexpr KeyType kTypes[] = {KeyType::Int, KeyType::Date, KeyType::String};
      const KeyType t = kTypes[next(3)];
      keys.push_back({"k" + std::to_string(i), t,
                      t == KeyType::Date ? static_cast<std::int32_t>(next(2879)) - 1439 : 0});
    }
    return PartitionScheme::create(keys).value();
  }

  // The value as both chronicle (parsed from text) and the reference see it.
  std::pair<PartitionValue, RefValue> value(KeyType type) {
    RefValue r;
    r.type = type;
    switch (type) {
      case KeyType::Int: {
        static constexpr std::int64_t kEdges[] = {
            -101, -100, -11, -10, -9, -1, 0, 1, 2, 9, 10, 11, 99, 100, 101, INT64_MIN, INT64_MAX};
        r.i =
            next(2) ? kEdges[next(std::size(kEdges))] : static_cast<std::int64_t>(next(401)) - 200;
        return {PartitionValue::parse(type, fmt::format("{}", r.i)).value(), r};
      }
      case KeyType::Date: {
        static constexpr int kYears[] = {1, 999, 1000, 1900, 1969, 1970, 2000, 2024, 2026, 9999};
        const int y = kYears[next(std::size(kYears))];
        const int m = 1 + static_cast<int>(next(12));
        const int d = 1 + static_cast<int>(next(28));
        r.ymd = {y, m, d};
        return {PartitionValue::parse(type, fmt::format("{:04d}-{:02d}-{:02d}", y, m, d)).value(),
                r};
      }
      default: {
        static const std::string kStrings[] = {"",     "a",     "ab", "b",  "B",
                                               "\x80", "a\x80", "9",  "10", std::string(1, '\0')};
        r.s = kStrings[next(std::size(kStrings))];
        return {PartitionValue(r.s), r};
      }
    }
  }

  std::pair<PartitionFilter, RefFilter> filter(const PartitionScheme& s, int depth) {
    RefFilter r;
    const std::uint64_t pick = next(depth >= 4 ? 4 : 7);
    r.kind = static_cast<RefFilter::Kind>(pick);
    r.key = next(s.size());
    const PartitionKey& key = s.keys()[r.key];
    switch (r.kind) {
      case RefFilter::All:
        return {F::all(), r};
      case RefFilter::Exact: {
        auto [v, rv] = value(key.type);
        r.values.push_back(rv);
        return {F::exact(key.name, v), r};
      }
      case RefFilter::In: {
        std::vector<PartitionValue> vs;
        for (std::uint64_t n = next(4); n > 0; --n) {
          auto [v, rv] = value(key.type);
          vs.push_back(v);
          r.values.push_back(rv);
        }
        return {F::in(key.name, vs), r};
      }
      case RefFilter::Range: {
        std::optional<PartitionValue> lo, hi;
        if (next(4) != 0) std::tie(lo, r.lo) = value(key.type);
        if (next(4) != 0) std::tie(hi, r.hi) = value(key.type);
        return {F::range(key.name, lo, hi), r};
      }
      default: {
        std::vector<PartitionFilter> parts;
        const std::uint64_t n = r.kind == RefFilter::Not ? 1 : next(4);
        for (std::uint64_t i = 0; i < n; ++i) {
          auto [pf, rf] = filter(s, depth + 1);
          parts.push_back(pf);
          r.parts.push_back(rf);
        }
        if (r.kind == RefFilter::And) return {F::and_(parts), r};
        if (r.kind == RefFilter::Or) return {F::or_(parts), r};
        return {F::not_(parts.front()), r};
      }
    }
  }

 private:
  std::mt19937_64 rng_;
};

TEST(PartitionFilterBruteForceTest, MatchesEqualsAnIndependentReference) {
  BruteForce gen(20260129);
  std::size_t checked = 0, matched = 0;
  for (int s = 0; s < 200; ++s) {
    const PartitionScheme scheme = gen.scheme();
    std::vector<std::pair<PartitionValues, std::vector<RefValue>>> rows;
    for (int r = 0; r < 60; ++r) {
      std::vector<std::pair<std::string, PartitionValue>> named;
      std::vector<RefValue> ref;
      for (const PartitionKey& k : scheme.keys()) {
        auto [v, rv] = gen.value(k.type);
        named.emplace_back(k.name, v);
        ref.push_back(rv);
      }
      rows.emplace_back(PartitionValues::create(scheme, named).value(), ref);
    }
    for (int f = 0; f < 60; ++f) {
      auto [filter, ref] = gen.filter(scheme, 0);
      ASSERT_OK(filter.validate(scheme));
      for (const auto& [values, ref_row] : rows) {
        const bool expected = ref_matches(ref, ref_row);
        ASSERT_EQ(filter.matches(scheme, values), expected)
            << filter.to_string() << " on " << values.to_string(scheme);
        ++checked;
        matched += expected ? 1 : 0;
      }
    }
  }
  // Both outcomes are common, so the comparison says something.
  EXPECT_GT(matched, checked / 10);
  EXPECT_LT(matched, checked * 9 / 10);
}

}  // namespace
}  // namespace chronicle
