// libFuzzer target: partition directory names, the text chronicle reads back
// from disk to learn a partition's values. The first input byte picks one of
// the schemes of fuzz_schemes.hpp; the rest is a relative path
// `key=value/...`. Checked:
//   - parse_partition_path accepts only canonical paths: what it accepts,
//     written again by partition_path, is the very same text, so no two
//     directories name one partition;
//   - the rest as an escaped value: unescape_partition_value accepts only
//     what escape_partition_value writes;
//   - the rest as a raw value: it escapes to one safe path component (no
//     '/', never "." or "..", no leading '.') that unescapes to it;
//   - the rest as a v1 (chronicle-rs) directory value of each key type:
//     parse_v1_partition_value gives a value of that type whose v1 text is
//     the input.
// Every refusal is InvalidArgument.
#include <chronicle/ipc/v1/v1_table.hpp>
#include <chronicle/table/partition/partition_path.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "fuzz_schemes.hpp"

namespace {

using namespace chronicle;

void check_path(const PartitionScheme& scheme, std::string_view path) {
  auto values = parse_partition_path(scheme, path);
  if (!values) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(values.error(), Errc::InvalidArgument));
    return;
  }
  CHRONICLE_FUZZ_CHECK(values->size() == scheme.size());
  auto written = partition_path(scheme, *values);
  CHRONICLE_FUZZ_CHECK(written.has_value() && *written == path);
}

void check_escaping(std::string_view text) {
  if (auto value = unescape_partition_value(text)) {
    CHRONICLE_FUZZ_CHECK(escape_partition_value(*value) == text);
  } else {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(value.error(), Errc::InvalidArgument));
  }
  const std::string escaped = escape_partition_value(text);
  CHRONICLE_FUZZ_CHECK(escaped.find('/') == std::string::npos);
  CHRONICLE_FUZZ_CHECK(escaped.empty() == text.empty());
  CHRONICLE_FUZZ_CHECK(escaped.empty() || escaped.front() != '.');
  auto back = unescape_partition_value(escaped);
  CHRONICLE_FUZZ_CHECK(back.has_value() && *back == text);
}

// The v1 spelling of a chronicle value's text: YYYY-MM-DD-HH for an hour,
// YYYY-MM-DD-HH-mm for a minute.
std::string v1_text(const PartitionValue& v) {
  std::string text = v.to_string();
  if (v.type() == KeyType::Hour || v.type() == KeyType::Minute) {
    for (char& c : text) {
      if (c == 'T' || c == ':') c = '-';
    }
  }
  return text;
}

void check_v1_value(std::string_view text) {
  for (KeyType type :
       {KeyType::String, KeyType::Int, KeyType::Date, KeyType::Hour, KeyType::Minute}) {
    auto value = ipc::v1::parse_v1_partition_value(type, text);
    if (!value) {
      CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(value.error(), Errc::InvalidArgument));
      continue;
    }
    CHRONICLE_FUZZ_CHECK(value->type() == type && v1_text(*value) == text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& schemes = chronicle::fuzz::partition_schemes();
  const PartitionScheme& scheme = schemes[data[0] % schemes.size()];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  check_path(scheme, rest);
  check_escaping(rest);
  check_v1_value(rest);
  return 0;
}
