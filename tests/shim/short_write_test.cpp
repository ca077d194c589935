// Short writes and EINTR (RELIABILITY C2): the cold-path workload
// (cold_paths_run: Table::create, index files, compress_segment,
// decompress_segment, access-tracker flushes) runs once as it is and once
// under io_fault_shim, which makes write, pwrite and pread return short
// counts and EINTR, and open, ftruncate, fsync, fdatasync and flock fail with
// EINTR, at random. Both runs must succeed and leave the same files with the
// same bytes: no partial file published, no temp file left.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include "support/child_process.hpp"
#include "support/files.hpp"
#include "support/sanitizers.hpp"
#include "support/seeds.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

// Runs cold_paths_run on `dir`, with `env` added to the environment.
int run_workload(const std::string& dir, const std::map<std::string, std::string>& env) {
  return test::run_in_child([&] {
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    const char* argv[] = {COLD_PATHS_RUN, dir.c_str(), nullptr};
    ::execv(COLD_PATHS_RUN, const_cast<char**>(argv));
    std::perror("execv " COLD_PATHS_RUN);
    ::_exit(127);
  });
}

// The files under `root` (support/files.hpp), with the creation time that
// differs between runs taken out of _table.json.
std::map<std::string, std::string> files_under(const std::string& root) {
  static const std::regex created(R"("created_ns":\s*[0-9]+)");
  auto files = test::files_under(root);
  for (auto& [name, bytes] : files) {
    if (std::filesystem::path(name).filename() == "_table.json") {
      bytes = std::regex_replace(bytes, created, "");
    }
  }
  return files;
}

class ShortWriteTest : public TempDirTest {};

TEST_F(ShortWriteTest, ColdPathsWriteTheSameFilesUnderShortWritesAndEintr) {
  if (!test::kSanitizer.empty()) {
    GTEST_SKIP() << "built with " << test::kSanitizer
                 << ": its runtime must be first in the library list, so the LD_PRELOAD shim "
                    "cannot be loaded (the test preset runs this test)";
  }
  const std::uint64_t seed = test::test_seed();
  test::announce_seed(seed, 1);
  const std::string clean = tmp_.sub("clean");
  const std::string faulty = tmp_.sub("faulty");
  const std::string report = tmp_.sub("shim-report");
  ASSERT_EQ(::mkdir(clean.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(faulty.c_str(), 0755), 0);

  test::expect_child_passed(run_workload(clean, {}));
  test::expect_child_passed(run_workload(faulty, {{"LD_PRELOAD", IO_FAULT_SHIM},
                                                  {"CHRONICLE_SHIM_DIR", faulty},
                                                  {"CHRONICLE_SHIM_SEED", std::to_string(seed)},
                                                  {"CHRONICLE_SHIM_REPORT", report}}));
  ASSERT_FALSE(HasFailure());

  // The shim did its work: both kinds of fault happened, several times
  // (about a third of the few dozen calls each).
  std::ifstream counts(report);
  unsigned long short_transfers = 0, interrupted = 0;
  ASSERT_TRUE(counts >> short_transfers >> interrupted) << "no report from the shim at " << report;
  RecordProperty("short_transfers", std::to_string(short_transfers));
  RecordProperty("eintr", std::to_string(interrupted));
  EXPECT_GT(short_transfers, 5u);
  EXPECT_GT(interrupted, 5u);

  const auto expected = files_under(clean);
  const auto got = files_under(faulty);
  EXPECT_GT(expected.size(), 10u);
  for (const auto& [name, bytes] : expected) {
    const auto it = got.find(name);
    if (it == got.end()) {
      ADD_FAILURE() << name << " is missing after the run under the shim";
    } else {
      EXPECT_TRUE(it->second == bytes)
          << name << " differs: " << it->second.size() << " bytes against " << bytes.size();
    }
  }
  for (const auto& [name, bytes] : got) {
    EXPECT_TRUE(expected.count(name)) << name << " was left only by the run under the shim";
  }
}

}  // namespace
}  // namespace chronicle
