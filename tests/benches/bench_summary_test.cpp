// The bench summary's parsing and row logic (benches/report/), on hand-made
// Google Benchmark JSON: medians, baselines, ratios, targets, and "not run"
// or "failed" where a figure is missing, so that the summary cannot print a
// wrong number silently.

#include "report/bench_summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace chronicle::bench_report {
namespace {

// Two benchmarks with 3 repetitions and their aggregates (mean, median,
// stddev), as --benchmark_repetitions=3 writes them, and one that failed.
constexpr const char* kAppendJson = R"({
  "context": {
    "date": "2026-11-27T18:00:00+00:00", "host_name": "bench-host", "num_cpus": 2,
    "mhz_per_cpu": 2100, "library_build_type": "debug", "load_avg": [1.5, 2.25, 3],
    "caches": [{"type": "Data", "level": 1, "size": 49152, "num_sharing": 1},
               {"type": "Unified", "level": 3, "size": 314572800, "num_sharing": 2}]
  },
  "benchmarks": [
    {"name": "BM_BurstAppend/64/real_time", "run_name": "BM_BurstAppend/64/real_time",
     "run_type": "iteration", "repetitions": 3, "repetition_index": 0, "items_per_second": 31e6},
    {"name": "BM_BurstAppend/64/real_time", "run_name": "BM_BurstAppend/64/real_time",
     "run_type": "iteration", "repetitions": 3, "repetition_index": 1, "items_per_second": 40e6},
    {"name": "BM_BurstAppend/64/real_time", "run_name": "BM_BurstAppend/64/real_time",
     "run_type": "iteration", "repetitions": 3, "repetition_index": 2, "items_per_second": 33e6},
    {"name": "BM_BurstAppend/64/real_time_mean", "run_name": "BM_BurstAppend/64/real_time",
     "run_type": "aggregate", "aggregate_name": "mean", "items_per_second": 34.6e6},
    {"name": "BM_BurstAppend/64/real_time_median", "run_name": "BM_BurstAppend/64/real_time",
     "run_type": "aggregate", "aggregate_name": "median", "items_per_second": 33e6},
    {"name": "BM_BurstAppend/64/real_time_stddev", "run_name": "BM_BurstAppend/64/real_time",
     "run_type": "aggregate", "aggregate_name": "stddev", "items_per_second": 4.7e6},
    {"name": "BM_BurstMemcpy/64/real_time_median", "run_name": "BM_BurstMemcpy/64/real_time",
     "run_type": "aggregate", "aggregate_name": "median", "items_per_second": 66e6},
    {"name": "BM_Sustained", "run_name": "BM_Sustained", "run_type": "iteration",
     "rec_per_s": 20e6, "base_rec_per_s": 16e6, "ratio": 1.25},
    {"name": "BM_Broken", "run_name": "BM_Broken", "run_type": "iteration",
     "error_occurred": true, "error_message": "disk full"}
  ]
})";

RunSet append_set() {
  RunSet set;
  EXPECT_EQ(add_json(set, "append_bench", kAppendJson), std::nullopt);
  return set;
}

Row burst_row() {
  return Row{Section::Target,
             "2",
             "burst",
             {"append_bench", "BM_BurstAppend/64/real_time", "items_per_second"},
             1e-6,
             "M rec/s",
             Metric{"append_bench", "BM_BurstMemcpy/64/real_time", "items_per_second"},
             "memcpy",
             RatioOf::Rate,
             {},
             "≥ 30 M rec/s",
             {{On::Value, Cmp::AtLeast, 30}}};
}

TEST(BenchSummaryTest, ParsesContext) {
  const RunSet set = append_set();
  const BinaryResult& r = set.binaries.at("append_bench");
  EXPECT_EQ(r.date, "2026-11-27T18:00:00+00:00");
  EXPECT_EQ(r.host, "bench-host");
  EXPECT_EQ(r.num_cpus, 2);
  EXPECT_EQ(r.mhz, 2100);
  EXPECT_EQ(r.load_avg, (std::vector<double>{1.5, 2.25, 3}));
  EXPECT_EQ(r.caches, "L1d 48 KiB, L3 300 MiB (shared by 2)");
  EXPECT_EQ(r.runs.size(), 9u);
}

TEST(BenchSummaryTest, UsesTheMedianAggregateNotTheMeanOrAnIteration) {
  const Figure f =
      lookup(append_set(), {"append_bench", "BM_BurstAppend/64/real_time", "items_per_second"});
  ASSERT_EQ(f.state, Figure::State::Found);
  EXPECT_EQ(f.value, 33e6);
}

TEST(BenchSummaryTest, TakesTheMedianOfIterationsWithoutAggregates) {
  RunSet set;
  ASSERT_EQ(add_json(set, "read_bench", R"({"context": {}, "benchmarks": [
      {"name": "A", "run_name": "A", "run_type": "iteration", "x": 5},
      {"name": "A", "run_name": "A", "run_type": "iteration", "x": 1},
      {"name": "A", "run_name": "A", "run_type": "iteration", "x": 3}]})"),
            std::nullopt);
  const Figure f = lookup(set, {"read_bench", "A", "x"});
  ASSERT_EQ(f.state, Figure::State::Found);
  EXPECT_EQ(f.value, 3);
}

TEST(BenchSummaryTest, MissingBinaryRunOrFieldIsNotRun) {
  const RunSet set = append_set();
  EXPECT_EQ(lookup(set, {"read_bench", "BM_HotRead/64/real_time", "items_per_second"}).state,
            Figure::State::NotRun);
  EXPECT_EQ(lookup(set, {"append_bench", "BM_BurstAppend/256/real_time", "items_per_second"}).state,
            Figure::State::NotRun);
  EXPECT_EQ(lookup(set, {"append_bench", "BM_BurstAppend/64/real_time", "p99_ns"}).state,
            Figure::State::NotRun);
}

TEST(BenchSummaryTest, ErrorRunIsFailedWithItsMessage) {
  const Figure f = lookup(append_set(), {"append_bench", "BM_Broken", "rec_per_s"});
  EXPECT_EQ(f.state, Figure::State::Failed);
  EXPECT_EQ(f.error, "disk full");
}

TEST(BenchSummaryTest, RowShowsValueBaselineRatioAndTarget) {
  const RowResult r = evaluate(burst_row(), append_set());
  EXPECT_EQ(r.value, "33.0 M rec/s");
  EXPECT_EQ(r.baseline, "memcpy 66.0 M rec/s");
  EXPECT_EQ(r.ratio, "0.500");
  EXPECT_EQ(r.met, "yes");
}

TEST(BenchSummaryTest, RowMissesItsTarget) {
  Row row = burst_row();
  row.checks = {{On::Value, Cmp::AtLeast, 50}};
  EXPECT_EQ(evaluate(row, append_set()).met, "**no**");
  row.checks = {{On::Value, Cmp::AtLeast, 30}, {On::Ratio, Cmp::AtLeast, 0.9}};
  EXPECT_EQ(evaluate(row, append_set()).met, "**no**");
}

TEST(BenchSummaryTest, TimeRatioIsMarkedAsAMultiple) {
  Row row = burst_row();
  std::swap(row.value, *row.baseline);  // memcpy's 66 M against 33 M: 2×
  row.ratio = RatioOf::Time;
  row.checks = {{On::Ratio, Cmp::AtMost, 1.5}};
  const RowResult r = evaluate(row, append_set());
  EXPECT_EQ(r.ratio, "2.00×");
  EXPECT_EQ(r.met, "**no**");
}

TEST(BenchSummaryTest, CounterRatioComesFromTheValueRun) {
  const Row row{Section::Target,
                "2",
                "sustained",
                {"append_bench", "BM_Sustained", "rec_per_s"},
                1e-6,
                "M rec/s",
                Metric{"append_bench", "BM_Sustained", "base_rec_per_s"},
                "fresh files",
                RatioOf::RateCounter,
                "ratio",
                "≥ 0.8, ≥ 12 M rec/s",
                {{On::Ratio, Cmp::AtLeast, 0.8}, {On::Value, Cmp::AtLeast, 12}}};
  const RowResult r = evaluate(row, append_set());
  EXPECT_EQ(r.value, "20.0 M rec/s");
  EXPECT_EQ(r.baseline, "fresh files 16.0 M rec/s");
  EXPECT_EQ(r.ratio, "1.25");
  EXPECT_EQ(r.met, "yes");
}

TEST(BenchSummaryTest, MissingValueIsNeverTurnedIntoANumber) {
  Row row = burst_row();
  row.value.run = "BM_BurstAppend/1024/real_time";
  const RowResult r = evaluate(row, append_set());
  EXPECT_EQ(r.value, "not run");
  EXPECT_EQ(r.baseline, "memcpy 66.0 M rec/s");
  EXPECT_EQ(r.ratio, "not run");
  EXPECT_EQ(r.met, "not run");
}

TEST(BenchSummaryTest, MissingBaselineLeavesTheValueButNoRatio) {
  Row row = burst_row();
  row.baseline->run = "BM_BurstMemcpy/1024/real_time";
  row.checks = {{On::Ratio, Cmp::AtLeast, 0.4}};
  const RowResult r = evaluate(row, append_set());
  EXPECT_EQ(r.value, "33.0 M rec/s");
  EXPECT_EQ(r.baseline, "memcpy not run");
  EXPECT_EQ(r.ratio, "not run");
  EXPECT_EQ(r.met, "not run");
}

TEST(BenchSummaryTest, FailedRunShowsItsError) {
  Row row = burst_row();
  row.value = {"append_bench", "BM_Broken", "rec_per_s"};
  EXPECT_EQ(evaluate(row, append_set()).value, "failed: disk full");
}

// Google Benchmark writes the cv of an all-zero counter as a bare NaN.
TEST(BenchSummaryTest, AcceptsGoogleBenchmarksNaNAndInfinity) {
  RunSet set;
  ASSERT_EQ(add_json(set, "append_bench", R"({"context": {"host_name": "NaN host"}, "benchmarks": [
      {"name": "A_cv", "run_name": "A", "run_type": "aggregate", "aggregate_name": "cv",
       "rolls": NaN, "x": Infinity, "y": -Infinity},
      {"name": "A_median", "run_name": "A", "run_type": "aggregate", "aggregate_name": "median",
       "rolls": 14, "x": NaN}]})"),
            std::nullopt);
  EXPECT_EQ(set.binaries.at("append_bench").host, "NaN host");
  const Figure rolls = lookup(set, {"append_bench", "A", "rolls"});
  ASSERT_EQ(rolls.state, Figure::State::Found);
  EXPECT_EQ(rolls.value, 14);
  EXPECT_EQ(lookup(set, {"append_bench", "A", "x"}).state, Figure::State::NotRun);
}

TEST(BenchSummaryTest, RejectsInvalidJson) {
  RunSet set;
  EXPECT_NE(add_json(set, "append_bench", "{\"context\": {}, \"benchmarks\": ["), std::nullopt);
  EXPECT_NE(add_json(set, "append_bench", "[1, 2]"), std::nullopt);
  EXPECT_TRUE(set.binaries.empty());
}

TEST(BenchSummaryTest, FormatsThreeSignificantDigits) {
  EXPECT_EQ(format_number(33.46e0), "33.5");
  EXPECT_EQ(format_number(1278), "1278");
  EXPECT_EQ(format_number(4.5), "4.50");
  EXPECT_EQ(format_number(0.5123), "0.512");
  EXPECT_EQ(format_number(99.99), "100");
  EXPECT_EQ(format_number(9.999), "10.0");
  EXPECT_EQ(format_number(0.5), "0.500");
  EXPECT_EQ(format_number(0.00123), "0.00123");
  EXPECT_EQ(format_number(0), "0");
}

TEST(BenchSummaryTest, EveryRowNamesAKnownBinaryAndABaselineLabel) {
  const auto& binaries = bench_binaries();
  auto known = [&](std::string_view b) {
    return std::find(binaries.begin(), binaries.end(), b) != binaries.end();
  };
  for (const Row& row : summary_rows()) {
    SCOPED_TRACE(std::string(row.figure));
    EXPECT_TRUE(known(row.value.binary));
    EXPECT_FALSE(row.value.run.empty());
    EXPECT_FALSE(row.value.field.empty());
    if (row.baseline) {
      EXPECT_TRUE(known(row.baseline->binary));
      EXPECT_FALSE(row.baseline_label.empty());
    }
    if (row.ratio == RatioOf::RateCounter || row.ratio == RatioOf::TimeCounter) {
      EXPECT_FALSE(row.ratio_counter.empty());
    }
    if (row.ratio == RatioOf::Rate || row.ratio == RatioOf::Time) {
      EXPECT_TRUE(row.baseline.has_value());
    }
  }
}

TEST(BenchSummaryTest, RendersNotRunForAnEmptyRunSet) {
  const std::string md = render_markdown(RunSet{}, MachineInfo{}, summary_rows());
  EXPECT_NE(md.find("## Machine and date"), std::string::npos);
  EXPECT_NE(md.find("| append_bench | not run |"), std::string::npos);
  EXPECT_EQ(md.find(" yes |"), std::string::npos);
  EXPECT_NE(md.find("| 2 | burst append 64 B (one pre-faulted segment) | not run | memcpy not run "
                    "| not run | ≥ 30 M rec/s | not run |"),
            std::string::npos);
}

TEST(BenchSummaryTest, RendersMachineAndRows) {
  MachineInfo m;
  m.cpu_model = "Test CPU";
  m.commit = "abc1234";
  const std::string md = render_markdown(append_set(), m, {burst_row()});
  EXPECT_NE(md.find("| date | 2026-11-27T18:00:00+00:00 |"), std::string::npos);
  EXPECT_NE(md.find("| code | abc1234 |"), std::string::npos);
  EXPECT_NE(md.find("| CPUs | 2 × Test CPU, 2100 MHz |"), std::string::npos);
  EXPECT_NE(
      md.find("| 2 | burst | 33.0 M rec/s | memcpy 66.0 M rec/s | 0.500 | ≥ 30 M rec/s | yes |"),
      std::string::npos);
  EXPECT_NE(md.find("| append_bench | 2026-11-27T18:00:00+00:00 | 1.50 2.25 3.00 | 3 | 1 |"),
            std::string::npos);
}

}  // namespace
}  // namespace chronicle::bench_report
