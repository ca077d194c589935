// M1: the operation-sequence model test (tests/support/partition_model.hpp):
// 200 random sequences of 500 operations each, a quarter of them ending with
// a flipped byte. CHRONICLE_SEED replays a run; CHRONICLE_TRIALS scales the
// number of sequences.

#include <gtest/gtest.h>

#include <string>

#include "support/partition_model.hpp"
#include "support/seeds.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

TEST(ModelTest, ChronicleAgreesWithTheModelAfterEveryOperation) {
  const std::uint64_t seed = test::test_seed();
  const int sequences = test::scaled_trials(200);
  test::announce_seed(seed, sequences);
  for (int i = 0; i < sequences; ++i) {
    const std::uint64_t s = seed + static_cast<std::uint64_t>(i);
    test::TempDir tmp;
    test::SeededChoices choices(s);
    test::PartitionModelRun run(tmp.sub("p"), choices, [&](const std::string& what) {
      ADD_FAILURE() << "sequence " << i << " (CHRONICLE_SEED=" << s << "), " << what;
    });
    if (!run.run(500, s % 4 == 0)) return;
  }
}

}  // namespace
}  // namespace chronicle
