// Hostile names found on disk (RELIABILITY S2). Planted under a table root:
// partition directories that are symlinks (to `/`, to a directory outside
// the table holding a partition-shaped tree, to a real partition, in a
// loop), non-canonical and bad escapes, `venue=A=B`, files where
// directories belong, and 10,000 junk entries. The decision, documented in
// table.hpp: listing, queries and the lifecycle skip every such entry and
// name it in ListOptions::skipped; nothing is followed, opened or changed
// through a symlink, and a reader asked for such a partition by its values
// refuses it.
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>
#include <chronicle/table/table.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "support/manual_clock.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"
#include "support/tree_hash.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr int kJunk = 10'000;
constexpr std::uint64_t kDay = kNanosPerDay;
constexpr std::uint64_t kNow = 1'800'000'000'000'000'000ull;

class HostileNamesTest : public TempDirTest {
 protected:
  std::string root() const { return tmp_.sub("t"); }
  std::string outside() const { return tmp_.sub("outside"); }

  PartitionValues values(const std::string& venue, const std::string& symbol) const {
    return PartitionValues::create(table_->scheme(), {{"venue", venue}, {"symbol", symbol}}).value();
  }
  void write(const Table& table, const PartitionValues& v, int records) {
    auto w = table.partition_writer(v);
    ASSERT_OK(w);
    for (int i = 0; i < records; ++i) {
      ASSERT_OK(w->append(1, kNow - 40 * kDay + static_cast<std::uint64_t>(i),
                          std::vector<std::byte>(100, std::byte{7})));
    }
    ASSERT_OK(w->finish());
  }
  void link(const std::string& target, const std::string& name) {
    ASSERT_EQ(::symlink(target.c_str(), (root() + "/" + name).c_str()), 0) << name;
  }

  void SetUp() override {
    auto scheme =
        PartitionScheme::create({{"venue", KeyType::String, 0}, {"symbol", KeyType::String, 0}});
    TableConfig config;
    config.segment_size = 16 * 1024;
    auto table = Table::create(root(), *scheme, config);
    ASSERT_OK(table);
    table_ = std::make_unique<Table>(*table);
    // Real partitions, one of them of the value "/" (stored as venue=%2F).
    write(*table_, values("XNAS", "A"), 300);
    write(*table_, values("XNAS", "B"), 300);
    write(*table_, values("/", "A"), 300);
    // A partition-shaped tree outside the table, with a table of its own.
    auto other = Table::create(outside(), *scheme, config);
    ASSERT_OK(other);
    write(*other, values("OUT", "A"), 300);

    link("/", "venue=ROOT");
    link(outside() + "/venue=OUT", "venue=OUT");
    link("venue=XNAS", "venue=ALIAS");
    link("venue=LOOP", "venue=LOOP");
    link("venue=PING", "venue=PONG");
    link("venue=PONG", "venue=PING");
    for (const char* dir : {"venue=%2E%2E", "venue=%ZZ", "venue=A=B", "venue=%2E%2E/symbol=A",
                            "venue=XNAS/symbol=%ZZ", "venue=XNAS/symbol=A=B"}) {
      std::filesystem::create_directory(root() + "/" + dir);
    }
    test::write_file(root() + "/venue=FILE", {'f'});
    test::write_file(root() + "/venue=XNAS/symbol=FILE", {'f'});
    ASSERT_EQ(::symlink(outside().c_str(), (root() + "/venue=XNAS/symbol=OUT").c_str()), 0);
    for (int i = 0; i < kJunk; ++i) test::write_file(root() + "/junk-" + std::to_string(i), {});
    outside_hash_ = test::tree_hash(outside());
  }

  // Every planted entry but the junk, as ListOptions::skipped names it.
  static std::vector<std::string> planted() {
    return {"venue=%2E%2E", "venue=%ZZ",  "venue=A=B",  "venue=ALIAS",
            "venue=FILE",   "venue=LOOP", "venue=OUT",  "venue=PING",
            "venue=PONG",   "venue=ROOT", "venue=XNAS/symbol=%ZZ", "venue=XNAS/symbol=A=B",
            "venue=XNAS/symbol=FILE",     "venue=XNAS/symbol=OUT"};
  }

  std::unique_ptr<Table> table_;
  std::uint64_t outside_hash_ = 0;
};

bool names(const std::vector<std::string>& skipped, const std::string& entry,
           const std::string& reason) {
  for (const std::string& line : skipped) {
    if (line.rfind(entry + ": ", 0) == 0 && line.find(reason) != std::string::npos) return true;
  }
  return false;
}

TEST_F(HostileNamesTest, ListingSkipsAndNamesEveryPlantedEntryInBoundedTime) {
  std::vector<std::string> skipped;
  ListOptions options;
  options.skipped = &skipped;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(auto parts, table_->partitions(PartitionFilter::all(), options));
  const auto took = std::chrono::steady_clock::now() - start;
  std::vector<std::string> paths;
  for (const PartitionInfo& p : parts) paths.push_back(p.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"venue=%2F/symbol=A", "venue=XNAS/symbol=A",
                                             "venue=XNAS/symbol=B"}));
  EXPECT_EQ(parts[0].record_count, 300u);
  EXPECT_EQ(skipped.size(), planted().size() + kJunk);
  for (const char* link : {"venue=ROOT", "venue=OUT", "venue=ALIAS", "venue=LOOP", "venue=PING",
                           "venue=XNAS/symbol=OUT"}) {
    EXPECT_TRUE(names(skipped, link, "a symlink (never followed)")) << link;
  }
  EXPECT_TRUE(names(skipped, "venue=FILE", "not a directory"));
  EXPECT_TRUE(names(skipped, "venue=XNAS/symbol=FILE", "not a directory"));
  EXPECT_TRUE(names(skipped, "venue=%2E%2E", "%2E"));
  EXPECT_TRUE(names(skipped, "venue=%ZZ", "%ZZ"));
  EXPECT_TRUE(names(skipped, "venue=A=B", "0x3D"));
  EXPECT_TRUE(names(skipped, "junk-9999", "not a directory"));
  // One pass over 10,000 entries: far below a second even under ASan.
  EXPECT_LT(took, std::chrono::seconds(2));
  std::printf("[  listing ] %zu partitions, %zu entries skipped, %lld ms\n", parts.size(),
              skipped.size(),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
}

TEST_F(HostileNamesTest, QueriesReadOnlyTheRealPartitions) {
  ASSERT_OK_AND_ASSIGN(auto q, table_->query(PartitionFilter::all(), {}, MergeStrategy::PartitionOrder));
  TableRecord rec;
  std::uint64_t n = 0;
  while (q.next(rec) == Step::Record) ++n;
  EXPECT_OK(q.status());
  EXPECT_EQ(n, 900u);
}

TEST_F(HostileNamesTest, APartitionAskedForByValuesIsNeverReachedThroughASymlink) {
  EXPECT_ERROR(table_->reader(values("OUT", "A")), Errc::InvalidArgument);
  EXPECT_ERROR(table_->reader(values("ALIAS", "A")), Errc::InvalidArgument);
  EXPECT_ERROR(table_->reader(values("LOOP", "A")), Errc::InvalidArgument);
  EXPECT_ERROR(table_->segments(values("OUT", "A")), Errc::InvalidArgument);
  EXPECT_ERROR(table_->reader(values("NONE", "A")), Errc::NotFound);
  // Writers refuse them too (they never create through a symlink).
  EXPECT_ERROR(table_->partition_writer(values("OUT", "A")), Errc::InvalidArgument);
  // The value "/" is only ever a spelled-out directory name.
  ASSERT_OK_AND_ASSIGN(auto reader, table_->reader(values("/", "A")));
  RecordView v;
  EXPECT_EQ(reader.next(v), Step::Record);
  EXPECT_EQ(test::tree_hash(outside()), outside_hash_);
}

TEST_F(HostileNamesTest, TheLifecycleNeverActsThroughASymlink) {
  test::ManualClock clock(kNow);
  LifecycleConfig c;
  c.clock = &clock;
  c.policy = CompressionPolicy::immediate();
  c.retention.max_age_days = 30;
  auto m = StorageLifecycleManager::open(root(), c);
  ASSERT_OK(m);
  ASSERT_OK_AND_ASSIGN(auto stats, m->run_once());
  EXPECT_EQ(stats.partitions_scanned, 3u) << stats.to_string();
  EXPECT_TRUE(stats.errors.empty()) << stats.to_string();
  EXPECT_GT(stats.compressed + stats.deleted_segments, 0u);
  // Whole partitions too: the real ones go, the planted links stay links.
  c.retention.delete_partitions_after_days = 30;
  auto whole = StorageLifecycleManager::open(root(), c);
  ASSERT_OK(whole);
  ASSERT_OK_AND_ASSIGN(auto again, whole->run_once());
  EXPECT_EQ(again.deleted_partitions, 3u) << again.to_string();
  EXPECT_EQ(test::tree_hash(outside()), outside_hash_);
  for (const char* link : {"venue=ROOT", "venue=OUT", "venue=ALIAS", "venue=LOOP"}) {
    struct stat st {};
    EXPECT_EQ(::lstat((root() + "/" + link).c_str(), &st), 0) << link;
    EXPECT_TRUE(S_ISLNK(st.st_mode)) << link;
  }
  EXPECT_TRUE(test::exists(root() + "/venue=XNAS/symbol=FILE"));
  // Asked for by path, a symlinked partition is refused.
  EXPECT_ERROR(m->compress_partition("venue=OUT/symbol=A"), Errc::InvalidArgument);
  EXPECT_ERROR(m->decompress_segment("venue=OUT/symbol=A", 0), Errc::InvalidArgument);
  EXPECT_EQ(test::tree_hash(outside()), outside_hash_);
}

}  // namespace
}  // namespace chronicle
