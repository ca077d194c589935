// libFuzzer target: the input is an access-tracker file (`<partition>/.access`,
// see src/lifecycle/access_file.hpp). decode_access must accept it or return
// Corruption naming the file, never crash or allocate beyond the entries the
// file holds. Random bytes almost never carry a matching XXH64, so each input
// is also decoded with its last 8 bytes replaced by the right checksum, which
// lets the fuzzer reach the entries. Whatever decodes must encode to the very
// same bytes (the format is canonical: ids ascending, no duplicates), so a
// flush that merges nothing new rewrites the file unchanged.
#include <chronicle/core/checksum.hpp>

#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "lifecycle/access_file.hpp"

namespace {

void check(std::span<const std::byte> bytes) {
  using namespace chronicle;
  static const std::string path = "fuzz/.access";
  auto entries = detail::decode_access(bytes, path);
  if (!entries) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(entries.error(), Errc::Corruption));
    CHRONICLE_FUZZ_CHECK(entries.error().message().find(path) != std::string::npos);
    return;
  }
  const std::vector<std::byte> encoded = detail::encode_access(*entries);
  CHRONICLE_FUZZ_CHECK(encoded.size() == bytes.size());
  CHRONICLE_FUZZ_CHECK(std::memcmp(encoded.data(), bytes.data(), bytes.size()) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  check(bytes);
  if (size >= 8) {
    std::vector<std::byte> fixed(bytes.begin(), bytes.end());
    const std::uint64_t sum = chronicle::xxh64(fixed.data(), size - 8);
    std::memcpy(fixed.data() + size - 8, &sum, 8);
    check(fixed);
  }
  return 0;
}
