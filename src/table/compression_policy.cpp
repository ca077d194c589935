#include <chronicle/table/compression_policy.hpp>

#include <chronicle/core/errors.hpp>

#include "json_util.hpp"
#include "policy_json.hpp"

namespace chronicle {

namespace {
constexpr std::uint32_t kMaxDays = 36'500;
constexpr std::uint64_t kMaxThreshold = 1ull << 40;

// Whether at least `days` have passed from `since` to `now` (never when the
// clock went backwards).
bool at_least_days(std::uint64_t since, std::uint64_t now, std::uint32_t days) {
  return now >= since && now - since >= static_cast<std::uint64_t>(days) * kNanosPerDay;
}
}  // namespace

CompressionPolicy CompressionPolicy::idle_after(std::uint32_t days, bool track_reads) {
  CompressionPolicy p(Kind::IdleAfter);
  p.days_ = days;
  p.track_reads_ = track_reads;
  return p;
}

CompressionPolicy CompressionPolicy::age_after(std::uint32_t days) {
  CompressionPolicy p(Kind::AgeAfter);
  p.days_ = days;
  return p;
}

CompressionPolicy CompressionPolicy::size_threshold(std::uint64_t bytes) {
  CompressionPolicy p(Kind::SizeThreshold);
  p.bytes_ = bytes;
  return p;
}

CompressionPolicy CompressionPolicy::custom(Predicate predicate, std::string name) {
  CompressionPolicy p(Kind::Custom);
  p.predicate_ = std::move(predicate);
  p.name_ = std::move(name);
  return p;
}

Status CompressionPolicy::validate() const {
  switch (kind_) {
    case Kind::IdleAfter:
    case Kind::AgeAfter:
      if (days_ < 1 || days_ > kMaxDays) {
        return invalid_argument("compression policy {}: days {} is invalid: expected 1..{}",
                                to_string(), days_, kMaxDays);
      }
      return {};
    case Kind::SizeThreshold:
      if (bytes_ < 1 || bytes_ > kMaxThreshold) {
        return invalid_argument("compression policy size_threshold: {} bytes is invalid: "
                                "expected 1..{}",
                                bytes_, kMaxThreshold);
      }
      return {};
    case Kind::Custom:
      if (!predicate_) return invalid_argument("custom compression policy has no predicate");
      return {};
    case Kind::Never:
    case Kind::Immediate:
      return {};
  }
  return {};
}

bool CompressionPolicy::eligible(const SegmentInfo& s, std::uint64_t now_ns) const {
  if (!s.sealed || s.tier != SegmentTier::Hot) return false;
  switch (kind_) {
    case Kind::Never: return false;
    case Kind::Immediate: return true;
    case Kind::AgeAfter: return at_least_days(s.age_reference_ns(), now_ns, days_);
    case Kind::IdleAfter: {
      const std::uint64_t last = track_reads_ && s.last_read_ns
                                     ? std::max(*s.last_read_ns, s.modified_ns)
                                     : s.modified_ns;
      return at_least_days(last, now_ns, days_);
    }
    case Kind::SizeThreshold: return s.size_on_disk >= bytes_;
    case Kind::Custom: return predicate_ && predicate_(s, now_ns);
  }
  return false;
}

std::string CompressionPolicy::to_string() const {
  switch (kind_) {
    case Kind::Never: return "never";
    case Kind::Immediate: return "immediate";
    case Kind::AgeAfter: return fmt::format("age_after({} days)", days_);
    case Kind::IdleAfter:
      return fmt::format("idle_after({} days{})", days_, track_reads_ ? ", track_reads" : "");
    case Kind::SizeThreshold: return fmt::format("size_threshold({} bytes)", bytes_);
    case Kind::Custom: return fmt::format("custom({})", name_);
  }
  return "?";
}

bool CompressionPolicy::operator==(const CompressionPolicy& o) const noexcept {
  if (kind_ == Kind::Custom || o.kind_ == Kind::Custom) return false;
  return kind_ == o.kind_ && days_ == o.days_ && track_reads_ == o.track_reads_ &&
         bytes_ == o.bytes_;
}

Result<std::string> CompressionPolicy::to_json() const {
  auto j = detail::policy_to_json(*this);
  if (!j) return std::move(j).error();
  return j->dump();
}

Result<CompressionPolicy> CompressionPolicy::from_json(std::string_view json) {
  auto j = detail::parse_json_strict(json, "compression policy JSON");
  if (!j) return Error(Errc::InvalidArgument, j.error().message());
  return detail::policy_from_json(*j, "policy");
}

namespace detail {

Result<nlohmann::json> policy_to_json(const CompressionPolicy& p) {
  using Kind = CompressionPolicy::Kind;
  if (auto ok = p.validate(); !ok) return std::move(ok).error();
  switch (p.kind()) {
    case Kind::Never: return nlohmann::json{{"kind", "never"}};
    case Kind::Immediate: return nlohmann::json{{"kind", "immediate"}};
    case Kind::AgeAfter: return nlohmann::json{{"kind", "age_after"}, {"days", p.days()}};
    case Kind::IdleAfter:
      return nlohmann::json{{"kind", "idle_after"}, {"days", p.days()}, {"track_reads", p.track_reads()}};
    case Kind::SizeThreshold:
      return nlohmann::json{{"kind", "size_threshold"}, {"bytes", p.bytes()}};
    case Kind::Custom:
      return invalid_argument("compression policy {} cannot be serialized: a custom predicate is "
                              "code, not data; set it on the lifecycle manager instead",
                              p.to_string());
  }
  return invalid_argument("unknown compression policy kind");
}

Result<CompressionPolicy> policy_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) return invalid_argument("{}: expected an object", where);
  auto kind = get_string(j, "kind", where);
  if (!kind) return std::move(kind).error();
  Result<CompressionPolicy> policy = CompressionPolicy::never();
  if (*kind == "never") {
    policy = CompressionPolicy::never();
  } else if (*kind == "immediate") {
    policy = CompressionPolicy::immediate();
  } else if (*kind == "age_after") {
    auto days = get_uint(j, "days", where, 1, kMaxDays);
    if (!days) return std::move(days).error();
    policy = CompressionPolicy::age_after(static_cast<std::uint32_t>(*days));
  } else if (*kind == "idle_after") {
    auto days = get_uint(j, "days", where, 1, kMaxDays);
    if (!days) return std::move(days).error();
    auto track = get_bool(j, "track_reads", where);
    if (!track) return std::move(track).error();
    policy = CompressionPolicy::idle_after(static_cast<std::uint32_t>(*days), *track);
  } else if (*kind == "size_threshold") {
    auto bytes = get_uint(j, "bytes", where, 1, kMaxThreshold);
    if (!bytes) return std::move(bytes).error();
    policy = CompressionPolicy::size_threshold(*bytes);
  } else {
    return invalid_argument("{}.kind: unknown compression policy \"{}\": expected never, "
                            "immediate, age_after, idle_after or size_threshold",
                            where, escape_bytes(*kind));
  }
  return policy;
}

}  // namespace detail
}  // namespace chronicle
