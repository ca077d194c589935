// B2: a directory entry is lost. Each scenario starts from a state on disk
// that counts as durable, runs one operation through the power-loss model,
// and cuts the power before and after every file-system call the operation
// makes, and once after it returned. Every cut gives images that drop every
// name created or renamed since the last fsync of its directory (LevelDB's
// RemoveFilesCreatedAfterLastDirSync), with all pages kept, and images with
// a prefix of those name changes and random page fates. The operations: a
// log rolling to new segments, a table created, a partition directory made
// by its first writer, and a segment compressed to .q.zst and back.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/table/table.hpp>

#include "crash/crash_harness.hpp"
#include "powerloss/image_check.hpp"
#include "powerloss/power_loss_fs.hpp"
#include "support/files.hpp"

namespace chronicle::powerloss {
namespace {

constexpr std::uint64_t kSegmentSize = 16 * 1024;
const std::size_t kMaxLen = crash::max_len_for(kSegmentSize);

// What the operation acknowledged before the cut (P1 is owed to the
// durable part) and whether it returned success before the cut.
struct Outcome {
  Acknowledged ack;
  bool returned = false;
};

struct Scenario {
  // Builds the starting state under `root` without the model.
  std::function<void(const std::string& root)> setup;
  // Runs the operation through `fs`; fills `*out` as it goes.
  std::function<void(PowerLossFs& fs, const std::string& root, Outcome* out)> run;
  // Checks one image (a copy of `root` as the disk holds it).
  std::function<::testing::AssertionResult(const std::string& image, const Outcome& out)> check;
};

struct Counts {
  int cuts = 0, images = 0;
  std::uint64_t names_dropped = 0;
};

class LostDirEntryTest : public ::testing::Test {
 protected:
  // Runs `s` once per cut point; returns what it did.
  Counts run_all_cuts(const Scenario& s, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    Counts counts;
    std::uint64_t calls = 0;
    {
      const std::string root = fresh("count");
      s.setup(root);
      PowerLossFs fs(root);
      fs.count_calls_of_this_thread();
      Outcome out;
      s.run(fs, root, &out);
      EXPECT_TRUE(out.returned) << "without a cut the operation must succeed";
      calls = fs.calls_counted();
    }
    // Cut n: before call n (after = false) or after it (true); n = calls+1:
    // after the operation returned.
    for (std::uint64_t n = 1; n <= calls + 1 && !HasFailure(); ++n) {
      for (bool after : {false, true}) {
        if (n == calls + 1 && after) break;
        const std::string root = fresh("run");
        s.setup(root);
        PowerLossFs fs(root);
        fs.cut_power_at_call(n, after);
        Outcome out;
        s.run(fs, root, &out);
        if (!fs.power_is_cut()) fs.cut_power();
        EXPECT_EQ(fs.divergences(), std::vector<std::string>{});
        ++counts.cuts;
        for (int i = 0; i < 4 && !HasFailure(); ++i) {
          ImageOptions options;
          options.names = i < 2 ? ImageOptions::Names::Durable
                                : (i == 2 ? ImageOptions::Names::Prefix : ImageOptions::Names::All);
          if (i == 0) options.revert = options.tear = 0;  // names only
          const std::string image = tmp_.sub("image");
          std::filesystem::remove_all(image);
          counts.names_dropped += fs.build_image(image, rng, options).names_dropped;
          EXPECT_TRUE(s.check(image, out))
              << "cut " << (after ? "after" : "before") << " call " << n << " of " << calls
              << ", image " << i << " (names " << static_cast<int>(options.names) << ")";
          if (HasFailure()) crash::save_artifacts(image, seed, static_cast<int>(n));
          ++counts.images;
        }
      }
    }
    return counts;
  }

  std::string fresh(const std::string& name) {
    const std::string path = tmp_.sub(name);
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
    return path;
  }

  static void report(const char* what, const Counts& c) {
    std::printf("[   info   ] %s: %d cuts, %d images, %llu name changes dropped\n", what, c.cuts,
                c.images, static_cast<unsigned long long>(c.names_dropped));
  }

  crash::ScratchDir tmp_;
};

LogOptions log_options(FileSystem* fs) {
  LogOptions o;
  o.segment_size = kSegmentSize;
  o.prepare_ahead = false;  // every call on the test's thread, so every one is a cut point
  o.opener = &UnifiedSegmentOpener::instance();
  o.fs = fs;
  return o;
}

// Appends records [from, to) of `seed` and syncs; `*out` follows.
void append_and_sync(SegmentWriter& w, PowerLossFs& fs, std::uint64_t seed, std::uint64_t to,
                     Outcome* out) {
  while (w.next_seq() < to) {
    auto seq = crash::append_expected(w, seed, kMaxLen);
    ASSERT_TRUE(seq) << seq.error().to_string();
    if (fs.power_is_cut()) return;
    out->ack.acked_end = *seq + 1;
  }
  const std::uint64_t covered = out->ack.acked_end;
  ASSERT_OK(w.sync());
  if (!fs.power_is_cut()) out->ack.durable_end = covered;
}

::testing::AssertionResult check_log(const std::string& dir, std::uint64_t seed,
                                     const Acknowledged& ack) {
  std::uint64_t count = 0;
  Unpromised unpromised;
  return check_log_image(dir, log_options(nullptr), Records(seed, kMaxLen), ack, 3, &count,
                         &unpromised);
}

// A log rolls to new segments (each created by a rename into place) and syncs.
TEST_F(LostDirEntryTest, DurableAppendsSurviveLostSegmentNames) {
  constexpr std::uint64_t kSeed = 11;
  Scenario s;
  s.setup = [](const std::string& root) {
    auto w = SegmentWriter::open(root + "/log", log_options(nullptr));
    ASSERT_OK(w);
    for (int i = 0; i < 20; ++i) ASSERT_OK(crash::append_expected(*w, kSeed, kMaxLen));
    ASSERT_OK(w->sync());
    ASSERT_OK(w->close());
  };
  s.run = [](PowerLossFs& fs, const std::string& root, Outcome* out) {
    out->ack = {20, 20};
    auto w = SegmentWriter::open(root + "/log", log_options(&fs));
    ASSERT_OK(w);
    // About three rolls, then a sync; then more records and a second sync.
    append_and_sync(*w, fs, kSeed, 60, out);
    append_and_sync(*w, fs, kSeed, 90, out);
    if (!fs.power_is_cut()) out->returned = true;
  };
  s.check = [](const std::string& image, const Outcome& out) {
    return check_log(image + "/log", kSeed, out.ack);
  };
  report("segment rolls", run_all_cuts(s, kSeed));
}

// A writer opens a log directory that someone made without syncing its name
// (a writer that crashed right after its mkdir): its sync() must make the
// name durable too.
TEST_F(LostDirEntryTest, DurableAppendsSurviveTheLostNameOfAnExistingLogDirectory) {
  constexpr std::uint64_t kSeed = 15;
  Scenario s;
  s.setup = [](const std::string&) {};
  s.run = [](PowerLossFs& fs, const std::string& root, Outcome* out) {
    ASSERT_OK(fs.mkdir(root + "/log"));
    auto w = SegmentWriter::open(root + "/log", log_options(&fs));
    ASSERT_OK(w);
    append_and_sync(*w, fs, kSeed, 30, out);
    if (!fs.power_is_cut()) out->returned = true;
  };
  s.check = [](const std::string& image, const Outcome& out) {
    return check_log(image + "/log", kSeed, out.ack);
  };
  report("existing log directory", run_all_cuts(s, kSeed));
}

PartitionScheme scheme() {
  return PartitionScheme::create({{"venue", KeyType::String, 0}, {"day", KeyType::Int, 0}}).value();
}

TableConfig table_config() {
  TableConfig c;
  c.segment_size = kSegmentSize;
  c.index_stride = 4;
  return c;
}

// Table::create: once it returned, the table opens (its directory and
// _table.json are durable); before, the table is absent or complete.
TEST_F(LostDirEntryTest, ACreatedTableIsThereOrAbsentNeverHalfThere) {
  Scenario s;
  s.setup = [](const std::string&) {};
  s.run = [](PowerLossFs& fs, const std::string& root, Outcome* out) {
    auto t = Table::create(root + "/t", scheme(), table_config(), fs);
    ASSERT_OK(t);
    if (!fs.power_is_cut()) out->returned = true;
  };
  s.check = [](const std::string& image, const Outcome& out) -> ::testing::AssertionResult {
    auto t = Table::open(image + "/t");
    if (t) {
      if (!(t->scheme() == scheme())) return ::testing::AssertionFailure() << "scheme differs";
      return ::testing::AssertionSuccess();
    }
    if (out.returned) {
      return ::testing::AssertionFailure()
             << "Table::create had returned, yet the table does not open: "
             << t.error().to_string();
    }
    if (t.error().code() != Errc::NotFound) {
      return ::testing::AssertionFailure()
             << "a table being created must be absent, not damaged: " << t.error().to_string();
    }
    return ::testing::AssertionSuccess();
  };
  report("table creation", run_all_cuts(s, 12));
}

// The first writer of a partition makes its directories; after its sync()
// returned, its records are durable, names included.
TEST_F(LostDirEntryTest, DurableAppendsSurviveLostPartitionDirectories) {
  constexpr std::uint64_t kSeed = 13;
  static const auto values = [] {
    return PartitionValues::create(scheme(),
                                   {{"venue", std::string("XNAS")}, {"day", std::int64_t{7}}})
        .value();
  };
  Scenario s;
  s.setup = [](const std::string& root) {
    ASSERT_OK(Table::create(root + "/t", scheme(), table_config()));
  };
  s.run = [](PowerLossFs& fs, const std::string& root, Outcome* out) {
    auto t = Table::open(root + "/t", fs);
    ASSERT_OK(t);
    auto w = t->partition_writer(values());
    ASSERT_OK(w);
    for (std::uint64_t i = 0; i < 40; ++i) {
      auto seq = w->append(test::type_for(kSeed, i), test::timestamp_for(kSeed, i),
                           test::payload_for(kSeed, i, kMaxLen));
      ASSERT_OK(seq);
      if (fs.power_is_cut()) return;
      out->ack.acked_end = *seq + 1;
    }
    const std::uint64_t covered = out->ack.acked_end;
    ASSERT_OK(w->sync());
    if (!fs.power_is_cut()) {
      out->ack.durable_end = covered;
      out->returned = true;
    }
  };
  s.check = [](const std::string& image, const Outcome& out) -> ::testing::AssertionResult {
    auto t = Table::open(image + "/t");
    if (!t) return ::testing::AssertionFailure() << "the table: " << t.error().to_string();
    auto dir = t->partition_dir(values());
    if (!dir) return ::testing::AssertionFailure() << dir.error().to_string();
    return check_log(*dir, kSeed, out.ack);
  };
  report("partition creation", run_all_cuts(s, kSeed));
}

// A sealed, durable segment is compressed to .q.zst (temp file, fsync,
// rename, directory fsync, unlink of the .q) and, in the second test, back.
// Every record stays readable, so at no point are both names missing.
constexpr std::uint64_t kColdSeed = 14;

void make_sealed_log(const std::string& root) {
  auto w = SegmentWriter::open(root + "/log", log_options(nullptr));
  ASSERT_OK(w);
  while (w->segment_id() < 2) ASSERT_OK(crash::append_expected(*w, kColdSeed, kMaxLen));
  ASSERT_OK(w->sync());
  ASSERT_OK(w->close());
}

::testing::AssertionResult check_tiers(const std::string& image, const Outcome& out) {
  const std::string dir = image + "/log";
  if (!test::exists(segment_path(dir, 0, SegmentTier::Hot)) &&
      !test::exists(segment_path(dir, 0, SegmentTier::Cold))) {
    return ::testing::AssertionFailure() << "both 000000000.q and 000000000.q.zst are missing";
  }
  return check_log(dir, kColdSeed, out.ack);
}

// Every record of the log was durable before the operation started.
Acknowledged all_records_of(const std::string& dir) {
  crash::LogRange r;
  crash::LogChecker checker(kColdSeed, kMaxLen);
  EXPECT_TRUE(checker.read(dir, &r, true));
  return {r.end, r.end};
}

TEST_F(LostDirEntryTest, ACompressedSegmentNeverLosesBothNames) {
  Scenario s;
  s.setup = make_sealed_log;
  s.run = [](PowerLossFs& fs, const std::string& root, Outcome* out) {
    out->ack = all_records_of(root + "/log");
    SegmentCompressionOptions o;
    o.seekable.block_size = 4096;
    o.fs = &fs;
    ASSERT_OK(compress_segment(root + "/log", 0, o));
    if (!fs.power_is_cut()) out->returned = true;
  };
  s.check = check_tiers;
  report("compression", run_all_cuts(s, kColdSeed));
}

TEST_F(LostDirEntryTest, ADecompressedSegmentNeverLosesBothNames) {
  Scenario s;
  s.setup = [](const std::string& root) {
    make_sealed_log(root);
    SegmentCompressionOptions o;
    o.seekable.block_size = 4096;
    ASSERT_OK(compress_segment(root + "/log", 0, o));
  };
  s.run = [](PowerLossFs& fs, const std::string& root, Outcome* out) {
    out->ack = all_records_of(root + "/log");
    SegmentCompressionOptions o;
    o.fs = &fs;
    ASSERT_OK(decompress_segment(root + "/log", 0, o));
    if (!fs.power_is_cut()) out->returned = true;
  };
  s.check = check_tiers;
  report("decompression", run_all_cuts(s, kColdSeed + 1));
}

}  // namespace
}  // namespace chronicle::powerloss
