#include <chronicle/compression/seekable_format.hpp>
#include <chronicle/table/compression_policy.hpp>
#include <chronicle/table/table_config.hpp>

#include <gtest/gtest.h>

#include "support/status_matchers.hpp"

namespace chronicle {
namespace {

SegmentInfo sealed_at(std::uint64_t modified_ns, std::uint64_t size = 1000) {
  SegmentInfo s;
  s.sealed = true;
  s.modified_ns = modified_ns;
  s.size_on_disk = size;
  return s;
}

constexpr std::uint64_t kDay = kNanosPerDay;
constexpr std::uint64_t kT0 = 1'700'000'000'000'000'000ull;

TEST(CompressionPolicyTest, AgeAfterIsInclusiveAtTheBoundary) {
  const auto p = CompressionPolicy::age_after(3);
  const auto s = sealed_at(kT0);
  EXPECT_FALSE(p.eligible(s, kT0 + 3 * kDay - 1));
  EXPECT_TRUE(p.eligible(s, kT0 + 3 * kDay));
  EXPECT_TRUE(p.eligible(s, kT0 + 3 * kDay + 1));
}

TEST(CompressionPolicyTest, IdleAfterHonoursReadsOnlyWhenTracking) {
  auto s = sealed_at(kT0);
  s.last_read_ns = kT0 + 5 * kDay;
  const auto tracking = CompressionPolicy::idle_after(1, true);
  const auto not_tracking = CompressionPolicy::idle_after(1, false);
  const std::uint64_t now = kT0 + 5 * kDay + kDay / 2;  // read half a day ago
  EXPECT_FALSE(tracking.eligible(s, now));
  EXPECT_TRUE(not_tracking.eligible(s, now));
  EXPECT_TRUE(tracking.eligible(s, kT0 + 6 * kDay));
  s.last_read_ns.reset();  // never read: falls back to the seal time
  EXPECT_TRUE(tracking.eligible(s, kT0 + kDay));
  EXPECT_FALSE(tracking.eligible(s, kT0 + kDay - 1));
}

TEST(CompressionPolicyTest, AClockThatWentBackwardsMakesNothingEligible) {
  const auto s = sealed_at(kT0);
  EXPECT_FALSE(CompressionPolicy::age_after(1).eligible(s, kT0 - 10 * kDay));
  EXPECT_FALSE(CompressionPolicy::idle_after(1, true).eligible(s, kT0 - 1));
}

TEST(CompressionPolicyTest, SizeThresholdIsInclusive) {
  const auto p = CompressionPolicy::size_threshold(4096);
  EXPECT_FALSE(p.eligible(sealed_at(kT0, 4095), kT0));
  EXPECT_TRUE(p.eligible(sealed_at(kT0, 4096), kT0));
}

TEST(CompressionPolicyTest, NeverImmediateAndCustom) {
  const auto s = sealed_at(kT0);
  EXPECT_FALSE(CompressionPolicy::never().eligible(s, kT0 + 1000 * kDay));
  EXPECT_TRUE(CompressionPolicy::immediate().eligible(s, kT0));
  const auto even = CompressionPolicy::custom(
      [](const SegmentInfo& i, std::uint64_t) { return i.segment_id % 2 == 0; }, "even ids");
  auto odd = s;
  odd.segment_id = 3;
  EXPECT_TRUE(even.eligible(s, kT0));
  EXPECT_FALSE(even.eligible(odd, kT0));
  EXPECT_EQ(even.to_string(), "custom(even ids)");
}

TEST(CompressionPolicyTest, UnsealedOrColdSegmentsAreNeverEligible) {
  auto live = sealed_at(kT0);
  live.sealed = false;
  auto cold = sealed_at(kT0);
  cold.tier = SegmentTier::Cold;
  for (const auto& p : {CompressionPolicy::immediate(), CompressionPolicy::age_after(1),
                        CompressionPolicy::size_threshold(1)}) {
    EXPECT_FALSE(p.eligible(live, kT0 + 100 * kDay)) << p.to_string();
    EXPECT_FALSE(p.eligible(cold, kT0 + 100 * kDay)) << p.to_string();
  }
}

TEST(CompressionPolicyTest, EveryStorableVariantRoundTripsThroughJson) {
  for (const auto& p :
       {CompressionPolicy::never(), CompressionPolicy::immediate(), CompressionPolicy::age_after(30),
        CompressionPolicy::idle_after(7, true), CompressionPolicy::idle_after(2, false),
        CompressionPolicy::size_threshold(1 << 20)}) {
    ASSERT_OK_AND_ASSIGN(auto json, p.to_json());
    ASSERT_OK_AND_ASSIGN(auto back, CompressionPolicy::from_json(json));
    EXPECT_EQ(back, p) << json;
  }
}

TEST(CompressionPolicyTest, CustomCannotBeSerialized) {
  auto j = CompressionPolicy::custom([](const SegmentInfo&, std::uint64_t) { return true; }).to_json();
  EXPECT_ERROR(j, Errc::InvalidArgument);
  EXPECT_NE(j.error().message().find("cannot be serialized"), std::string::npos);
}

TEST(CompressionPolicyTest, BadValuesAreRefused) {
  EXPECT_ERROR(CompressionPolicy::age_after(0).validate(), Errc::InvalidArgument);
  EXPECT_ERROR(CompressionPolicy::idle_after(36'501, true).validate(), Errc::InvalidArgument);
  EXPECT_ERROR(CompressionPolicy::size_threshold(0).validate(), Errc::InvalidArgument);
  EXPECT_ERROR(CompressionPolicy::size_threshold(UINT64_MAX).validate(), Errc::InvalidArgument);
  EXPECT_ERROR(CompressionPolicy::custom(nullptr).validate(), Errc::InvalidArgument);
}

TEST(CompressionPolicyTest, BadJsonIsRefusedNamingTheField) {
  struct Case {
    const char* json;
    const char* fragment;
  };
  for (const Case& c : std::initializer_list<Case>{
           {R"({"kind":"age_after","days":-1})", "policy.days"},
           {R"({"kind":"age_after","days":1e300})", "policy.days"},
           {R"({"kind":"age_after","days":18446744073709551615})", "policy.days"},
           {R"({"kind":"age_after"})", "policy.days"},
           {R"({"kind":"idle_after","days":3})", "policy.track_reads"},
           {R"({"kind":"size_threshold","bytes":0})", "policy.bytes"},
           {R"({"kind":"sometimes"})", "unknown compression policy"},
           {R"({"days":3})", "policy.kind"},
           {R"([1,2])", "expected an object"},
           {R"({"kind":"never","kind":"immediate"})", "duplicate key"},
           {R"({"kind":"never")", "invalid JSON"},
       }) {
    auto p = CompressionPolicy::from_json(c.json);
    ASSERT_FALSE(p) << c.json;
    EXPECT_EQ(p.error().code(), Errc::InvalidArgument) << c.json;
    EXPECT_NE(p.error().message().find(c.fragment), std::string::npos)
        << c.json << " -> " << p.error().message();
  }
}

TEST(TableConfigTest, DefaultsAreValidAndBadFieldsAreNamed) {
  EXPECT_OK(TableConfig{}.validate());
  auto expect_bad = [](TableConfig c, const char* fragment) {
    auto st = c.validate();
    ASSERT_FALSE(st) << fragment;
    EXPECT_EQ(st.error().code(), Errc::InvalidArgument);
    EXPECT_NE(st.error().message().find(fragment), std::string::npos) << st.error().message();
  };
  TableConfig c;
  c.segment_size = 1000;
  expect_bad(c, "segment_size");
  c = {};
  c.index_stride = 0;
  expect_bad(c, "index_stride");
  c = {};
  c.compression_block_size = 0;
  expect_bad(c, "compression_block_size");
  c = {};
  c.compression_block_size = kMaxColdFrameSize + 1;
  expect_bad(c, "compression_block_size");
  c = {};
  c.compression_level = 23;
  expect_bad(c, "level");
  c = {};
  c.compression_policy = CompressionPolicy::age_after(0);
  expect_bad(c, "days");
  c = {};
  c.file_mode = 0666;
  expect_bad(c, "world-writable");
}

}  // namespace
}  // namespace chronicle
