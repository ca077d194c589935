// libFuzzer target: the input is the text of a chronicle-rs v1
// `_table/metadata.json`. parse_v1_metadata must map it to a chronicle scheme
// or return Corruption or Unsupported naming the file, never throw or crash.
// A scheme it maps is one the migration writes into a new table's
// _table.json, so it must be valid there and read back unchanged.
// The input is also read as the other text v1_table.hpp parses, a v1
// partition directory value of each key type (as partition_path_fuzz does):
// parse_v1_partition_value gives a value of that type whose v1 text is the
// input, or InvalidArgument.
#include <chronicle/ipc/v1/v1_table.hpp>

#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "fuzz_v1_values.hpp"
#include "table/table_metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chronicle;
  static const std::string source = "fuzz/_table/metadata.json";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::check_v1_value(text);
  auto meta = ipc::v1::parse_v1_metadata(text, source);
  if (!meta) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(meta.error(), Errc::Corruption, Errc::Unsupported));
    CHRONICLE_FUZZ_CHECK(meta.error().message().find(source) != std::string::npos);
    return 0;
  }
  CHRONICLE_FUZZ_CHECK(PartitionScheme::create(meta->scheme.keys()).has_value());
  detail::TableMetadata table{meta->scheme, TableConfig{}, meta->created_ns};
  auto stored =
      detail::parse_table_metadata(detail::serialize_table_metadata(table), "_table.json");
  CHRONICLE_FUZZ_CHECK(stored.has_value());
  CHRONICLE_FUZZ_CHECK(stored->scheme == meta->scheme && stored->created_ns == meta->created_ns);
  return 0;
}
