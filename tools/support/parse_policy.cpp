#include "support/parse_policy.hpp"

#include <cstdint>
#include <optional>

#include <chronicle/core/errors.hpp>

#include "support/parse_number.hpp"

namespace chronicle::cli {
namespace {

Error bad_policy(std::string_view text) {
  return invalid_argument(
      "'{}' is not a policy: expected never, immediate, age:DAYS, idle:DAYS, idle:DAYS:reads or "
      "size:BYTES",
      escape_bytes(text));
}

std::optional<std::uint32_t> parse_days(std::string_view text) {
  const auto v = parse_decimal_u64(text);
  if (!v || *v > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

Result<CompressionPolicy> validated(std::string_view text, CompressionPolicy policy) {
  if (auto ok = policy.validate(); !ok) {
    return invalid_argument("'{}': {}", escape_bytes(text), ok.error().message());
  }
  return policy;
}

}  // namespace

Result<CompressionPolicy> parse_policy(std::string_view text) {
  if (text == "never") return CompressionPolicy::never();
  if (text == "immediate") return CompressionPolicy::immediate();
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return bad_policy(text);
  const std::string_view kind = text.substr(0, colon);
  std::string_view arg = text.substr(colon + 1);
  if (kind == "age") {
    const auto days = parse_days(arg);
    if (!days) return bad_policy(text);
    return validated(text, CompressionPolicy::age_after(*days));
  }
  if (kind == "idle") {
    bool reads = false;
    if (const auto second = arg.find(':'); second != std::string_view::npos) {
      if (arg.substr(second + 1) != "reads") return bad_policy(text);
      reads = true;
      arg = arg.substr(0, second);
    }
    const auto days = parse_days(arg);
    if (!days) return bad_policy(text);
    return validated(text, CompressionPolicy::idle_after(*days, reads));
  }
  if (kind == "size") {
    const auto bytes = parse_decimal_u64(arg);
    if (!bytes) return bad_policy(text);
    return validated(text, CompressionPolicy::size_threshold(*bytes));
  }
  return bad_policy(text);
}

}  // namespace chronicle::cli
