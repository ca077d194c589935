// B1: power-loss images of real writer runs. A writer appends the HX1
// records to one log through the power-loss model (power_loss_fs.hpp),
// calling sync() every 1-200 appends and now and then flush(), or close()
// and a reopen; the power goes at a random moment: between two appends, or
// before or after a random file-system call of the writer's thread (inside
// a roll, a sync, a reopen's recovery). From the model each run then builds
// candidate disk images (pages kept, reverted, zeroed or torn; names made
// since the last directory fsync kept or dropped), and every image must
// hold P1 for the durable appends, P2-P4 and P6 (image_check.hpp).

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "crash/crash_harness.hpp"
#include "powerloss/image_check.hpp"
#include "powerloss/power_loss_fs.hpp"

namespace chronicle::powerloss {
namespace {

constexpr std::uint64_t kSegmentSize = 64 * 1024;
constexpr int kImagesPerRun = 10;

// Page fates, from "the disk wrote everything" to "it wrote nothing".
ImageOptions image_options(std::mt19937_64& rng) {
  static constexpr double kProfiles[][3] = {{1, 1, 1}, {1, 1, 1}, {8, 1, 1}, {1, 8, 1},
                                            {1, 1, 8}, {1, 0, 0}, {0, 1, 0}};
  const auto& p = kProfiles[rng() % std::size(kProfiles)];
  ImageOptions o;
  o.keep = p[0];
  o.revert = p[1];
  o.tear = p[2];
  switch (rng() % 4) {
    case 0:
      o.names = ImageOptions::Names::Durable;
      break;
    case 1:
      o.names = ImageOptions::Names::All;
      break;
    default:
      o.names = ImageOptions::Names::Prefix;
      break;
  }
  return o;
}

struct RunTotals {
  int runs = 0, images = 0, cuts_between = 0, cuts_in_calls = 0;
  std::uint64_t acked = 0, durable = 0, recovered = 0, lost_undurable = 0;
  int unpromised_refused = 0, unpromised_damaged = 0;
  ImageStats pages;
};

class PowerLossTest : public ::testing::Test {
 protected:
  // One run: a writer works until the power goes; returns what was
  // acknowledged. `calls_per_append` tunes where cuts inside calls land.
  Acknowledged run_writer(PowerLossFs& fs, const std::string& dir, std::uint64_t seed,
                          std::mt19937_64& rng, double* calls_per_append, RunTotals& totals) {
    LogOptions options;
    options.segment_size = kSegmentSize;
    options.prepare_ahead = rng() % 2 == 0;
    options.sync_on_seal = rng() % 4 == 0;
    options.fs = &fs;
    const std::size_t max_len = crash::max_len_for(kSegmentSize);
    const std::uint64_t appends = 1 + rng() % 1500;
    std::optional<std::uint64_t> cut_after_append;
    if (rng() % 5 < 2) {
      cut_after_append = rng() % (appends + 1);
      fs.count_calls_of_this_thread();
      ++totals.cuts_between;
    } else {
      const auto expected = static_cast<std::uint64_t>(*calls_per_append * double(appends)) + 8;
      fs.cut_power_at_call(1 + rng() % expected, rng() % 2 == 0);
      ++totals.cuts_in_calls;
    }

    Acknowledged ack;
    std::optional<SegmentWriter> writer;
    std::uint64_t until_sync = 1 + rng() % 200;
    std::uint64_t done = 0;
    while (!fs.power_is_cut()) {
      if (!writer) {
        auto w = SegmentWriter::open(dir, options);
        if (!w) {
          ADD_FAILURE() << "open: " << w.error().to_string();
          break;
        }
        writer.emplace(std::move(*w));
        continue;
      }
      if (cut_after_append && done == *cut_after_append) {
        fs.cut_power();
        break;
      }
      if (done == appends) {
        fs.cut_power();
        break;
      }
      auto seq = crash::append_expected(*writer, seed, max_len);
      if (!seq) {
        ADD_FAILURE() << "append: " << seq.error().to_string();
        break;
      }
      if (fs.power_is_cut()) break;  // returned after the power went: not acknowledged
      ack.acked_end = *seq + 1;
      ++done;
      if (--until_sync == 0) {
        until_sync = 1 + rng() % 200;
        const std::uint64_t covered = ack.acked_end;
        const Status st = writer->sync();
        if (!st) {
          ADD_FAILURE() << "sync: " << st.error().to_string();
          break;
        }
        if (!fs.power_is_cut()) ack.durable_end = covered;
      }
      switch (rng() % 64) {
        case 0:
          (void)writer->flush();
          break;
        case 1: {
          // A clean close and a reopen: the next writer must cover what
          // this one left unsynced when it syncs.
          const Status st = writer->close();
          if (!st && !fs.power_is_cut()) ADD_FAILURE() << "close: " << st.error().to_string();
          writer.reset();
          break;
        }
        default:
          break;
      }
    }
    if (!fs.power_is_cut()) fs.cut_power();
    if (done > 0) {
      *calls_per_append = 0.8 * *calls_per_append + 0.2 * double(fs.calls_counted()) / double(done);
    }
    writer.reset();  // after the cut: changes nothing the images hold
    return ack;
  }
};

TEST_F(PowerLossTest, DurableAppendsSurviveEveryImageOfAPowerLoss) {
  const std::uint64_t seed = crash::test_seed();
  const int images = crash::scaled_trials(1000);
  const int runs = (images + kImagesPerRun - 1) / kImagesPerRun;
  crash::announce_seed(seed, images);
  std::mt19937_64 rng(seed);
  crash::ScratchDir tmp;
  LogOptions recover;
  recover.segment_size = kSegmentSize;
  recover.prepare_ahead = false;
  recover.opener = &UnifiedSegmentOpener::instance();
  RunTotals totals;
  double calls_per_append = 0.05;

  for (int run = 0; run < runs && !HasFailure(); ++run) {
    const std::uint64_t run_seed = seed * 1'000'003 + static_cast<std::uint64_t>(run);
    SCOPED_TRACE("seed " + std::to_string(seed) + ", run " + std::to_string(run));
    const std::string root = tmp.sub("run" + std::to_string(run));
    std::filesystem::create_directories(root);
    Acknowledged ack;
    crash::LogChecker checker(run_seed, crash::max_len_for(kSegmentSize));
    {
      PowerLossFs fs(root);
      ack = run_writer(fs, root + "/log", run_seed, rng, &calls_per_append, totals);
      EXPECT_EQ(fs.divergences(), std::vector<std::string>{});
      for (int i = 0; i < kImagesPerRun && !HasFailure(); ++i) {
        const std::string image = tmp.sub("image");
        std::filesystem::remove_all(image);
        const ImageOptions options = image_options(rng);
        totals.pages.add(fs.build_image(image, rng, options));
        std::uint64_t records = 0;
        Unpromised unpromised = Unpromised::Recovered;
        EXPECT_TRUE(check_log_image(image + "/log", recover, checker, ack, 1 + rng() % 8, &records,
                                    &unpromised))
            << "image " << i << " (names " << static_cast<int>(options.names) << ", weights "
            << options.keep << "/" << options.revert << "/" << options.tear << "); acknowledged "
            << ack.acked_end << ", durable " << ack.durable_end;
        if (HasFailure()) {
          crash::save_artifacts(image, seed, run * kImagesPerRun + i);
          break;
        }
        ++totals.images;
        totals.unpromised_refused += unpromised == Unpromised::Refused;
        totals.unpromised_damaged += unpromised == Unpromised::ReadStopsAtDamage;
        totals.recovered += records;
        if (records < ack.acked_end) totals.lost_undurable += ack.acked_end - records;
      }
    }
    ++totals.runs;
    totals.acked += ack.acked_end;
    totals.durable += ack.durable_end;
    std::filesystem::remove_all(root);
  }
  std::printf(
      "[   info   ] %d runs (%d cut between appends, %d inside a call), %d images; "
      "%llu acknowledged, %llu durable appends; images kept %llu records and lost %llu "
      "undurable ones; pages kept %llu, reverted %llu, zeroed %llu, torn %llu; %llu name "
      "changes and %llu lengths dropped; before any sync: %d images refused, %d read up to "
      "damage\n",
      totals.runs, totals.cuts_between, totals.cuts_in_calls, totals.images,
      static_cast<unsigned long long>(totals.acked),
      static_cast<unsigned long long>(totals.durable),
      static_cast<unsigned long long>(totals.recovered),
      static_cast<unsigned long long>(totals.lost_undurable),
      static_cast<unsigned long long>(totals.pages.pages_kept),
      static_cast<unsigned long long>(totals.pages.pages_reverted),
      static_cast<unsigned long long>(totals.pages.pages_zeroed),
      static_cast<unsigned long long>(totals.pages.pages_torn),
      static_cast<unsigned long long>(totals.pages.names_dropped),
      static_cast<unsigned long long>(totals.pages.lengths_reverted), totals.unpromised_refused,
      totals.unpromised_damaged);
}

}  // namespace
}  // namespace chronicle::powerloss
