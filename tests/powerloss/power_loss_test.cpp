// B1: power-loss images of real writer runs. A writer appends the HX1
// records to one log through the power-loss model (power_loss_fs.hpp),
// calling sync() every 1-200 appends and now and then flush(), or close()
// and a reopen; the power goes at a random moment: between two appends, or
// before or after a random file-system call of the writer's thread (inside
// a roll, a sync, a reopen's recovery). From the model each run then builds
// candidate disk images (pages kept, reverted, zeroed or torn; names made
// since the last directory fsync kept or dropped), and every image must
// hold P1 for the durable appends, P2-P4 and P6 (image_check.hpp). Once per
// run a second writer then resumes one of the images (recovery included)
// through a second model, with records of a new seed, and loses power in
// turn: what the first loss made durable must survive both, and no record
// of the first run may come back where the second one wrote others.

#include <gtest/gtest.h>

#include <algorithm>
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
constexpr int kSecondLossImages = 2;

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
  int runs = 0, images = 0, second_loss_images = 0, cuts_between = 0, cuts_in_calls = 0;
  std::uint64_t acked = 0, durable = 0, recovered = 0, lost_undurable = 0;
  int unpromised_refused = 0, unpromised_damaged = 0;
  ImageStats pages;
};

class PowerLossTest : public ::testing::Test {
 protected:
  // One run: a writer works on the log in `dir` until the power goes, and
  // returns what was acknowledged, starting from `before` (what an earlier
  // run left). With `resume_seed`, the records it appends after opening
  // carry that seed (`records` learns where they start).
  // `calls_per_append` tunes where cuts inside calls land.
  Acknowledged run_writer(PowerLossFs& fs, const std::string& dir, Records& records,
                          std::optional<std::uint64_t> resume_seed, Acknowledged before,
                          std::mt19937_64& rng, double* calls_per_append, RunTotals& totals) {
    LogOptions options;
    options.segment_size = kSegmentSize;
    options.prepare_ahead = rng() % 2 == 0;
    options.sync_on_seal = rng() % 4 == 0;
    options.opener = &UnifiedSegmentOpener::instance();
    options.fs = &fs;
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

    Acknowledged ack = before;
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
        if (resume_seed) {
          records.switch_at(w->next_seq(), *resume_seed);
          resume_seed.reset();
        }
        writer.emplace(std::move(*w));
        continue;
      }
      if ((cut_after_append && done == *cut_after_append) || done == appends) {
        fs.cut_power();
        break;
      }
      auto seq = records.append(*writer);
      if (!seq) {
        ADD_FAILURE() << "append: " << seq.error().to_string();
        break;
      }
      if (fs.power_is_cut()) break;  // returned after the power went: not acknowledged
      ack.acked_end = std::max(ack.acked_end, *seq + 1);
      ++done;
      if (--until_sync == 0) {
        until_sync = 1 + rng() % 200;
        const std::uint64_t covered = *seq + 1;
        const Status st = writer->sync();
        if (!st) {
          ADD_FAILURE() << "sync: " << st.error().to_string();
          break;
        }
        if (!fs.power_is_cut()) ack.durable_end = std::max(ack.durable_end, covered);
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
    EXPECT_EQ(fs.divergences(), std::vector<std::string>{});
    return ack;
  }

  // Builds `n` images from `fs` and checks the log in each.
  void check_images(const PowerLossFs& fs, int n, const Records& records, const Acknowledged& ack,
                    std::mt19937_64& rng, RunTotals& totals, const std::string& what) {
    for (int i = 0; i < n && !HasFailure(); ++i) {
      const std::string image = tmp_.sub("image");
      std::filesystem::remove_all(image);
      const ImageOptions options = image_options(rng);
      totals.pages.add(fs.build_image(image, rng, options));
      std::uint64_t count = 0;
      Unpromised unpromised = Unpromised::Recovered;
      EXPECT_TRUE(check_log_image(image + "/log", recover_options(), records, ack, 1 + rng() % 8,
                                  &count, &unpromised))
          << what << ", image " << i << " (names " << static_cast<int>(options.names)
          << ", weights " << options.keep << "/" << options.revert << "/" << options.tear
          << "); acknowledged " << ack.acked_end << ", durable " << ack.durable_end;
      if (HasFailure()) {
        crash::save_artifacts(image, seed_, ++saved_);
        return;
      }
      totals.unpromised_refused += unpromised == Unpromised::Refused;
      totals.unpromised_damaged += unpromised == Unpromised::ReadStopsAtDamage;
      totals.recovered += count;
      if (count < ack.acked_end) totals.lost_undurable += ack.acked_end - count;
    }
  }

  static LogOptions recover_options() {
    LogOptions o;
    o.segment_size = kSegmentSize;
    o.prepare_ahead = false;
    o.opener = &UnifiedSegmentOpener::instance();
    return o;
  }

  crash::ScratchDir tmp_;
  std::uint64_t seed_ = 0;
  int saved_ = 0;
};

TEST_F(PowerLossTest, DurableAppendsSurviveEveryImageOfAPowerLoss) {
  seed_ = crash::test_seed();
  const int images = crash::scaled_trials(1000);
  const int runs = (images + kImagesPerRun - 1) / kImagesPerRun;
  crash::announce_seed(seed_, images);
  std::mt19937_64 rng(seed_);
  const std::size_t max_len = crash::max_len_for(kSegmentSize);
  RunTotals totals;
  double calls_per_append = 0.05;

  for (int run = 0; run < runs && !HasFailure(); ++run) {
    const std::uint64_t run_seed = seed_ * 1'000'003 + static_cast<std::uint64_t>(run);
    SCOPED_TRACE("seed " + std::to_string(seed_) + ", run " + std::to_string(run));
    const std::string root = tmp_.sub("run");
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
    Records records(run_seed, max_len);
    PowerLossFs fs(root);
    const Acknowledged ack =
        run_writer(fs, root + "/log", records, std::nullopt, {}, rng, &calls_per_append, totals);
    check_images(fs, kImagesPerRun, records, ack, rng, totals, "first power loss");
    totals.images += kImagesPerRun;
    ++totals.runs;
    totals.acked += ack.acked_end;
    totals.durable += ack.durable_end;
    if (HasFailure() || ack.durable_end == 0) continue;

    // A second writer resumes one image of this loss and loses power too.
    const std::string again = tmp_.sub("again");
    std::filesystem::remove_all(again);
    fs.build_image(again, rng, image_options(rng));
    Records records2 = records;
    PowerLossFs fs2(again);
    const Acknowledged ack2 = run_writer(fs2, again + "/log", records2, run_seed + 0x5eed, ack, rng,
                                         &calls_per_append, totals);
    check_images(fs2, kSecondLossImages, records2, ack2, rng, totals, "second power loss");
    totals.second_loss_images += kSecondLossImages;
  }
  std::printf(
      "[   info   ] %d runs (%d cut between appends, %d inside a call), %d images and %d after a "
      "second power loss; %llu acknowledged, %llu durable appends; images kept %llu records and "
      "lost %llu undurable ones; pages kept %llu, reverted %llu, zeroed %llu, torn %llu; %llu "
      "name changes and %llu lengths dropped; before any sync: %d images refused, %d read up to "
      "damage\n",
      totals.runs, totals.cuts_between, totals.cuts_in_calls, totals.images,
      totals.second_loss_images, static_cast<unsigned long long>(totals.acked),
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
