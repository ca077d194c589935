// libFuzzer target (RELIABILITY N8): the input is a sequence of decisions
// for the operation-sequence model of one partition
// (tests/support/partition_model.hpp): which operation comes next, record
// sizes and timestamps, seek targets, which segment to compress, decompress
// or damage. Chronicle must agree with the model after every operation, and
// a flipped byte must end a read with Corruption at the damaged record. Each
// input runs in a fresh directory under /dev/shm.
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>

#include "fuzz_check.hpp"
#include "support/partition_model.hpp"

namespace {

// Decisions taken from the input, one or two bytes each; the run ends when
// the bytes do.
class InputChoices final : public chronicle::test::Choices {
 public:
  explicit InputChoices(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint64_t pick(std::uint64_t n) override {
    std::uint64_t v = next();
    if (n > 256) v = v << 8 | next();
    return v % n;
  }
  bool exhausted() const override { return at_ >= bytes_.size(); }

 private:
  std::uint64_t next() { return at_ < bytes_.size() ? bytes_[at_++] : 0; }
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string dir = "/dev/shm/chronicle-ops-fuzz-XXXXXX";
  CHRONICLE_FUZZ_CHECK(::mkdtemp(dir.data()) != nullptr);
  {
    // The first byte says whether the sequence ends with a flipped byte.
    InputChoices choices(std::span<const std::uint8_t>(data + 1, size - 1));
    chronicle::test::PartitionModelRun run(dir + "/p", choices, [](const std::string& what) {
      std::fprintf(stderr, "the model and chronicle disagree: %s\n", what.c_str());
      std::abort();
    });
    (void)run.run(2000, data[0] % 4 == 0);
  }  // the writer and its preparer thread are gone before the files go
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
