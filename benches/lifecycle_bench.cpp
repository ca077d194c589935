// Lifecycle benchmarks (issue 5), each beside its baseline in the same run
// (STYLE.md §7):
//
//   BM_ScanNothingEligible/policy  StorageLifecycleManager::run_once() over a
//        table of 1,000 partitions (100 symbols x 10 dates), each holding 10
//        sealed 4 KiB segments with their .idx files (10,000 segments), when
//        nothing is eligible: policy 0 never(), 1 age_after(30 days) under an
//        injected clock one day after the newest record. The first run (which
//        creates each partition's .lifecycle.lock) is not timed; later runs
//        of the same manager find the seal blocks it read in its cache
//        (src/lifecycle/seal_cache.hpp). With first_scan:1 each iteration
//        opens a new manager (not timed), so every timed run is a manager's
//        first and reads every header again. Baselines,
//        timed in the same iterations over the same tree: base_walk_ms,
//        opendir/readdir of every directory; base_read_ms, that walk plus
//        open + pread of each segment's 128-byte header + close (the seal
//        block the built-in policies read).
//   BM_CompressThroughput/workers  run_once() with immediate() and
//        parallel_workers 1 or 2 over 4 partitions x 2 sealed 64 MiB segments
//        of market data (the table's defaults: level 3, 1 MiB frames), against
//        one ZSTD_compress() per segment of the same bytes [0, end_of_data) at
//        the same level on one thread, from memory (base_MB_per_s, the
//        target's baseline); floor_MB_per_s adds a ZSTD_decompress of the
//        result and a memcmp with the source, the least that compressing
//        with a byte-for-byte verification costs on one thread. bytes/s
//        count those used bytes. Chronicle and the baseline alternate which
//        goes first; the segments are restored with decompress_segment
//        between iterations (not timed).
//   BM_AppendLatencyDuringCompression  a SegmentWriter (default options)
//        appending 64-byte market-data payloads at a steady pace (starts at
//        least 2 us apart, 1.5 M appends, ~3 s), each append timed with the
//        TSC, in three windows of one iteration: base_ nothing else running
//        (the baseline); full_ while a StorageLifecycleManager (1 worker)
//        compresses another table on the same disk at full speed; cap_ the
//        same with max_bytes_per_second = 20 MB. The compressed table holds
//        8 partitions x 6 sealed 16 MiB segments; its policy is immediate()
//        written as a Custom predicate that turns false when the window ends,
//        so the run stops planning then (it still finishes the segments it
//        has queued; those are outside the window). The table is restored
//        after each window (not timed). The writer busy-waits between
//        appends, so it keeps one of the machine's cores to itself. Counters
//        per window: p50/p99/p99.9/max, the slowest append that rolled and
//        the slowest other one, appends over 10 us; full_p999_x and
//        cap_p999_x (and p99) are ratios to the base window of the same
//        iteration; *_load_MB_per_s is the rate the manager compressed at
//        (the cap allows a one-second burst, RateLimiter).
//
// Records are market-data messages (examples/market_data.hpp): the scan
// table and the latency writer use RecordPool payloads packed to 64 bytes
// (96-byte records), the compressed tables the generator's own 40- and
// 48-byte quotes and trades. Every row reports other_cores, the CPU the rest
// of the machine took during the measured part (bench_support.hpp, OtherLoad).

#include <benchmark/benchmark.h>
#include <zstd.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <chronicle/core/record_format.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/lifecycle/lifecycle_config.hpp>
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/table/table.hpp>

#include "../tests/support/manual_clock.hpp"
#include "bench_support.hpp"

namespace {

using namespace chronicle;
using namespace chronicle::bench;

// Flushes the scratch filesystem's dirty pages, so that write-back of one
// step's files does not land in the next step's timing.
void sync_scratch() {
  const int fd = ::open(bench_root().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) die("open " + bench_root());
  if (::syncfs(fd) != 0) die("syncfs " + bench_root());
  ::close(fd);
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ---------------------------------------------------------------------------
// Scan of 10,000 sealed segments in 1,000 partitions, nothing eligible

constexpr std::size_t kScanPayload = 64;
constexpr int kScanSymbols = 100;
constexpr int kScanDates = 10;
constexpr std::uint64_t kScanSegmentSize = 4096;
constexpr std::uint64_t kScanSegmentsPerPartition = 10;
constexpr std::uint64_t kScanPartitions = static_cast<std::uint64_t>(kScanSymbols) * kScanDates;

struct ScanData {
  ScanData() : root("lifecycle-scan") {
    const auto scheme =
        PartitionScheme::create({{"symbol", KeyType::String}, {"date", KeyType::Date}}).value();
    TableConfig config;
    config.segment_size = kScanSegmentSize;
    const Table table = Table::create(root.path() + "/table", scheme, config).value();
    path = table.root();
    const TimedRecords recs(kScanPayload);
    // Exactly this many records per partition fill its segments without a
    // further roll; finish() seals the last one.
    const std::uint64_t per_partition =
        records_per_segment(kScanSegmentSize, kScanPayload) * kScanSegmentsPerPartition;
    const std::int64_t day0 = make_date(2026, 1, 5).value().days;
    const std::uint64_t t0 = now_ns();
    std::uint64_t i = 0;
    for (int s = 0; s < kScanSymbols; ++s) {
      char sym[8];
      std::snprintf(sym, sizeof sym, "SYM%03d", s);
      for (int day = 0; day < kScanDates; ++day) {
        const auto values =
            PartitionValues::create(scheme, {{"symbol", sym}, {"date", Date{day0 + day}}}).value();
        auto w = table.partition_writer(values).value();
        for (std::uint64_t k = 0; k < per_partition; ++k, ++i) {
          w.append(recs[i].type_id, recs.timestamp(i), recs[i].payload).value();
        }
        w.finish().value();
      }
    }
    newest_ns = recs.timestamp(i - 1);
    sync_scratch();
    std::fprintf(stderr, "scan table: %llu partitions, %llu records written in %.1f s\n",
                 static_cast<unsigned long long>(kScanPartitions),
                 static_cast<unsigned long long>(i),
                 static_cast<double>(now_ns() - t0) * 1e-9);
  }
  ScratchDir root;
  std::string path;
  std::uint64_t newest_ns = 0;
};

const ScanData& scan_data() {
  static const ScanData data;
  return data;
}

struct WalkCount {
  std::uint64_t partitions = 0, segments = 0, records = 0;
};

// root/symbol=*/date=*/ listed with readdir; with `headers`, each NNN.q is
// also opened and its header read with pread.
WalkCount baseline_walk(const std::string& root, bool headers) {
  WalkCount c;
  for (const std::string& sym : dir_names(root)) {
    if (sym.rfind("symbol=", 0) != 0) continue;
    const std::string sym_dir = root + "/" + sym;
    for (const std::string& date : dir_names(sym_dir)) {
      ++c.partitions;
      const std::string part = sym_dir + "/" + date;
      for (const std::string& f : dir_names(part)) {
        if (!ends_with(f, ".q")) continue;
        ++c.segments;
        if (!headers) continue;
        c.records += pread_segment_header(part + "/" + f).record_count;
      }
    }
  }
  return c;
}

void BM_ScanNothingEligible(benchmark::State& state) {
  const ScanData& d = scan_data();
  const test::ManualClock clock(d.newest_ns + kNanosPerDay);
  LifecycleConfig config;
  config.policy = state.range(0) == 0 ? CompressionPolicy::never() : CompressionPolicy::age_after(30);
  config.clock = &clock;
  const bool first_scan = state.range(1) != 0;
  auto manager = StorageLifecycleManager::open(d.path, config);
  if (!manager) {
    state.SkipWithError(manager.error().to_string().c_str());
    return;
  }
  auto check = [&](const Result<LifecycleStats>& r) -> const char* {
    if (!r) return "run_once failed";
    if (!r->errors.empty()) return "run_once reported errors";
    if (r->partitions_scanned != kScanPartitions ||
        r->segments_scanned != kScanPartitions * kScanSegmentsPerPartition) {
      return "run_once did not see 10,000 segments in 1,000 partitions";
    }
    if (r->eligible != 0 || r->compressed != 0) return "something was eligible";
    return nullptr;
  };
  if (const char* bad = check(manager->run_once())) {  // creates the .lifecycle.lock files
    state.SkipWithError(bad);
    return;
  }
  double lib_s = 0, walk_s = 0, read_s = 0;
  std::uint64_t iters = 0;
  const OtherLoad load;
  for (auto _ : state) {
    if (first_scan && !(manager = StorageLifecycleManager::open(d.path, config))) {
      state.SkipWithError(manager.error().to_string().c_str());
      return;
    }
    const std::uint64_t t0 = now_ns();
    auto stats = manager->run_once();
    const std::uint64_t t1 = now_ns();
    const WalkCount walk = baseline_walk(d.path, false);
    const std::uint64_t t2 = now_ns();
    const WalkCount read = baseline_walk(d.path, true);
    const std::uint64_t t3 = now_ns();
    if (const char* bad = check(stats)) {
      state.SkipWithError(bad);
      return;
    }
    if (walk.partitions != kScanPartitions || read.segments != stats->segments_scanned) {
      state.SkipWithError("the baseline walk saw a different tree");
      return;
    }
    benchmark::DoNotOptimize(read.records);
    lib_s += static_cast<double>(t1 - t0) * 1e-9;
    walk_s += static_cast<double>(t2 - t1) * 1e-9;
    read_s += static_cast<double>(t3 - t2) * 1e-9;
    ++iters;
    state.SetIterationTime(static_cast<double>(t1 - t0) * 1e-9);
  }
  const double n = static_cast<double>(iters);
  state.counters["ms"] = lib_s / n * 1e3;
  state.counters["base_walk_ms"] = walk_s / n * 1e3;
  state.counters["base_read_ms"] = read_s / n * 1e3;
  state.counters["vs_walk"] = lib_s / walk_s;
  state.counters["vs_read"] = lib_s / read_s;
  state.counters["us_per_segment"] =
      lib_s / n / static_cast<double>(kScanPartitions * kScanSegmentsPerPartition) * 1e6;
  state.counters["other_cores"] = load.cores();
}

// ---------------------------------------------------------------------------
// Tables of market data to compress

struct MarketSegment {
  std::string partition;  // relative path
  std::uint64_t id = 0;
  std::string path;       // of the hot file
  std::uint64_t used_bytes = 0;
};

// `partitions` partitions feed=F0.. of a table with `segment_size` segments
// and the default compression settings, each holding exactly
// `segments_per_partition` full sealed segments of the generator's quotes
// and trades (8 instruments per partition, one seed each).
struct MarketTable {
  MarketTable(const std::string& tag, std::uint64_t segment_size, int partitions,
              std::uint64_t segments_per_partition)
      : root(tag) {
    const auto scheme = PartitionScheme::create({{"feed", KeyType::String}}).value();
    TableConfig config;
    config.segment_size = segment_size;
    const Table table = Table::create(root.path() + "/table", scheme, config).value();
    path = table.root();
    const std::uint64_t t0 = now_ns();
    const std::uint64_t limit = segment_size - kEndMarkerSize;
    for (int p = 0; p < partitions; ++p) {
      const auto values = PartitionValues::create(scheme, {{"feed", "F" + std::to_string(p)}}).value();
      auto w = table.partition_writer(values).value();
      examples::MarketDataGenerator gen(static_cast<std::uint64_t>(p) + 1);
      const SegmentWriter& log = w.log().log();
      for (;;) {
        const examples::Message m = gen.next();
        if (log.rolls() + 1 == segments_per_partition &&
            log.write_offset() + record_size(m.payload.size()) > limit) {
          break;  // the last segment is full
        }
        w.append(m.type_id, m.timestamp_ns, m.payload).value();
      }
      w.finish().value();
      const std::vector<SegmentInfo> listed = table.segments(values).value();
      for (const SegmentInfo& s : listed) {
        segments.push_back({s.partition, s.segment_id, s.path, s.used_bytes});
        used_bytes += s.used_bytes;
        if (!s.sealed || s.tier != SegmentTier::Hot) die("a segment is not sealed and hot", 0);
      }
    }
    if (segments.size() != static_cast<std::size_t>(partitions) * segments_per_partition) {
      die("unexpected segment count " + std::to_string(segments.size()), 0);
    }
    sync_scratch();
    std::fprintf(stderr, "%s: %zu segments, %.0f MB used, written in %.1f s\n", tag.c_str(),
                 segments.size(), static_cast<double>(used_bytes) / 1e6,
                 static_cast<double>(now_ns() - t0) * 1e-9);
  }

  // Decompresses every cold segment again (through the manager, so under its
  // partition lock); returns false with `error` set on failure.
  bool restore(StorageLifecycleManager& manager, std::string& error) const {
    for (const MarketSegment& s : segments) {
      if (::access(s.path.c_str(), F_OK) == 0) continue;  // still hot
      auto r = manager.decompress_segment(s.partition, s.id);
      if (!r) {
        error = r.error().to_string();
        return false;
      }
    }
    return true;
  }

  ScratchDir root;
  std::string path;
  std::vector<MarketSegment> segments;
  std::uint64_t used_bytes = 0;
};

// The throughput table: 4 partitions x 2 segments of the default 64 MiB.
const MarketTable& throughput_table() {
  static const MarketTable table("lifecycle-throughput", kDefaultSegmentSize, 4, 2);
  return table;
}

// The table compressed while the latency writer runs: 8 x 6 segments of
// 16 MiB, more than one worker compresses in a window at full speed, in
// jobs small enough that the run stops soon after the window.
const MarketTable& load_table() {
  static const MarketTable table("lifecycle-load", 16ull << 20, 8, 6);
  return table;
}

// Each segment's used bytes, read into memory once: the baseline's input.
const std::vector<std::vector<std::byte>>& throughput_bytes() {
  static const std::vector<std::vector<std::byte>> bytes = [] {
    std::vector<std::vector<std::byte>> out;
    for (const MarketSegment& s : throughput_table().segments) {
      std::vector<std::byte> buf(s.used_bytes);
      const int fd = ::open(s.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) die("open " + s.path);
      for (std::size_t done = 0; done < buf.size();) {
        const ssize_t n = ::pread(fd, buf.data() + done, buf.size() - done, static_cast<off_t>(done));
        if (n <= 0) die("pread " + s.path, n < 0 ? errno : EIO);
        done += static_cast<std::size_t>(n);
      }
      ::close(fd);
      out.push_back(std::move(buf));
    }
    return out;
  }();
  return bytes;
}

// ---------------------------------------------------------------------------
// Compression throughput, 1 and 2 workers, vs plain ZSTD_compress

void BM_CompressThroughput(benchmark::State& state) {
  const auto workers = static_cast<unsigned>(state.range(0));
  const MarketTable& t = throughput_table();
  const auto& src = throughput_bytes();
  const int level = TableConfig{}.compression_level;
  std::size_t bound = 0, largest = 0;
  for (const auto& b : src) {
    bound = std::max(bound, ZSTD_compressBound(b.size()));
    largest = std::max(largest, b.size());
  }
  // Faulted in before timing.
  std::vector<std::byte> dst(bound, std::byte{1}), back(largest, std::byte{1});

  LifecycleConfig config;
  config.policy = CompressionPolicy::immediate();
  config.parallel_workers = workers;
  auto manager = StorageLifecycleManager::open(t.path, config);
  if (!manager) {
    state.SkipWithError(manager.error().to_string().c_str());
    return;
  }
  double lib_s = 0, base_s = 0, verify_s = 0, lib_cpu = 0, base_cpu = 0, lib_other = 0,
         base_other = 0;
  std::uint64_t lib_zst = 0, base_zst = 0, iters = 0;
  for (auto _ : state) {
    double one_lib_s = 0;
    for (int k = 0; k < 2; ++k) {
      const bool run_lib = (k == 0) == (iters % 2 == 0);
      const OtherLoad load;
      const std::uint64_t t0 = now_ns();
      if (run_lib) {
        auto stats = manager->run_once();
        one_lib_s = static_cast<double>(now_ns() - t0) * 1e-9;
        if (!stats || !stats->errors.empty() || stats->compressed != t.segments.size()) {
          state.SkipWithError(stats ? "run_once did not compress every segment" : "run_once failed");
          return;
        }
        lib_s += one_lib_s;
        lib_cpu += load.self_cpu();
        lib_other += load.cores();
        lib_zst += stats->bytes_after;
        continue;
      }
      // The baseline: ZSTD_compress of each segment (timed as base), then,
      // for the verify-inclusive floor only, ZSTD_decompress of the result
      // and a compare with the source (timed as verify).
      for (const auto& b : src) {
        const std::uint64_t c0 = now_ns();
        const std::size_t n = ZSTD_compress(dst.data(), dst.size(), b.data(), b.size(), level);
        const std::uint64_t c1 = now_ns();
        if (ZSTD_isError(n)) {
          state.SkipWithError(ZSTD_getErrorName(n));
          return;
        }
        base_s += static_cast<double>(c1 - c0) * 1e-9;
        base_zst += n;
        const std::size_t m = ZSTD_decompress(back.data(), b.size(), dst.data(), n);
        if (ZSTD_isError(m) || m != b.size() || std::memcmp(back.data(), b.data(), m) != 0) {
          state.SkipWithError("the baseline's round trip differs");
          return;
        }
        verify_s += static_cast<double>(now_ns() - c1) * 1e-9;
      }
      base_cpu += load.self_cpu();
      base_other += load.cores();
    }
    state.SetIterationTime(one_lib_s);
    ++iters;
    std::string error;
    if (!t.restore(*manager, error)) {
      state.SkipWithError(error.c_str());
      return;
    }
    sync_scratch();
  }
  const double n = static_cast<double>(iters);
  const double bytes = static_cast<double>(t.used_bytes) * n;
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["MB_per_s"] = bytes / lib_s / 1e6;
  state.counters["base_MB_per_s"] = bytes / base_s / 1e6;
  state.counters["ratio"] = base_s / lib_s;
  state.counters["per_worker"] = base_s / lib_s / static_cast<double>(workers);
  // Plain zstd compress + decompress + compare: the least a verified
  // compression can cost on one thread.
  state.counters["floor_MB_per_s"] = bytes / (base_s + verify_s) / 1e6;
  state.counters["vs_floor"] = (base_s + verify_s) / lib_s;
  // CPU seconds per byte, baseline (compress, decompress, compare) over
  // chronicle's: independent of how much of the machine the run got.
  state.counters["cpu_vs_floor"] = base_cpu / lib_cpu;
  state.counters["lib_cores"] = lib_cpu / lib_s;
  state.counters["zst_ratio"] = bytes / static_cast<double>(lib_zst);
  state.counters["base_zst_ratio"] = bytes / static_cast<double>(base_zst);
  state.counters["other_cores"] = lib_other / n;
  state.counters["base_other_cores"] = base_other / n;
}

// ---------------------------------------------------------------------------
// Append latency while the manager compresses another table

constexpr std::size_t kLatencyPayload = 64;
constexpr std::uint64_t kLatencyAppends = 1'500'000;
constexpr std::uint64_t kLatencyGapNs = 2'000;
constexpr std::uint64_t kCapBytesPerSecond = 20'000'000;

struct Window {
  Percentiles p;
  std::uint64_t over_10us = 0;
  double roll_max_ns = 0;     // the slowest append that rolled to a new segment
  double nonroll_max_ns = 0;  // the slowest of the others
  double other_cores = 0;
  double compressed_mb = 0;   // used bytes the manager compressed in its run
  double load_mb_per_s = 0;   // over the manager's run
  double covered = 1;         // share of the window during which the manager ran
};

// One window: opens a writer, leaves it 200 ms to prepare its next segment,
// starts the manager (if `rate` is set: 0 full speed, else the cap) and
// times `kLatencyAppends` appends, starts at least kLatencyGapNs apart.
bool run_window(const RecordPool& pool, std::vector<std::uint32_t>& ticks, double per_ns,
                double overhead, std::optional<std::uint64_t> rate, Window& out,
                std::string& error) {
  const MarketTable& t = load_table();
  ScratchDir wdir("lifecycle-latency");
  auto writer = SegmentWriter::open(wdir.path() + "/log");
  if (!writer) {
    error = writer.error().to_string();
    return false;
  }
  std::atomic<bool> window_open{true};
  std::optional<StorageLifecycleManager> manager;
  if (rate) {
    LifecycleConfig config;
    // immediate(), but only while the window is open: the run stops planning
    // partitions when it ends.
    config.policy = CompressionPolicy::custom(
        [&window_open](const SegmentInfo&, std::uint64_t) { return window_open.load(); },
        "immediate_while_window_open");
    config.parallel_workers = 1;
    config.max_bytes_per_second = *rate;
    auto m = StorageLifecycleManager::open(t.path, config);
    if (!m) {
      error = m.error().to_string();
      return false;
    }
    manager.emplace(std::move(*m));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::optional<Result<LifecycleStats>> load_stats;
  std::uint64_t load_start = 0, load_end = 0;
  std::thread load;
  if (manager) {
    load_start = now_ns();
    load = std::thread([&] {
      load_stats.emplace(manager->run_once());
      load_end = now_ns();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // listing and first plan
  }
  const OtherLoad machine;
  const auto gap_ticks = static_cast<std::uint64_t>(static_cast<double>(kLatencyGapNs) * per_ns);
  const std::uint64_t w0 = now_ns();
  std::uint64_t next_start = 0;
  std::uint64_t segment_base = writer->segment_base_seq();
  std::vector<std::uint64_t> rolled;
  bool ok = true;
  for (std::uint64_t i = 0; i < kLatencyAppends; ++i) {
    while (tsc_begin() < next_start) {
    }
    const auto& e = pool[i];
    const std::uint64_t a = tsc_begin();
    auto seq = writer->append(e.type_id, e.timestamp_ns, e.payload);
    const std::uint64_t b = tsc_end();
    if (!seq) [[unlikely]] {
      error = seq.error().to_string();
      ok = false;
      break;
    }
    const std::uint64_t d = b - a;
    ticks[i] = d > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(d);
    if (writer->segment_base_seq() != segment_base) [[unlikely]] {
      segment_base = writer->segment_base_seq();
      rolled.push_back(i);
    }
    next_start = a + gap_ticks;
  }
  const std::uint64_t w1 = now_ns();
  out.other_cores = machine.cores();
  window_open.store(false);
  if (load.joinable()) load.join();
  (void)writer->close();
  if (!ok) return false;

  const double ten_us = 10'000.0 * per_ns + overhead;
  auto net_ns = [&](std::uint32_t x) { return std::max(0.0, x - overhead) / per_ns; };
  for (std::uint64_t i = 0, r = 0; i < kLatencyAppends; ++i) {
    if (r < rolled.size() && rolled[r] == i) {
      out.roll_max_ns = std::max(out.roll_max_ns, net_ns(ticks[i]));
      ++r;
    } else {
      out.nonroll_max_ns = std::max(out.nonroll_max_ns, net_ns(ticks[i]));
    }
  }
  out.over_10us = static_cast<std::uint64_t>(
      std::count_if(ticks.begin(), ticks.end(), [&](std::uint32_t x) { return x > ten_us; }));
  out.p = percentiles(ticks, overhead, 1.0 / per_ns);
  if (manager) {
    if (!*load_stats || !(*load_stats)->errors.empty()) {
      error = *load_stats ? (*load_stats)->errors.front().message : load_stats->error().to_string();
      return false;
    }
    const LifecycleStats& s = **load_stats;
    // Used bytes of the segments the run compressed (their .q is gone),
    // including those it finished after the window.
    double used = 0;
    for (const MarketSegment& seg : t.segments) {
      if (::access(seg.path.c_str(), F_OK) != 0) used += static_cast<double>(seg.used_bytes);
    }
    if (s.compressed == 0) {
      error = "the manager compressed nothing in the window";
      return false;
    }
    out.compressed_mb = used / 1e6;
    out.load_mb_per_s = used / (static_cast<double>(load_end - load_start) * 1e-9) / 1e6;
    out.covered = std::min(1.0, static_cast<double>(std::min(load_end, w1) - w0) /
                                    static_cast<double>(w1 - w0));
    if (!t.restore(*manager, error)) return false;
  }
  sync_scratch();
  return true;
}

void BM_AppendLatencyDuringCompression(benchmark::State& state) {
  const RecordPool pool(kLatencyPayload);
  (void)load_table();  // built before any timing
  std::vector<std::uint32_t> ticks(kLatencyAppends, 0);  // faulted in now
  const double per_ns = tsc_ticks_per_ns();
  const double overhead = static_cast<double>(tsc_overhead_ticks());
  for (auto _ : state) {
    Window base, full, cap;
    std::string error;
    const std::uint64_t t0 = now_ns();
    if (!run_window(pool, ticks, per_ns, overhead, std::nullopt, base, error) ||
        !run_window(pool, ticks, per_ns, overhead, 0, full, error) ||
        !run_window(pool, ticks, per_ns, overhead, kCapBytesPerSecond, cap, error)) {
      state.SkipWithError(error.c_str());
      return;
    }
    state.SetIterationTime(static_cast<double>(now_ns() - t0) * 1e-9);
    auto report = [&](const char* prefix, const Window& w) {
      const std::string p = prefix;
      state.counters[p + "p50_ns"] = w.p.p50;
      state.counters[p + "p99_ns"] = w.p.p99;
      state.counters[p + "p999_ns"] = w.p.p999;
      state.counters[p + "max_us"] = w.p.max / 1e3;
      state.counters[p + "roll_max_us"] = w.roll_max_ns / 1e3;
      state.counters[p + "nonroll_max_us"] = w.nonroll_max_ns / 1e3;
      state.counters[p + "over_10us"] = static_cast<double>(w.over_10us);
      state.counters[p + "other_cores"] = w.other_cores;
    };
    report("base_", base);
    report("full_", full);
    report("cap_", cap);
    state.counters["full_p999_x"] = full.p.p999 / base.p.p999;
    state.counters["cap_p999_x"] = cap.p.p999 / base.p.p999;
    state.counters["full_p99_x"] = full.p.p99 / base.p.p99;
    state.counters["cap_p99_x"] = cap.p.p99 / base.p.p99;
    state.counters["full_load_MB_per_s"] = full.load_mb_per_s;
    state.counters["cap_load_MB_per_s"] = cap.load_mb_per_s;
    state.counters["full_covered"] = full.covered;
    state.counters["cap_covered"] = cap.covered;
    state.counters["timer_ovh_ns"] = overhead / per_ns;
  }
}

BENCHMARK(BM_ScanNothingEligible)
    ->ArgNames({"policy", "first_scan"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Iterations(10)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CompressThroughput)
    ->ArgNames({"workers"})
    ->Arg(1)
    ->Arg(2)
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AppendLatencyDuringCompression)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
