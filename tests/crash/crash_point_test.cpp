// A2, A3, A4: the crash child is killed by the library itself at every named
// crash point (chronicle::detail::kCrashPoints) on its 1st, 2nd and 3rd hit;
// then the log must satisfy P1-P4 and P6, plus what each point implies (a
// torn append is absent, an interrupted roll is sealed by the next writer, an
// interrupted compression leaves every record readable once and a second run
// finishes it, and so on). The points are enumerated from the list compiled
// into the library, so a new point gets a test here; if no workload reaches
// it, its test fails. The table layer's points (index.*, partition.*) are
// reached through a RollingWriter and tested in rolling_kill_test.cpp.
//
// Writer points are reached by the "cycle" workload (open, append through
// several rolls, close; four times) on 16 KiB segments. The recovery points
// are hit at most once per open, and only on a log that needs repair: their
// trials first leave a torn tail or an interrupted roll with another killed
// child, and hit count n means n recoveries in a row killed at that point
// (A4: crashes during recovery). Compression points are reached by a child
// that compresses (or restores) every sealed segment but the newest, after
// the test made enough of them; hit n is then the n-th segment.

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/core/crash_point.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_store.hpp>

#include "crash/crash_harness.hpp"

namespace chronicle::crash {
namespace {

constexpr std::uint64_t kSegmentSize = 16 * 1024;

// What must be true of a log before a child can reach a point.
enum class Precondition {
  None,
  TornTail,        // a child killed between writing an append and committing it
  UnfinishedRoll,  // a child killed after naming the next segment, before sealing
  HotSegments,     // at least hit + 2 sealed hot segments besides the newest
  ColdSegments,    // at least hit + 2 compressed segments besides the newest
};

struct Plan {
  std::vector<std::string> workload;
  Precondition setup = Precondition::None;
  // Reached at most once per process (in recovery): hit count n is run as n
  // children in a row, each killed on its first hit.
  bool once_per_open = false;
  // The setup must be made again before every child.
  bool setup_each_time = false;
};

// `last_hit`: the highest hit count the test will ask for; the default
// workload closes and reopens the log once per cycle, so it runs one cycle
// more than that (and rolls many times per cycle).
Plan plan_for(std::string_view point, int last_hit) {
  if (point == "recovery.after_scan" || point == "recovery.during_zero") {
    return {{"cycle", "1", "10"}, Precondition::TornTail, true, false};
  }
  if (point == "recovery.after_seal_previous") {
    return {{"cycle", "1", "10"}, Precondition::UnfinishedRoll, true, true};
  }
  if (point.starts_with("compress.")) return {{"compress"}, Precondition::HotSegments, false, true};
  if (point.starts_with("decompress.")) {
    return {{"decompress"}, Precondition::ColdSegments, false, true};
  }
  return {{"cycle", std::to_string(std::max(4, last_hit + 1)), "150"}};
}

bool is_compression(std::string_view point) {
  return point.starts_with("compress.") || point.starts_with("decompress.");
}

std::vector<int> hit_counts() {
  // Soak runs (CHRONICLE_TRIALS >= 1000) try hits 1..20, CI 1..3.
  const int last = scaled_trials(200) >= 1000 ? 20 : 3;
  std::vector<int> hits;
  for (int n = 1; n <= last; ++n) hits.push_back(n);
  return hits;
}

// Names in `dir` that contain `part`.
int count_files_with(const std::string& dir, std::string_view part) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return 0;
  int found = 0;
  while (const dirent* e = ::readdir(d)) {
    if (std::string_view(e->d_name).find(part) != std::string_view::npos) ++found;
  }
  ::closedir(d);
  return found;
}

// True if the newest `.q` of `dir` is a segment named ahead of a roll.
bool newest_is_named_ahead(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return false;
  std::optional<std::uint64_t> newest;
  while (const dirent* e = ::readdir(d)) {
    auto parsed = parse_segment_file_name(e->d_name);
    if (parsed && parsed->suffix == kHotSuffix) newest = std::max(newest.value_or(0), parsed->id);
  }
  const auto named_ahead = newest ? is_named_ahead_on_disk(::dirfd(d), dir, *newest) : false;
  const bool named = named_ahead && *named_ahead;
  ::closedir(d);
  return named;
}

class CrashPointTest : public ::testing::TestWithParam<std::string_view> {
 protected:
  CrashPointTest() : seed_(test_seed()), rng_(seed_), checker_(seed_, max_len_for(kSegmentSize)) {
    options_.segment_size = kSegmentSize;
  }

  // Runs `workload` in a child until the library kills it at `point` on hit
  // `hit`, and checks P1-P3 against the log as it was before. Fails if the
  // child ends any other way.
  void run_to_point(const std::vector<std::string>& workload, std::string_view point, int hit,
                    SeqStream* acks_out, LogRange* r) {
    Pipe pipe = Pipe::make();
    std::vector<std::string> args = {dir_, std::to_string(seed_), std::to_string(kSegmentSize)};
    args.insert(args.end(), workload.begin(), workload.end());
    Child child = Child::spawn(
        args,
        {"CHRONICLE_CRASH_AT=" + std::string(point), "CHRONICLE_CRASH_HIT=" + std::to_string(hit)},
        {{3, pipe.write.get()}});
    pipe.write.reset();
    SeqStream acks(std::move(pipe.read));
    const bool drained = acks.drain(milliseconds(30000));
    const auto status = child.wait_for(milliseconds(drained ? 30000 : 0));
    ASSERT_TRUE(status.has_value()) << "the child hangs (30 s) on its way to " << point;
    if (status->exited_with(0)) {
      FAIL() << "crash point " << point << " was not reached " << hit << " time(s) by the workload "
             << ::testing::PrintToString(workload) << ": give it one in plan_for()";
    }
    ASSERT_TRUE(status->killed_by(SIGKILL))
        << "the child was to be killed at " << point << " but " << status->describe();
    ASSERT_TRUE(acks_contiguous(acks, log_.end));
    ASSERT_TRUE(checker_.read(dir_, r));
    ASSERT_TRUE(no_loss_no_hole(log_, acks, *r));
    *acks_out = std::move(acks);
  }

  // Appends with a writer of this process until it has rolled `rolls` times,
  // so that as many more sealed segments exist.
  void add_sealed_segments(std::uint64_t rolls) {
    auto writer = SegmentWriter::open(dir_, options_);
    ASSERT_OK(writer);
    ASSERT_EQ(writer->next_seq(), log_.end);
    while (writer->rolls() < rolls) ASSERT_OK(append_expected(*writer, seed_, checker_.max_len()));
    ASSERT_OK(writer->close());
    ASSERT_TRUE(checker_.read(dir_, &log_));
  }

  // Runs the compression step of `point` over every eligible segment, as the
  // crashed child would have, and checks that it finishes what the crash
  // interrupted: no segment left in both forms or none, no temp file left.
  void finish_compression(std::string_view point) {
    auto stale = remove_stale_temp_files(dir_, FileSystem::system());
    ASSERT_OK(stale);
    if (point.ends_with(".after_tmp_fsync") || point.ends_with(".after_verify")) {
      EXPECT_GE(*stale, 1u) << "the crash left no temp file to clean up";
    }
    auto segments = list_segments(dir_);
    ASSERT_OK(segments);
    const bool restore = point.starts_with("decompress.");
    for (const SegmentEntry& e : *segments) {
      if (e.id == segments->back().id) break;
      if (!restore && e.hot) ASSERT_OK(compress_segment(dir_, e.id));
      if (restore && e.cold) ASSERT_OK(decompress_segment(dir_, e.id));
    }
    segments = list_segments(dir_);
    ASSERT_OK(segments);
    for (const SegmentEntry& e : *segments) {
      EXPECT_FALSE(e.hot && e.cold) << "segment " << e.id << " is left in both forms";
      if (e.id != segments->back().id) {
        EXPECT_EQ(e.cold, !restore) << "segment " << e.id << " was not (de)compressed";
      }
    }
    EXPECT_EQ(count_files_with(dir_, ".tmp-"), 0);
  }

  void make(Precondition setup, int hit) {
    SeqStream acks{Fd()};
    LogRange r;
    switch (setup) {
      case Precondition::None:
        return;
      case Precondition::TornTail:
        run_to_point({"cycle", "4", "150"}, "append.after_payload",
                     1 + static_cast<int>(rng_() % 500), &acks, &r);
        break;
      case Precondition::UnfinishedRoll:
        run_to_point({"cycle", "4", "150"},
                     rng_() % 2 == 0 ? "roll.after_publish" : "roll.after_end_marker",
                     1 + static_cast<int>(rng_() % 3), &acks, &r);
        break;
      case Precondition::HotSegments:
        add_sealed_segments(static_cast<std::uint64_t>(hit) + 2);
        return;
      case Precondition::ColdSegments: {
        add_sealed_segments(static_cast<std::uint64_t>(hit) + 2);
        auto segments = list_segments(dir_);
        ASSERT_OK(segments);
        for (const SegmentEntry& e : *segments) {
          if (e.id != segments->back().id && e.hot) ASSERT_OK(compress_segment(dir_, e.id));
        }
        return;
      }
    }
    log_ = r;
  }

  std::string dir_;
  LogOptions options_;
  std::uint64_t seed_;
  std::mt19937_64 rng_;
  LogChecker checker_;
  LogRange log_;
};

TEST_P(CrashPointTest, LogRecoversAfterAKillAtThePoint) {
  const std::string_view point = GetParam();
  ScratchDir tmp;
  dir_ = tmp.sub("log");
  const auto hits = hit_counts();
  const Plan plan = plan_for(point, hits.back());
  announce_seed(seed_, static_cast<int>(hits.size()));

  for (const int hit : hits) {
    SCOPED_TRACE("crash point " + std::string(point) + ", hit " + std::to_string(hit) + ", seed " +
                 std::to_string(seed_));
    const LogRange before = log_;
    SeqStream acks{Fd()};
    LogRange r;
    for (int i = 0; i < (plan.once_per_open ? hit : 1) && !HasFailure(); ++i) {
      if (i == 0 || plan.setup_each_time) make(plan.setup, hit);
      if (HasFailure()) break;
      const LogRange prepared = log_;
      run_to_point(plan.workload, point, plan.once_per_open ? 1 : hit, &acks, &r);
      if (HasFailure()) break;
      if (plan.once_per_open || is_compression(point)) {
        EXPECT_EQ(r, prepared) << "a child killed at " << point << " changed what readers see";
        EXPECT_EQ(acks.size(), 0u) << "a child killed at " << point << " acknowledged appends";
      }
    }
    if (HasFailure()) {
      save_artifacts(dir_, seed_, hit);
      return;
    }
    const std::uint64_t acked_end = acks.size() == 0 ? log_.end : acks.values().back() + 1;
    if (point == "append.after_payload" || point == "close.after_end_marker") {
      EXPECT_EQ(r.end, acked_end) << "nothing was in flight, yet the log holds more";
    }
    if (point == "create.after_allocate") {
      EXPECT_GE(count_files_with(dir_, kPrepSuffix), 1)
          << "no half-prepared segment was left behind";
    }
    if (point == "create.after_name_ahead") {
      EXPECT_TRUE(newest_is_named_ahead(dir_)) << "no segment named ahead was left behind";
    }
    if (point.ends_with(".after_rename")) {
      auto segments = list_segments(dir_);
      ASSERT_OK(segments);
      EXPECT_TRUE(std::any_of(segments->begin(), segments->end(), [](const SegmentEntry& e) {
        return e.hot && e.cold;
      })) << "killed after the rename, yet no segment is present in both forms";
    }
    if (is_compression(point)) {
      finish_compression(point);
      LogRange finished;
      EXPECT_TRUE(checker_.read(dir_, &finished));
      EXPECT_EQ(finished, r) << "finishing the interrupted (de)compression changed the log";
    }

    RecoveryReport report;
    EXPECT_TRUE(reopen_and_extend(dir_, options_, checker_, r, 1 + rng_() % 8, &log_, &report));
    if (point == "append.after_payload" || point == "recovery.after_scan" ||
        point == "recovery.during_zero") {
      EXPECT_GT(report.discarded_bytes, 0u) << "no torn tail was repaired: " << report.to_string();
    }
    if (point == "roll.after_publish" || point == "roll.after_end_marker") {
      EXPECT_TRUE(report.sealed_previous)
          << "the interrupted roll was not completed: " << report.to_string();
    }
    if (point == "roll.after_seal") {
      EXPECT_TRUE(report.clean()) << report.to_string();
    }
    EXPECT_GE(log_.end, before.end);
    if (HasFailure()) {
      save_artifacts(dir_, seed_, hit);
      return;
    }
  }
}

// Every point but the table layer's (rolling_kill_test.cpp).
std::vector<std::string_view> log_points() {
  std::vector<std::string_view> out;
  for (const auto p : detail::kCrashPoints) {
    if (!is_table_crash_point(p)) out.push_back(p);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Named, CrashPointTest, ::testing::ValuesIn(log_points()),
                         crash_point_test_name);

}  // namespace
}  // namespace chronicle::crash
