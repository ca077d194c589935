// libFuzzer target: the input is a compression policy as JSON
// (CompressionPolicy::from_json, the form _table.json stores). It must parse
// to a valid policy or return InvalidArgument, never throw or crash; a
// parsed policy written back with to_json() must parse to the same policy.
#include <chronicle/table/compression_policy.hpp>

#include <string_view>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chronicle;
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
  return 0;
}
