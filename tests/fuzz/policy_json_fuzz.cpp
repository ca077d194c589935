// libFuzzer target: the input is a compression policy as JSON
// (CompressionPolicy::from_json, the form _table.json stores). It must parse
// to a valid policy or return InvalidArgument, never throw or crash; a
// parsed policy written back with to_json() must parse to the same policy.
// A parsed policy is then asked about segments drawn from the input's hash,
// placed on either side of its day or byte threshold, and must answer as
// the rules in compression_policy.hpp say; a custom policy with the same
// rules as its predicate must answer the same and refuse serialization.
#include <chronicle/table/compression_policy.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"

namespace {

using namespace chronicle;

constexpr std::uint64_t kDayNs = 86'400'000'000'000ull;

// The documented rules, written out again.
bool expected_eligible(const CompressionPolicy& p, const SegmentInfo& s, std::uint64_t now) {
  using Kind = CompressionPolicy::Kind;
  if (!s.sealed || s.tier != SegmentTier::Hot) return false;
  auto days_since = [&](std::uint64_t since) {
    return now >= since && (now - since) / kDayNs >= p.days();
  };
  switch (p.kind()) {
    case Kind::Never: return false;
    case Kind::Immediate: return true;
    case Kind::AgeAfter:
      return days_since(s.record_count > 0 ? s.max_timestamp_ns : s.modified_ns);
    case Kind::IdleAfter:
      return days_since(p.track_reads() && s.last_read_ns ? std::max(*s.last_read_ns, s.modified_ns)
                                                          : s.modified_ns);
    case Kind::SizeThreshold: return s.size_on_disk >= p.bytes();
    case Kind::Custom: break;
  }
  return false;
}

// `x`, one less or one more, without wrapping (the fuzz build traps
// unsigned overflow).
std::uint64_t near(std::uint64_t x, std::mt19937_64& rng) {
  switch (rng() % 3) {
    case 0: return x == 0 ? x : x - 1;
    case 1: return x == UINT64_MAX ? x : x + 1;
    default: return x;
  }
}

// A segment and a time one nanosecond either side of (or on) the policy's
// threshold, or anywhere.
std::pair<SegmentInfo, std::uint64_t> draw_segment(const CompressionPolicy& p, std::mt19937_64& rng) {
  SegmentInfo s;
  s.sealed = rng() % 4 != 0;
  s.tier = rng() % 4 != 0 ? SegmentTier::Hot : SegmentTier::Cold;
  s.record_count = rng() % 3;
  s.max_timestamp_ns = rng() % (1ull << 62);
  s.modified_ns = rng() % (1ull << 62);
  if (rng() % 2) s.last_read_ns = rng() % (1ull << 62);
  s.size_on_disk = rng() % 3 == 0 ? rng() : near(p.bytes(), rng);
  // Below 2^62 each, and days * kDayNs below 2^62: no sum wraps.
  const std::uint64_t reference = rng() % 2 ? s.max_timestamp_ns : s.modified_ns;
  const std::uint64_t now =
      rng() % 3 == 0 ? rng() % (1ull << 63) : near(reference + p.days() * kDayNs, rng);
  return {s, now};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = CompressionPolicy::from_json(text);
  if (!policy) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(policy.error(), Errc::InvalidArgument));
    return 0;
  }
  CHRONICLE_FUZZ_CHECK(policy->validate().has_value());
  auto json = policy->to_json();
  CHRONICLE_FUZZ_CHECK(json.has_value());
  auto again = CompressionPolicy::from_json(*json);
  CHRONICLE_FUZZ_CHECK(again.has_value() && *again == *policy);
  CHRONICLE_FUZZ_CHECK(again->to_json().value() == *json);
  CHRONICLE_FUZZ_CHECK(!policy->to_string().empty());

  const CompressionPolicy rules = *policy;
  const auto custom = CompressionPolicy::custom(
      [rules](const SegmentInfo& s, std::uint64_t now) { return expected_eligible(rules, s, now); },
      "same rules");
  CHRONICLE_FUZZ_CHECK(custom.validate().has_value());
  CHRONICLE_FUZZ_CHECK(!(custom == *policy));
  CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(custom.to_json().error(), Errc::InvalidArgument));
  CHRONICLE_FUZZ_CHECK(custom.to_string() == "custom(same rules)");
  CHRONICLE_FUZZ_CHECK(
      fuzz::is_input_error(CompressionPolicy::custom(nullptr).validate().error(), Errc::InvalidArgument));

  std::mt19937_64 rng(std::hash<std::string_view>{}(text));
  for (int i = 0; i < 16; ++i) {
    const auto [segment, now] = draw_segment(*policy, rng);
    const bool want = expected_eligible(*policy, segment, now);
    CHRONICLE_FUZZ_CHECK(policy->eligible(segment, now) == want);
    CHRONICLE_FUZZ_CHECK(custom.eligible(segment, now) == want);
  }
  return 0;
}
