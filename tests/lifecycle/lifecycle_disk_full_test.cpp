// Compression on a full filesystem (RELIABILITY D3): the temp .q.zst cannot
// be written; the .q stays byte-identical, no temp file is left, the error is
// in the stats with its path, and nothing retries forever.
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lifecycle/lifecycle_fixture.hpp"
#include "support/files.hpp"
#include "support/private_mount.hpp"
#include "support/tree_hash.hpp"

namespace chronicle {
namespace {

using test::LifecycleTest;

TEST_F(LifecycleTest, CompressionOnAFullFilesystemKeepsTheHotFilesAndReportsNoSpace) {
  const std::string mnt = tmp_.sub("mnt");
  std::filesystem::create_directory(mnt);
  const bool mounted = test::run_on_small_tmpfs(mnt, "size=1m", [&] {
    auto scheme = PartitionScheme::create({{"symbol", KeyType::String, 0}}).value();
    TableConfig tc;
    tc.segment_size = 16 * 1024;
    auto table = Table::create(mnt + "/t", scheme, tc).value();
    for (const char* symbol : {"A", "B"}) {
      auto w = table.partition_writer(PartitionValues::create(scheme, {{"symbol", symbol}}).value());
      ASSERT_OK(w);
      for (int i = 0; i < 200; ++i) {
        ASSERT_OK(w->append(1, 1000 + i, std::vector<std::byte>(150, std::byte{7})));
      }
      ASSERT_OK(w->finish());
    }
    // Fill what is left of the filesystem.
    {
      std::ofstream ballast(mnt + "/ballast", std::ios::binary);
      const std::vector<char> chunk(4096, 'b');
      while (ballast.write(chunk.data(), chunk.size())) {
      }
    }
    const auto before = test::tree_hash(mnt + "/t", true);
    LifecycleConfig c;
    c.policy = CompressionPolicy::immediate();
    auto m = StorageLifecycleManager::open(mnt + "/t", c);
    ASSERT_OK(m);
    ASSERT_OK_AND_ASSIGN(auto stats, m->run_once());
    EXPECT_EQ(stats.compressed, 0u) << stats.to_string();
    ASSERT_FALSE(stats.errors.empty()) << stats.to_string();
    for (const auto& e : stats.errors) {
      EXPECT_NE(e.message.find("No space left"), std::string::npos) << e.message;
      EXPECT_NE(e.path.find(mnt + "/t/symbol="), std::string::npos) << e.path;
    }
    // No file changed, none is left over; only the run's lock files are new.
    for (const char* p : {"/t/symbol=A/.lifecycle.lock", "/t/symbol=B/.lifecycle.lock"}) {
      std::filesystem::remove(mnt + p);
    }
    EXPECT_EQ(test::tree_hash(mnt + "/t", true), before);
    // With space again the next run does the job.
    std::filesystem::remove(mnt + "/ballast");
    ASSERT_OK_AND_ASSIGN(auto again, m->run_once());
    EXPECT_EQ(again.compressed, again.segments_scanned) << again.to_string();
    EXPECT_TRUE(again.errors.empty());
  });
  if (!mounted) GTEST_SKIP() << "mounting a tmpfs is not permitted here";
}

}  // namespace
}  // namespace chronicle
