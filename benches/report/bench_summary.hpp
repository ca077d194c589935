#pragma once

// The summary of one `scripts/dev bench` run: reads the Google Benchmark JSON
// files the bench binaries wrote (--benchmark_out=<binary>.json) and renders
// docs/BENCHMARKS.md's headline figures, each beside its same-run baseline, as
// markdown. Which benchmark and counter feeds which row is one table,
// summary_rows() in summary_rows.cpp.
//
// A figure is never invented: a run that is absent from the files (binary
// not run, filtered out) is "not run", one that reported an error "failed".
// With repetitions, the median aggregate row is used; without, the median of
// the iteration rows (normally one).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chronicle::bench_report {

// One number in one binary's JSON: field `field` (a user counter such as
// "p99_ns", or "items_per_second" / "bytes_per_second") of the run whose
// "run_name" is `run` in <binary>.json.
struct Metric {
  std::string_view binary;
  std::string_view run;
  std::string_view field;
};

// How a row's ratio is formed; always chronicle against its baseline.
enum class RatioOf : std::uint8_t {
  None,         // no ratio (no baseline, or not a meaningful one)
  Rate,         // chronicle ÷ baseline of a rate: the fraction of the
                // baseline's speed, printed "0.51"
  Time,         // chronicle ÷ baseline of a time or a size: how many times the
                // baseline's, printed "2.00×"
  RateCounter,  // the value run's own counter `ratio_counter`, which the bench
  TimeCounter,  // computes per iteration from paired or interleaved runs;
                // printed as Rate or Time
};

// A target the row must meet, on the chronicle value or on the ratio.
enum class On : std::uint8_t { Value, Ratio };
enum class Cmp : std::uint8_t { AtLeast, AtMost };
struct Check {
  On on;
  Cmp cmp;
  double bound;  // in the row's display unit (after `scale`) for On::Value
};

enum class Section : std::uint8_t {
  Target,  // a row of BENCHMARKS.md's "Targets at a glance"
  Extra,   // figures asked for beside them: cold reads, compression under
           // appends, roll time
};

struct Row {
  Section section;
  std::string_view issue;
  std::string_view figure;
  Metric value;
  double scale;                     // display = JSON value × scale
  std::string_view unit;            // display unit, e.g. "M rec/s"
  std::optional<Metric> baseline;   // shown with the same scale and unit
  std::string_view baseline_label;  // what the baseline is, e.g. "memcpy"
  RatioOf ratio;
  std::string_view ratio_counter;  // for RatioOf::RateCounter and TimeCounter
  std::string_view target;         // as BENCHMARKS.md states it, "–" if none
  std::vector<Check> checks;       // all must hold; empty: no target
};

// Every row of the summary, in order; defined in summary_rows.cpp.
const std::vector<Row>& summary_rows();

// The seven bench binaries `scripts/dev bench` runs, in that order.
const std::vector<std::string_view>& bench_binaries();

// One row of a Google Benchmark JSON "benchmarks" array.
struct BenchRun {
  std::string name;       // "name": run_name plus "_median" etc. for aggregates
  std::string run_name;   // "run_name"
  std::string run_type;   // "iteration" or "aggregate"
  std::string aggregate;  // "aggregate_name": "mean", "median", "stddev", ...
  std::string error;      // "error_message" when "error_occurred"
  bool failed = false;
  std::map<std::string, double, std::less<>> fields;  // every numeric field
};

// What one binary's JSON says: its "context" and its runs.
struct BinaryResult {
  std::string date;  // context "date", as written
  std::string host;  // context "host_name"
  double num_cpus = 0;
  double mhz = 0;                // context "mhz_per_cpu"
  std::vector<double> load_avg;  // context "load_avg" at the binary's start
  std::string caches;            // context "caches", as "L1d 48 KiB, ..."
  std::string build_type;        // context "library_build_type"
  std::vector<BenchRun> runs;
};

// The results of one bench run, by binary name ("append_bench").
struct RunSet {
  std::map<std::string, BinaryResult, std::less<>> binaries;
};

// Parses one binary's JSON (the text of <binary>.json) into `set`. Returns
// an error message, or nullopt on success.
std::optional<std::string> add_json(RunSet& set, std::string_view binary, std::string_view text);

// A looked-up figure: found (value), not in the files, or failed.
struct Figure {
  enum class State : std::uint8_t { Found, NotRun, Failed } state = State::NotRun;
  double value = 0;
  std::string error;  // for Failed
};
Figure lookup(const RunSet& set, const Metric& m);

// A row evaluated against a run set, as the strings of its table cells.
struct RowResult {
  std::string value;     // "33.5 M rec/s", "not run", "failed: ..."
  std::string baseline;  // "memcpy 65.0 M rec/s", "–", "memcpy not run"
  std::string ratio;     // "0.512", "4.60×", "–", "not run"
  std::string met;       // "yes", "**no**", "–" (no target), "not run"
};
RowResult evaluate(const Row& row, const RunSet& set);

// What the generator reads about the machine itself (not in the JSON).
struct MachineInfo {
  std::string cpu_model;  // /proc/cpuinfo "model name"
  std::string memory;     // /proc/meminfo "MemTotal"
  std::string kernel;     // uname -r
  std::string compiler;   // the compiler that built the generator (__VERSION__)
  std::string commit;     // git commit, as passed in by scripts/dev
  std::string elapsed;    // the whole run's wall time, as passed in
};

// The whole summary as markdown.
std::string render_markdown(const RunSet& set, const MachineInfo& machine,
                            const std::vector<Row>& rows);

// Number formatting used in the cells: three significant digits, no
// exponent ("33.5", "0.512", "1280").
std::string format_number(double v);

}  // namespace chronicle::bench_report
