// S3: a symlink, and in a second run a hard link, to a canary file outside
// the table root, planted at every name chronicle creates before the
// operation that creates it runs: _table.json and its temp, a partition's
// .lock, its first and next segment and their .q.prep, the .idx and its
// temp, the .q.zst and its temp (compress), the restored .q and its temp
// (decompress), the access tracker's .access, its temp and .access.lock, and
// the lifecycle's .lifecycle.lock. Temp names are random
// (`<name>.tmp-<pid>-<16 hex>`), so the plant is the name an attacker would
// guess: the pid with zeros. The CLI writes no file of its own (tools/ only
// prints), so it has no name to plant.
//
// Must hold: the canary's bytes, mode, owner and mtime are unchanged, and
// the operation either fails with an error naming the planted file, or
// succeeds and has used another name (the plant is still there, untouched,
// or was removed as a link only).
//
// Hard links: O_EXCL refuses an existing name, and rename replaces a name
// without writing to what it named. The lock files (.lock, .access.lock,
// .lifecycle.lock) are opened without O_EXCL because they outlive their
// writers: .lock is written (the holder's pid) and so refuses a file with
// more than one link; the other two are only flocked, never written, so a
// hard link at their name is used as a lock and the canary is left as it was.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/lifecycle/access_tracker.hpp>
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/table.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

enum class Plant { Symlink, HardLink };

template <class T>
Status status_of(Result<T> r) {
  if (!r) return std::move(r).error();
  return {};
}

struct Case {
  const char* name;
  // Prepares the table up to the operation; returns the path to plant at.
  std::function<std::string(class SymlinkPlantTest&)> setup;
  // The operation that creates the name.
  std::function<Status(SymlinkPlantTest&)> op;
};

class SymlinkPlantTest : public ::testing::TestWithParam<std::tuple<Plant, int>> {
 public:
  std::string root() const { return tmp_.sub("t"); }
  std::string dir() const { return root() + "/symbol=S0"; }
  std::string canary() const { return tmp_.sub("outside/canary"); }
  // The temp name a guesser would plant for `final_path`.
  static std::string guessed_temp(const std::string& final_path) {
    return final_path + ".tmp-" + std::to_string(::getpid()) + "-0000000000000000";
  }

  static TableConfig config() {
    TableConfig c;
    c.segment_size = 16 * 1024;
    c.index_stride = 4;
    return c;
  }
  Table create() { return Table::create(root(), scheme(), config()).value(); }
  static PartitionScheme scheme() {
    return PartitionScheme::create({{"symbol", KeyType::String, 0}}).value();
  }
  PartitionValues s0(const Table& t) const {
    return PartitionValues::create(t.scheme(), {{"symbol", "S0"}}).value();
  }
  // Writes 300 records of 200 bytes into S0 (several 16 KiB segments).
  Status write(const Table& t) {
    auto w = t.partition_writer(s0(t));
    if (!w) return std::move(w).error();
    for (int i = 0; i < 300; ++i) {
      if (auto seq = w->append(1, 1000 + i, std::vector<std::byte>(200)); !seq) {
        return std::move(seq).error();
      }
    }
    return w->finish();
  }
  // A table whose partition S0 exists, empty.
  Table with_partition_dir() {
    Table t = create();
    std::filesystem::create_directories(dir());
    return t;
  }
  Status track_access() {
    auto tracker =
        AccessTracker::create({.flush_interval = std::chrono::milliseconds(0)}).value();
    tracker->segment_opened(dir(), 0);
    return tracker->flush();
  }

 protected:
  test::TempDir tmp_;
};

std::vector<Case> cases() {
  using T = SymlinkPlantTest;
  return {
      {"table_json",
       [](T& f) {
         std::filesystem::create_directories(f.root());
         return f.root() + "/_table.json";
       },
       [](T& f) { return status_of(Table::create(f.root(), T::scheme(), T::config())); }},
      {"table_json_temp",
       [](T& f) {
         std::filesystem::create_directories(f.root());
         return T::guessed_temp(f.root() + "/_table.json");
       },
       [](T& f) { return status_of(Table::create(f.root(), T::scheme(), T::config())); }},
      {"lock",
       [](T& f) {
         f.with_partition_dir();
         return f.dir() + "/.lock";
       },
       [](T& f) { return f.write(Table::open(f.root()).value()); }},
      {"first_segment",
       [](T& f) {
         f.with_partition_dir();
         return segment_path(f.dir(), 0);
       },
       [](T& f) { return f.write(Table::open(f.root()).value()); }},
      {"first_segment_prep",
       [](T& f) {
         f.with_partition_dir();
         return segment_path(f.dir(), 0) + std::string(kPrepSuffix).substr(2);
       },
       [](T& f) { return f.write(Table::open(f.root()).value()); }},
      {"next_segment",
       [](T& f) {
         f.with_partition_dir();
         return segment_path(f.dir(), 1);
       },
       [](T& f) { return f.write(Table::open(f.root()).value()); }},
      {"next_segment_prep",
       [](T& f) {
         f.with_partition_dir();
         return segment_path(f.dir(), 1) + std::string(kPrepSuffix).substr(2);
       },
       [](T& f) { return f.write(Table::open(f.root()).value()); }},
      {"index",
       [](T& f) {
         f.with_partition_dir();
         return segment_index_path(f.dir(), 0);
       },
       [](T& f) { return f.write(Table::open(f.root()).value()); }},
      {"index_temp",
       [](T& f) {
         f.with_partition_dir();
         return T::guessed_temp(segment_index_path(f.dir(), 0));
       },
       [](T& f) { return f.write(Table::open(f.root()).value()); }},
      {"cold_segment",
       [](T& f) {
         EXPECT_OK(f.write(f.create()));
         return segment_path(f.dir(), 0, SegmentTier::Cold);
       },
       [](T& f) { return status_of(compress_segment(f.dir(), 0)); }},
      {"cold_segment_temp",
       [](T& f) {
         EXPECT_OK(f.write(f.create()));
         return T::guessed_temp(segment_path(f.dir(), 0, SegmentTier::Cold));
       },
       [](T& f) { return status_of(compress_segment(f.dir(), 0)); }},
      {"restored_segment",
       [](T& f) {
         EXPECT_OK(f.write(f.create()));
         EXPECT_OK(compress_segment(f.dir(), 0));
         return segment_path(f.dir(), 0);
       },
       [](T& f) { return status_of(decompress_segment(f.dir(), 0)); }},
      {"restored_segment_temp",
       [](T& f) {
         EXPECT_OK(f.write(f.create()));
         EXPECT_OK(compress_segment(f.dir(), 0));
         return T::guessed_temp(segment_path(f.dir(), 0));
       },
       [](T& f) { return status_of(decompress_segment(f.dir(), 0)); }},
      {"access_file",
       [](T& f) {
         EXPECT_OK(f.write(f.create()));
         return f.dir() + "/.access";
       },
       [](T& f) { return f.track_access(); }},
      {"access_temp",
       [](T& f) {
         EXPECT_OK(f.write(f.create()));
         // The name flushes used before random temp names.
         return f.dir() + "/.access.tmp-" + std::to_string(::getpid());
       },
       [](T& f) { return f.track_access(); }},
      {"access_temp_guessed",
       [](T& f) {
         EXPECT_OK(f.write(f.create()));
         return T::guessed_temp(f.dir() + "/.access");
       },
       [](T& f) { return f.track_access(); }},
      {"access_lock",
       [](T& f) {
         EXPECT_OK(f.write(f.create()));
         return f.dir() + "/.access.lock";
       },
       [](T& f) { return f.track_access(); }},
      {"lifecycle_lock",
       [](T& f) {
         EXPECT_OK(f.write(f.create()));
         return f.dir() + "/.lifecycle.lock";
       },
       [](T& f) -> Status {
         LifecycleConfig c;
         c.policy = CompressionPolicy::immediate();
         auto m = StorageLifecycleManager::open(f.root(), c);
         if (!m) return std::move(m).error();
         auto stats = m->run_once();
         if (!stats) return std::move(stats).error();
         if (!stats->errors.empty()) {
           return file_error(Errc::Io, stats->errors[0].path, "{}", stats->errors[0].message);
         }
         EXPECT_GE(stats->compressed, 1u);
         return {};
       }},
  };
}

struct CanaryState {
  std::vector<char> bytes;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  timespec mtime;
};

CanaryState canary_state(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return {test::read_file(path), st.st_mode, st.st_uid, st.st_gid, st.st_mtim};
}

TEST_P(SymlinkPlantTest, CanaryIsUntouchedAndTheOperationFailsClearlyOrUsesAnotherName) {
  const auto [plant, index] = GetParam();
  const Case c = cases()[static_cast<std::size_t>(index)];
  std::filesystem::create_directories(tmp_.sub("outside"));
  test::write_file(canary(), {'c', 'a', 'n', 'a', 'r', 'y', '\n'});
  ASSERT_EQ(::chmod(canary().c_str(), 0640), 0);
  const std::string at = c.setup(*this);
  ASSERT_FALSE(HasFailure());
  const CanaryState before = canary_state(canary());
  ASSERT_EQ(plant == Plant::Symlink ? ::symlink(canary().c_str(), at.c_str())
                                    : ::link(canary().c_str(), at.c_str()),
            0)
      << at;

  const Status st = c.op(*this);

  const CanaryState after = canary_state(canary());
  EXPECT_EQ(after.bytes, before.bytes) << "the canary was written through " << at;
  EXPECT_EQ(after.mode, before.mode);
  EXPECT_EQ(after.uid, before.uid);
  EXPECT_EQ(after.gid, before.gid);
  EXPECT_TRUE(after.mtime.tv_sec == before.mtime.tv_sec &&
              after.mtime.tv_nsec == before.mtime.tv_nsec);
  const std::string name = std::filesystem::path(at).filename().string();
  if (!st) {
    EXPECT_NE(st.error().to_string().find(name), std::string::npos)
        << "the error does not name " << name << ": " << st.error().to_string();
    std::printf("[   info   ] %s: refused: %s\n", c.name, st.error().to_string().c_str());
  } else {
    // Succeeded: the plant was not used as chronicle's file. It is either
    // still the link it was (another name was used, or a lock was taken on
    // it without writing), or gone, or replaced by chronicle's own file
    // (rename over the name, which never writes to what it named).
    struct stat st_at {};
    const bool present = ::lstat(at.c_str(), &st_at) == 0;
    struct stat st_canary {};
    ::stat(canary().c_str(), &st_canary);
    const bool still_plant = present && (S_ISLNK(st_at.st_mode) || st_at.st_ino == st_canary.st_ino);
    std::printf("[   info   ] %s: succeeded; the plant is %s\n", c.name,
                !present ? "gone" : still_plant ? "still there, unused" : "replaced by a new file");
  }
}

std::vector<int> case_indexes() {
  std::vector<int> out;
  for (int i = 0; i < static_cast<int>(cases().size()); ++i) out.push_back(i);
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Names, SymlinkPlantTest,
    ::testing::Combine(::testing::Values(Plant::Symlink, Plant::HardLink),
                       ::testing::ValuesIn(case_indexes())),
    [](const auto& p) {
      return std::string(std::get<0>(p.param) == Plant::Symlink ? "Symlink_" : "HardLink_") +
             cases()[static_cast<std::size_t>(std::get<1>(p.param))].name;
    });

}  // namespace
}  // namespace chronicle
