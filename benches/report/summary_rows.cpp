// Which benchmark and counter feeds each row of the summary: the one place
// that maps docs/BENCHMARKS.md's figures to the benches' JSON.
//
// Run names are Google Benchmark's "run_name" (1.7, as Debian packages it):
// the function, its arguments ("/64" or "/payload:64" with ArgNames), then
// "/min_time:2.000", "/iterations:1", "/real_time" or "/manual_time" as the
// registration in benches/*.cpp sets them; `<binary> --benchmark_list_tests`
// prints them. Fields are the counters the benches set (state.counters[...])
// or Google Benchmark's items_per_second / bytes_per_second. A renamed
// benchmark or counter shows up as "not run" in the summary, never as a
// wrong number.

#include "report/bench_summary.hpp"

namespace chronicle::bench_report {

namespace {

constexpr double kMega = 1e-6;  // items or bytes per second → M/s, MB/s
constexpr double kOne = 1;
constexpr double kMicro = 1e-3;  // ns → µs

// Short names for the binaries.
constexpr std::string_view kAppend = "append_bench";
constexpr std::string_view kRead = "read_bench";
constexpr std::string_view kIpc = "ipc_latency_bench";
constexpr std::string_view kCompression = "compression_bench";
constexpr std::string_view kTable = "table_bench";
constexpr std::string_view kArchive = "archive_bench";
constexpr std::string_view kLifecycle = "lifecycle_bench";

// Runs used by more than one row.
constexpr std::string_view kLatencyBackToBack =
    "BM_AppendLatency/records:10000000/gap_ns:0/iterations:1/manual_time";
constexpr std::string_view kLatencyPaced =
    "BM_AppendLatency/records:10000000/gap_ns:300/iterations:1/manual_time";
constexpr std::string_view kMemcpyLatencyBackToBack =
    "BM_AppendLatencyMemcpy/records:10000000/gap_ns:0/iterations:1/manual_time";
constexpr std::string_view kMemcpyLatencyPaced =
    "BM_AppendLatencyMemcpy/records:10000000/gap_ns:300/iterations:1/manual_time";
constexpr std::string_view kIpcChronicle =
    "BM_IpcLatency/mode:0/records:2000000/gap_ns:2000/iterations:1/manual_time";
constexpr std::string_view kIpcRing =
    "BM_IpcLatency/mode:1/records:2000000/gap_ns:2000/iterations:1/manual_time";
constexpr std::string_view kPlainDecompress64 =
    "BM_PlainDecompress/payload:64/per_frame:0/min_time:1.000/real_time";
constexpr std::string_view kPlainDecompress1k =
    "BM_PlainDecompress/payload:1024/per_frame:0/min_time:1.000/real_time";
constexpr std::string_view kDuringCompression =
    "BM_AppendLatencyDuringCompression/iterations:1/manual_time";
constexpr std::string_view kCompress1Worker =
    "BM_CompressThroughput/workers:1/iterations:3/manual_time";

constexpr Check at_least(On on, double bound) { return {on, Cmp::AtLeast, bound}; }
constexpr Check at_most(On on, double bound) { return {on, Cmp::AtMost, bound}; }

// Issue 3's compression target at one level: BM_SeekableVsPlain's run
// `run`, SeekableWriter alternating with plain zstd in each iteration.
Row seekable_vs_plain(std::string_view figure, std::string_view run) {
  return {Section::Target, "3", figure, {kCompression, run, "MB_per_s"}, kOne, "MB/s",
          Metric{kCompression, run, "plain_MB_per_s"}, "`ZSTD_compress`", RatioOf::RateCounter,
          "speed_ratio", "≥ 0.9 of plain zstd", {at_least(On::Ratio, 0.9)}};
}

// The same run against plain zstd over the same 1 MiB frames: how much of
// the gap above is the format's (frames without history) and how much is
// chronicle's (checksums, the file).
Row seekable_vs_frames(std::string_view figure, std::string_view run) {
  return {Section::Target, "3", figure, {kCompression, run, "MB_per_s"}, kOne, "MB/s",
          Metric{kCompression, run, "frames_MB_per_s"}, "`ZSTD_compress2` per frame",
          RatioOf::RateCounter, "frames_ratio", "– (explains the row above)", {}};
}

}  // namespace

const std::vector<std::string_view>& bench_binaries() {
  static const std::vector<std::string_view> names{kAppend, kRead,    kIpc,      kCompression,
                                                   kTable,  kArchive, kLifecycle};
  return names;
}

const std::vector<Row>& summary_rows() {
  using enum Section;
  using enum RatioOf;
  using enum On;
  // Each row: section, issue, figure; the value (binary, run, field), scale
  // and unit; the baseline and its label; how the ratio is formed; the
  // target as the doc states it and the checks that decide "met?".
  // clang-format off
  static const std::vector<Row> rows{
      // ---- Issue 2: append, hot read, cross-process (append_bench, read_bench,
      // ipc_latency_bench).
      {Target, "2", "burst append 64 B (one pre-faulted segment)",
       {kAppend, "BM_BurstAppend/64/real_time", "items_per_second"}, kMega, "M rec/s",
       Metric{kAppend, "BM_BurstMemcpy/64/real_time", "items_per_second"}, "memcpy",
       Rate, {}, "≥ 30 M rec/s", {at_least(Value, 30)}},
      // rec_per_s and base_rec_per_s come from the same iteration (library,
      // then fresh files); `ratio` is their quotient per iteration.
      {Target, "2", "sustained append 10 M × 64 B, with rolls",
       {kAppend, "BM_SustainedAppend/payload:64/records:10000000/iterations:1/manual_time",
        "rec_per_s"},
       kMega, "M rec/s",
       Metric{kAppend, "BM_SustainedAppend/payload:64/records:10000000/iterations:1/manual_time",
              "base_rec_per_s"},
       "fresh files", RateCounter, "ratio", "≥ 0.8 of fresh files, ≥ 12 M rec/s",
       {at_least(Ratio, 0.8), at_least(Value, 12)}},
      {Target, "2", "append latency p99, 64 B, back to back",
       {kAppend, kLatencyBackToBack, "p99_ns"}, kOne, "ns",
       Metric{kAppend, kMemcpyLatencyBackToBack, "p99_ns"}, "memcpy", Time, {},
       "≤ 250 ns", {at_most(Value, 250)}},
      {Target, "2", "append latency p99.9, 64 B, back to back",
       {kAppend, kLatencyBackToBack, "p999_ns"}, kOne, "ns",
       Metric{kAppend, kMemcpyLatencyBackToBack, "p999_ns"}, "memcpy", Time, {},
       "≤ 1 µs", {at_most(Value, 1000)}},
      // roll_max_ns: the slowest of the appends that rolled (about 14 in 10 M).
      {Target, "2", "roll: max latency of the appends that rolled, paced (1 per 300 ns)",
       {kAppend, kLatencyPaced, "roll_max_ns"}, kMicro, "µs", std::nullopt, {}, None, {},
       "≤ 50 µs", {at_most(Value, 50)}},
      {Target, "2", "roll: max latency of the appends that rolled, back to back",
       {kAppend, kLatencyBackToBack, "roll_max_ns"}, kMicro, "µs", std::nullopt, {}, None, {},
       "≤ 50 µs", {at_most(Value, 50)}},
      // Baseline: memcpy of the same records from mappings made once (remap:0).
      {Target, "2", "hot sequential read 64 B",
       {kRead, "BM_HotRead/64/real_time", "items_per_second"}, kMega, "M rec/s",
       Metric{kRead, "BM_HotReadMemcpy/payload:64/remap:0/real_time", "items_per_second"},
       "memcpy", Rate, {}, "≥ 50 M rec/s", {at_least(Value, 50)}},
      // Baseline: mode 1, a raw shared-memory ring in the same binary.
      {Target, "2", "cross-process latency p50, 64 B, 1 record per 2 µs",
       {kIpc, kIpcChronicle, "p50_ns"}, kOne, "ns", Metric{kIpc, kIpcRing, "p50_ns"}, "raw ring",
       Time, {}, "≤ 300 ns", {at_most(Value, 300)}},
      {Target, "2", "cross-process latency p99",
       {kIpc, kIpcChronicle, "p99_ns"}, kOne, "ns", Metric{kIpc, kIpcRing, "p99_ns"}, "raw ring",
       Time, {}, "≤ 1 µs", {at_most(Value, 1000)}},

      // ---- Issue 3: compression and cold reads (compression_bench). The
      // throughput baseline is one ZSTD_compress of segment 0 as stored (input
      // 0); SeekableWriter's rows alternate with it within each iteration.
      seekable_vs_plain("compression, `SeekableWriter`, level 1, 1 MiB frames",
                        "BM_SeekableVsPlain/level:1/iterations:6/manual_time"),
      seekable_vs_frames("compression, `SeekableWriter`, level 1, vs the same frames",
                         "BM_SeekableVsPlain/level:1/iterations:6/manual_time"),
      seekable_vs_plain("compression, `SeekableWriter`, level 3",
                        "BM_SeekableVsPlain/level:3/iterations:6/manual_time"),
      seekable_vs_frames("compression, `SeekableWriter`, level 3, vs the same frames",
                         "BM_SeekableVsPlain/level:3/iterations:6/manual_time"),
      seekable_vs_plain("compression, `SeekableWriter`, level 9",
                        "BM_SeekableVsPlain/level:9/iterations:6/manual_time"),
      {Target, "3", "compression, `compress_segment` end to end (verification, fsyncs), level 1",
       {kCompression, "BM_CompressSegment/level:1/min_time:2.000/real_time", "bytes_per_second"},
       kMega, "MB/s",
       Metric{kCompression, "BM_PlainZstd/level:1/input:0/min_time:2.000/real_time",
              "bytes_per_second"},
       "`ZSTD_compress`", Rate, {}, "≥ 0.9 of plain zstd", {at_least(Ratio, 0.9)}},
      {Target, "3", "compression, `compress_segment`, level 3",
       {kCompression, "BM_CompressSegment/level:3/min_time:2.000/real_time", "bytes_per_second"},
       kMega, "MB/s",
       Metric{kCompression, "BM_PlainZstd/level:3/input:0/min_time:2.000/real_time",
              "bytes_per_second"},
       "`ZSTD_compress`", Rate, {}, "≥ 0.9 of plain zstd", {at_least(Ratio, 0.9)}},
      {Target, "3", "compression, `compress_segment`, level 9",
       {kCompression, "BM_CompressSegment/level:9/min_time:4.000/real_time", "bytes_per_second"},
       kMega, "MB/s",
       Metric{kCompression, "BM_PlainZstd/level:9/input:0/min_time:4.000/real_time",
              "bytes_per_second"},
       "`ZSTD_compress`", Rate, {}, "≥ 0.9 of plain zstd", {at_least(Ratio, 0.9)}},
      // B_per_record of compress_segment's level-3 output; baseline: one
      // ZSTD_compress of the timestamps and payloads alone (input 2).
      {Target, "3", "cold bytes per 64 B-payload record, level 3",
       {kCompression, "BM_CompressSegment/level:3/min_time:2.000/real_time", "B_per_record"},
       kOne, "B",
       Metric{kCompression, "BM_PlainZstd/level:3/input:2/iterations:1/real_time",
              "B_per_record"},
       "timestamps + payloads alone", Time, {}, "≤ 20 B", {at_most(Value, 20)}},
      // BM_SeqRead mode 1: cold, no read-ahead; mode 2: cold with read-ahead.
      // Baseline: ZSTD_decompress of each whole .q.zst (per_frame 0).
      {Target, "3", "cold sequential read 64 B, no read-ahead",
       {kCompression, "BM_SeqRead/payload:64/mode:1/min_time:1.000/real_time",
        "bytes_per_second"},
       kMega, "MB/s", Metric{kCompression, kPlainDecompress64, "bytes_per_second"},
       "`ZSTD_decompress`", Rate, {}, "≥ 0.9 of `ZSTD_decompress`",
       {at_least(Ratio, 0.9)}},
      {Target, "3", "cold sequential read 1 KiB, no read-ahead",
       {kCompression, "BM_SeqRead/payload:1024/mode:1/min_time:1.000/real_time",
        "bytes_per_second"},
       kMega, "MB/s", Metric{kCompression, kPlainDecompress1k, "bytes_per_second"},
       "`ZSTD_decompress`", Rate, {}, "≥ 0.9 of `ZSTD_decompress`",
       {at_least(Ratio, 0.9)}},
      {Target, "3", "cold sequential read 64 B, read-ahead (2 frames, 2nd thread)",
       {kCompression, "BM_SeqRead/payload:64/mode:2/min_time:1.000/real_time",
        "bytes_per_second"},
       kMega, "MB/s", Metric{kCompression, kPlainDecompress64, "bytes_per_second"},
       "`ZSTD_decompress`", Rate, {}, "≥ 1.5 of `ZSTD_decompress`",
       {at_least(Ratio, 1.5)}},
      {Target, "3", "cold sequential read 1 KiB, read-ahead",
       {kCompression, "BM_SeqRead/payload:1024/mode:2/min_time:1.000/real_time",
        "bytes_per_second"},
       kMega, "MB/s", Metric{kCompression, kPlainDecompress1k, "bytes_per_second"},
       "`ZSTD_decompress`", Rate, {}, "≥ 1.5 of `ZSTD_decompress`",
       {at_least(Ratio, 1.5)}},

      // ---- Issue 4: table (table_bench). Seek counters are latencies in µs,
      // each with its baseline measured for the same targets (base_p50_us);
      // p50_ratio = p50_us ÷ base_p50_us.
      {Target, "4", "hot `seek_timestamp` + `next()`, p50, reader reused",
       {kTable, "BM_SeekTimestamp/cold:0/fresh:0/iterations:5000/manual_time", "p50_us"}, kOne,
       "µs",
       Metric{kTable, "BM_SeekTimestamp/cold:0/fresh:0/iterations:5000/manual_time",
              "base_p50_us"},
       "search in RAM", TimeCounter, "p50_ratio", "≤ 5 µs", {at_most(Value, 5)}},
      {Target, "4", "cold `seek_timestamp` + `next()`, p50, reader reused",
       {kTable, "BM_SeekTimestamp/cold:1/fresh:0/iterations:500/manual_time", "p50_us"}, kMicro,
       "ms",
       Metric{kTable, "BM_SeekTimestamp/cold:1/fresh:0/iterations:500/manual_time",
              "base_p50_us"},
       "search + `ZSTD_decompressDCtx`", TimeCounter, "p50_ratio", "≤ 2 ms", {at_most(Value, 2)}},
      // cost_ratio: the merge's time ÷ one partition's, for the same records.
      {Target, "4", "`Table::query` merging 50 partitions, timestamp order",
       {kTable, "BM_MergedRead/strategy:0/iterations:3/manual_time", "rec_per_s"}, kMega,
       "M rec/s",
       Metric{kTable, "BM_MergedRead/strategy:0/iterations:3/manual_time", "base_rec_per_s"},
       "one partition", TimeCounter, "cost_ratio", "≤ 2× one partition", {at_most(Ratio, 2)}},
      // roller 1: DateRoller over 3 days; 2: HourRoller over 24 h. The
      // `ratio` counter pairs the two writers interleaved in one iteration.
      {Target, "4", "`RollingWriter` + DateRoller, 10 M records",
       {kTable, "BM_RollingAppend/roller:1/iterations:2/manual_time", "rec_per_s"}, kMega,
       "M rec/s",
       Metric{kTable, "BM_RollingAppend/roller:1/iterations:2/manual_time", "base_rec_per_s"},
       "`SegmentWriter`", RateCounter, "ratio", "≥ 0.9 of log append", {at_least(Ratio, 0.9)}},
      {Target, "4", "`RollingWriter` + HourRoller, 10 M records",
       {kTable, "BM_RollingAppend/roller:2/iterations:2/manual_time", "rec_per_s"}, kMega,
       "M rec/s",
       Metric{kTable, "BM_RollingAppend/roller:2/iterations:2/manual_time", "base_rec_per_s"},
       "`SegmentWriter`", RateCounter, "ratio", "≥ 0.9 of log append", {at_least(Ratio, 0.9)}},
      {Target, "4", "`Table::partitions()` of 10,000 partitions, with stats",
       {kTable, "BM_ListPartitions/stats:1/iterations:5/manual_time", "ms"}, kOne, "ms",
       Metric{kTable, "BM_ListPartitions/stats:1/iterations:5/manual_time", "base_ms"},
       "readdir + lstat + pread", TimeCounter, "cost_ratio", "well under 1 s",
       {at_most(Value, 1000)}},

      // ---- Issue 5: lifecycle (lifecycle_bench). Scan baseline: base_read_ms,
      // the readdir walk plus a pread of every segment header; vs_read = ms ÷ it.
      {Target, "5", "`run_once` over 10,000 segments, `never()`",
       {kLifecycle, "BM_ScanNothingEligible/policy:0/first_scan:0/iterations:10/manual_time",
        "ms"},
       kOne, "ms",
       Metric{kLifecycle, "BM_ScanNothingEligible/policy:0/first_scan:0/iterations:10/manual_time",
              "base_read_ms"},
       "header walk", TimeCounter, "vs_read", "≤ 50 ms", {at_most(Value, 50)}},
      {Target, "5", "`run_once` over 10,000 segments, `age_after(30 d)`",
       {kLifecycle, "BM_ScanNothingEligible/policy:1/first_scan:0/iterations:10/manual_time",
        "ms"},
       kOne, "ms",
       Metric{kLifecycle, "BM_ScanNothingEligible/policy:1/first_scan:0/iterations:10/manual_time",
              "base_read_ms"},
       "header walk", TimeCounter, "vs_read", "≤ 50 ms", {at_most(Value, 50)}},
      // `ratio` = chronicle's MB/s ÷ one-thread ZSTD_compress of the same bytes.
      {Target, "5", "lifecycle compression, 1 worker",
       {kLifecycle, kCompress1Worker, "MB_per_s"}, kOne, "MB/s",
       Metric{kLifecycle, kCompress1Worker, "base_MB_per_s"}, "`ZSTD_compress`", RateCounter, "ratio",
       "≥ 0.9 of plain zstd", {at_least(Ratio, 0.9)}},
      {Target, "5", "lifecycle compression, 2 workers",
       {kLifecycle, "BM_CompressThroughput/workers:2/iterations:3/manual_time", "MB_per_s"}, kOne,
       "MB/s",
       Metric{kLifecycle, "BM_CompressThroughput/workers:2/iterations:3/manual_time",
              "base_MB_per_s"},
       "`ZSTD_compress`, 1 thread", RateCounter, "ratio", "≥ 1.8 of plain zstd",
       {at_least(Ratio, 1.8)}},
      // full_: the manager compressing at full speed; base_: nothing running.
      {Target, "5", "append p99.9 while the lifecycle compresses at full speed",
       {kLifecycle, kDuringCompression, "full_p999_ns"}, kOne, "ns",
       Metric{kLifecycle, kDuringCompression, "base_p999_ns"}, "no compression", TimeCounter,
       "full_p999_x", "– (no target)", {}},

      // ---- Issue 6: IPC archive (archive_bench).
      {Target, "6", "`ipc::Archive::append`, 10 M × 64 B",
       {kArchive, "BM_ArchiveAppend/iterations:2/manual_time", "rec_per_s"}, kMega, "M rec/s",
       Metric{kArchive, "BM_ArchiveAppend/iterations:2/manual_time", "base_rec_per_s"},
       "`PartitionWriter`", RateCounter, "ratio", "≥ 0.95 of `PartitionWriter`",
       {at_least(Ratio, 0.95)}},

      // ---- Beside the targets.
      // Cold-read throughput in records/s (the target rows above give MB/s).
      {Extra, "3", "cold sequential read 64 B, no read-ahead, records",
       {kCompression, "BM_SeqRead/payload:64/mode:1/min_time:1.000/real_time",
        "items_per_second"},
       kMega, "M rec/s", Metric{kCompression, kPlainDecompress64, "items_per_second"},
       "`ZSTD_decompress`", Rate, {}, "–", {}},
      {Extra, "3", "cold vs hot sequential read 64 B (no read-ahead)",
       {kCompression, "BM_SeqRead/payload:64/mode:1/min_time:1.000/real_time",
        "bytes_per_second"},
       kMega, "MB/s",
       Metric{kCompression, "BM_SeqRead/payload:64/mode:0/min_time:1.000/real_time",
              "bytes_per_second"},
       "hot `LogReader`", Rate, {}, "design: within 2× (≥ 0.5)",
       {at_least(Ratio, 0.5)}},
      // The manager's compression rate during the appends of the latency run
      // (full_load_MB_per_s: full speed; cap_load_MB_per_s: capped at 20 MB/s);
      // baseline: one-thread ZSTD_compress from lifecycle_bench's throughput run.
      {Extra, "5", "compression throughput while a writer appends, full speed (1 worker)",
       {kLifecycle, kDuringCompression, "full_load_MB_per_s"}, kOne, "MB/s",
       Metric{kLifecycle, kCompress1Worker, "base_MB_per_s"}, "`ZSTD_compress`, no writer",
       Rate, {}, "–", {}},
      {Extra, "5", "compression throughput while a writer appends, `max_bytes_per_second` 20 MB",
       {kLifecycle, kDuringCompression, "cap_load_MB_per_s"}, kOne, "MB/s", std::nullopt, {},
       None, {}, "–", {}},
      {Extra, "5", "append p99 while the lifecycle compresses at full speed",
       {kLifecycle, kDuringCompression, "full_p99_ns"}, kOne, "ns",
       Metric{kLifecycle, kDuringCompression, "base_p99_ns"}, "no compression", TimeCounter,
       "full_p99_x", "–", {}},
      // Roll time: the appends that rolled, timed in BM_AppendLatency (about
      // 14 per 10 M appends): p99 (roll_p99_ns), max, mean.
      {Extra, "2", "roll time p99, back to back",
       {kAppend, kLatencyBackToBack, "roll_p99_ns"}, kMicro, "µs", std::nullopt, {}, None, {},
       "≤ 50 µs", {at_most(Value, 50)}},
      {Extra, "2", "roll time max, back to back",
       {kAppend, kLatencyBackToBack, "roll_max_ns"}, kMicro, "µs", std::nullopt, {}, None, {},
       "≤ 50 µs", {at_most(Value, 50)}},
      {Extra, "2", "roll time mean, back to back",
       {kAppend, kLatencyBackToBack, "roll_mean_ns"}, kMicro, "µs", std::nullopt, {}, None, {},
       "–", {}},
      {Extra, "2", "roll time p99, paced",
       {kAppend, kLatencyPaced, "roll_p99_ns"}, kMicro, "µs", std::nullopt, {}, None, {},
       "≤ 50 µs", {at_most(Value, 50)}},
      {Extra, "2", "roll time max, paced",
       {kAppend, kLatencyPaced, "roll_max_ns"}, kMicro, "µs", std::nullopt, {}, None, {},
       "≤ 50 µs", {at_most(Value, 50)}},
      {Extra, "2", "roll time mean, paced",
       {kAppend, kLatencyPaced, "roll_mean_ns"}, kMicro, "µs", std::nullopt, {}, None, {},
       "–", {}},
      {Extra, "2", "max latency of the other appends, back to back",
       {kAppend, kLatencyBackToBack, "max_nonroll_ns"}, kMicro, "µs",
       Metric{kAppend, kMemcpyLatencyBackToBack, "max_ns"}, "memcpy", Time, {}, "–", {}},
      {Extra, "2", "append latency p99, paced", {kAppend, kLatencyPaced, "p99_ns"}, kOne, "ns",
       Metric{kAppend, kMemcpyLatencyPaced, "p99_ns"}, "memcpy", Time, {},
       "≤ 250 ns", {at_most(Value, 250)}},
  };
  // clang-format on
  return rows;
}

}  // namespace chronicle::bench_report
