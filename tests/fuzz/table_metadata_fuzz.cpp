// libFuzzer target: the input is the text of a _table.json. The parser must
// accept it or return Corruption or Unsupported naming the file, never throw
// or crash; and what it accepts must survive a round trip: written again and
// re-read, it gives the same scheme, config and creation time, and the same
// text once more (the serialization is canonical).
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "table/table_metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chronicle;
  static const std::string path = "fuzz/_table.json";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto meta = detail::parse_table_metadata(text, path);
  if (!meta) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(meta.error(), Errc::Corruption, Errc::Unsupported));
    CHRONICLE_FUZZ_CHECK(meta.error().message().find(path) != std::string::npos);
    return 0;
  }
  const std::string written = detail::serialize_table_metadata(*meta);
  auto again = detail::parse_table_metadata(written, path);
  CHRONICLE_FUZZ_CHECK(again.has_value());
  CHRONICLE_FUZZ_CHECK(again->scheme == meta->scheme);
  CHRONICLE_FUZZ_CHECK(again->created_ns == meta->created_ns);
  CHRONICLE_FUZZ_CHECK(again->config.compression_policy == meta->config.compression_policy);
  CHRONICLE_FUZZ_CHECK(detail::serialize_table_metadata(*again) == written);
  return 0;
}
