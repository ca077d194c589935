// Table benchmarks (issue 4), each beside its baseline in the same run
// (STYLE.md §7):
//
//   BM_SeekTimestamp/cold/fresh  TimeSeriesReader::seek_timestamp(t) and next()
//                       to a uniformly random t over one partition of
//                       $CHRONICLE_BENCH_SEEK_RECORDS records (default 10 M,
//                       64-byte payloads), hot, or cold (every segment
//                       through compress_segment, read through both tiers);
//                       fresh:0 reuses one reader (across repetitions
//                       too, as the baseline its mappings), fresh:1 opens
//                       a reader for every seek (as Table::query with a time range
//                       does). p50/p99 as counters. Baselines, timed for the
//                       same targets in the same iterations: hot, a binary
//                       search over every timestamp held in memory and a
//                       load of the record from a mapping made once; cold,
//                       the same search plus plain ZSTD_decompressDCtx of
//                       the frame(s) holding the record.
//   BM_MergedRead/strategy  Table::query over 50 partitions (5 M records,
//                       timestamps interleaved at random), merged in
//                       timestamp order (0) or partition after partition
//                       (1), against reading the same 5 M records from one
//                       partition with Table::reader (and, as a counter,
//                       with Table::query over that one partition).
//   BM_RollingAppend/roller  RollingWriter over 10 M records (DateRoller
//                       over 3 days, HourRoller over 24 h; roller 0: one
//                       PartitionWriter, no roller, the index alone) against
//                       a plain SegmentWriter fed the same records, the two
//                       interleaved in 250 k-record chunks.
//
// Every row also reports other_cores: the CPU other processes took while it
// ran (bench_support.hpp, OtherLoad), since the machine is shared.
//   BM_ListPartitions/stats  Table::partitions() of 10,000 partitions
//                       (100 symbols x 100 dates), with and without stats,
//                       against a readdir walk of the same tree (stats: plus
//                       lstat of each segment and index file and a pread of
//                       each segment header).
//
// Payloads are market-data messages (examples/market_data.hpp) packed to 64
// bytes (96-byte records); timestamps are the generator's bursty gaps made
// strictly increasing (bench_support.hpp, TimedRecords).

#include <benchmark/benchmark.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <chronicle/compression/seekable_reader.hpp>
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/core/mmap_file.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/table/table.hpp>

#include "bench_support.hpp"

namespace {

using namespace chronicle;
using namespace chronicle::bench;

constexpr std::size_t kPayload = 64;
constexpr std::uint64_t kHourNs = 3'600'000'000'000ull;

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (end == v || *end != '\0' || n == 0) die(std::string(name) + ": not a positive integer", 0);
  return n;
}

PartitionScheme symbol_date_scheme() {
  return PartitionScheme::create({{"symbol", KeyType::String}, {"date", KeyType::Date}}).value();
}

PartitionValues symbol_date(const PartitionScheme& scheme, std::string symbol, Date date) {
  return PartitionValues::create(scheme, {{"symbol", std::move(symbol)}, {"date", date}}).value();
}

// The first 8 payload bytes of each record, summed: what a consumer touches.
std::uint64_t payload_word(const RecordView& v) {
  std::uint64_t x;
  std::memcpy(&x, v.payload.data(), sizeof x);
  return x;
}

// ---------------------------------------------------------------------------
// seek_timestamp

// A read-only mapping of a whole file, made once (baselines only).
MmapFile map_read_only(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("open " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) die("fstat " + path);
  auto m = MmapFile::map(FileSystem::system(), fd, path, static_cast<std::size_t>(st.st_size), false);
  ::close(fd);
  return std::move(m).value();
}

// Two partitions holding the same records: AAPL stays hot, MSFT has every
// segment compressed with the table's level and block size. Written once per
// process.
struct SeekData {
  SeekData() : root("seek") {
    records = env_u64("CHRONICLE_BENCH_SEEK_RECORDS", 10'000'000);
    const PartitionScheme scheme = symbol_date_scheme();
    table.emplace(Table::create(root.path() + "/table", scheme).value());
    const Date date = make_date(2026, 1, 29).value();
    hot = symbol_date(scheme, "AAPL", date);
    cold = symbol_date(scheme, "MSFT", date);
    const TimedRecords recs(kPayload);
    record_bytes = recs.record_bytes();
    timestamps.resize(records);
    auto write = [&](const PartitionValues& values) {
      auto w = table->partition_writer(values).value();
      for (std::uint64_t i = 0; i < records; ++i) {
        const auto& e = recs[i];
        timestamps[i] = recs.timestamp(i);
        w.append(e.type_id, timestamps[i], e.payload).value();
      }
      w.finish().value();
    };
    // The cold copy first, compressed as the lifecycle manager would before
    // the hot copy is written, so that the hot copy is the one the page
    // cache keeps.
    const std::uint64_t t0 = now_ns();
    write(cold);
    const std::uint64_t t1 = now_ns();
    const std::string cold_dir = table->partition_dir(cold).value();
    SegmentCompressionOptions copts;
    copts.seekable.codec.level = table->config().compression_level;
    copts.seekable.block_size = table->config().compression_block_size;
    std::uint64_t before = 0, after = 0;
    const std::vector<SegmentEntry> cold_segments = list_segments(cold_dir).value();
    for (const SegmentEntry& s : cold_segments) {
      const auto r = compress_segment(cold_dir, s.id, copts).value();
      before += r.used_bytes;
      after += r.bytes_after;
    }
    const std::uint64_t t2 = now_ns();
    write(hot);
    const std::uint64_t t3 = now_ns();
    std::fprintf(stderr,
                 "seek data: %llu records x %zu B per partition, written in %.1f s and %.1f s; "
                 "cold copy compressed %.2f GB -> %.2f GB in %.1f s\n",
                 static_cast<unsigned long long>(records), record_bytes,
                 static_cast<double>(t1 - t0) * 1e-9, static_cast<double>(t3 - t2) * 1e-9,
                 static_cast<double>(before) * 1e-9, static_cast<double>(after) * 1e-9,
                 static_cast<double>(t2 - t1) * 1e-9);

    // Baseline state: where each segment starts (from the index files,
    // written by the library and not timed), the hot segments mapped, and the
    // cold segments' seek tables.
    const std::string hot_dir = table->partition_dir(hot).value();
    const std::vector<SegmentEntry> hot_segments = list_segments(hot_dir).value();
    for (const SegmentEntry& s : hot_segments) {
      base_seqs.push_back(read_segment_index(FileSystem::system(), hot_dir, s.id).value().base_seq);
      hot_maps.push_back(map_read_only(segment_path(hot_dir, s.id)));
      const std::string cold_path = segment_path(cold_dir, s.id, SegmentTier::Cold);
      cold_maps.push_back(map_read_only(cold_path));
      cold_tables.push_back(SeekableReader::open(FileSystem::system(), cold_path).value().table());
    }
  }

  // Segment and offset of record `seq` (records all have the same size).
  std::pair<std::size_t, std::uint64_t> locate(std::uint64_t seq) const {
    const auto it = std::upper_bound(base_seqs.begin(), base_seqs.end(), seq);
    const auto seg = static_cast<std::size_t>(it - base_seqs.begin() - 1);
    return {seg, kSegmentHeaderSize + (seq - base_seqs[seg]) * record_bytes};
  }

  ScratchDir root;
  std::optional<Table> table;
  PartitionValues hot, cold;
  std::uint64_t records = 0;
  std::size_t record_bytes = 0;
  std::vector<std::uint64_t> timestamps;  // of record seq i
  std::vector<std::uint64_t> base_seqs;   // per segment
  std::vector<MmapFile> hot_maps;
  std::vector<MmapFile> cold_maps;
  std::vector<SeekTable> cold_tables;
};

const SeekData& seek_data() {
  static const SeekData data;
  return data;
}

std::uint64_t record_timestamp(const std::byte* rec) {
  RecordHeader h;
  std::memcpy(&h, rec, sizeof h);
  return h.timestamp_ns;
}

// Hot baseline: the first record >= t by binary search over every timestamp
// in memory, then its header loaded from the mapping made once.
std::uint64_t baseline_hot(const SeekData& d, std::uint64_t t, std::uint64_t* ts_out) {
  const auto seq = static_cast<std::uint64_t>(
      std::lower_bound(d.timestamps.begin(), d.timestamps.end(), t) - d.timestamps.begin());
  const auto [seg, off] = d.locate(seq);
  *ts_out = record_timestamp(d.hot_maps[seg].data() + off);
  return seq;
}

// Cold baseline: the same search, then plain zstd decompression of the
// frame(s) holding the record's header, from the .q.zst mapped once.
std::uint64_t baseline_cold(const SeekData& d, ZSTD_DCtx* z, std::vector<std::byte>& buf,
                            std::uint64_t t, std::uint64_t* ts_out) {
  const auto seq = static_cast<std::uint64_t>(
      std::lower_bound(d.timestamps.begin(), d.timestamps.end(), t) - d.timestamps.begin());
  const auto [seg, off] = d.locate(seq);
  const SeekTable& st = d.cold_tables[seg];
  const std::size_t f0 = st.frame_of(off), f1 = st.frame_of(off + kRecordHeaderSize - 1);
  std::size_t filled = 0;
  for (std::size_t f = f0; f <= f1; ++f) {
    const std::byte* src = d.cold_maps[seg].data() + st.compressed_offset[f];
    const std::size_t n = ZSTD_decompressDCtx(z, buf.data() + filled, buf.size() - filled, src,
                                              st.compressed_offset[f + 1] - st.compressed_offset[f]);
    if (ZSTD_isError(n)) die(std::string("ZSTD_decompressDCtx: ") + ZSTD_getErrorName(n), 0);
    filled += n;
  }
  *ts_out = record_timestamp(buf.data() + (off - st.decompressed_offset[f0]));
  return seq;
}

void BM_SeekTimestamp(benchmark::State& state) {
  const bool cold = state.range(0) != 0;
  const bool fresh = state.range(1) != 0;
  const SeekData& d = seek_data();
  const PartitionValues& values = cold ? d.cold : d.hot;
  static std::uint64_t run = 0;
  std::mt19937_64 rng(1000 + run++);
  // A reused reader lives as long as the data, as the baseline's mappings
  // do, so that repetitions after the first measure it warm, as they do the
  // baseline (whose page tables the earlier repetitions filled).
  static std::optional<TimeSeriesReader> reused[2];
  std::optional<TimeSeriesReader> fresh_reader;
  TimeSeriesReader* reader = nullptr;
  if (!fresh) {
    if (!reused[cold]) reused[cold].emplace(d.table->reader(values).value());
    reader = &*reused[cold];
  }
  ZSTD_DCtx* z = ZSTD_createDCtx();
  std::vector<std::byte> buf(2 * d.table->config().compression_block_size);
  std::vector<double> lib_ns, base_ns;
  const std::uint64_t lo = d.timestamps.front(), hi = d.timestamps.back();
  const OtherLoad load;
  for (auto _ : state) {
    const std::uint64_t t = lo + rng() % (hi - lo + 1);
    // The library: (open,) seek, read the record it landed on.
    const std::uint64_t t0 = now_ns();
    if (fresh) reader = &fresh_reader.emplace(d.table->reader(values).value());
    auto sought = reader->seek_timestamp(t);
    RecordView v;
    const Step step = reader->next(v);
    const std::uint64_t t1 = now_ns();
    // The baseline for the same target.
    std::uint64_t base_ts = 0;
    const std::uint64_t b0 = now_ns();
    const std::uint64_t seq =
        cold ? baseline_cold(d, z, buf, t, &base_ts) : baseline_hot(d, t, &base_ts);
    const std::uint64_t b1 = now_ns();
    if (!sought || step != Step::Record || v.seq != seq || v.timestamp_ns != base_ts) {
      state.SkipWithError(!sought ? sought.error().to_string().c_str() : "seek landed elsewhere");
      break;
    }
    lib_ns.push_back(static_cast<double>(t1 - t0));
    base_ns.push_back(static_cast<double>(b1 - b0));
    state.SetIterationTime(static_cast<double>(t1 - t0) * 1e-9);
  }
  ZSTD_freeDCtx(z);
  if (state.error_occurred()) return;
  const Percentiles p = percentiles(lib_ns);
  const Percentiles b = percentiles(base_ns);
  state.counters["p50_us"] = p.p50 / 1e3;
  state.counters["p99_us"] = p.p99 / 1e3;
  state.counters["max_us"] = p.max / 1e3;
  state.counters["base_p50_us"] = b.p50 / 1e3;
  state.counters["base_p99_us"] = b.p99 / 1e3;
  state.counters["p50_ratio"] = p.p50 / b.p50;  // library latency / baseline latency
  state.counters["records"] = static_cast<double>(d.records);
  state.counters["segments"] = static_cast<double>(d.base_seqs.size());
  state.counters["other_cores"] = load.cores();
}

// ---------------------------------------------------------------------------
// Merged read across 50 partitions

constexpr std::size_t kMergePartitions = 50;
constexpr std::uint64_t kMergeRecords = 5'000'000;

// Two tables with the same config (16 MiB segments: 50 partitions of ~10 MB
// would otherwise allocate 64 MiB each): "merged" with 50 partitions (one
// symbol each, the stream's records dealt at random), "single" with all of
// them in one partition.
struct MergeData {
  MergeData() : root("merge") {
    const PartitionScheme scheme = symbol_date_scheme();
    TableConfig config;
    config.segment_size = 16ull << 20;
    merged.emplace(Table::create(root.path() + "/merged", scheme, config).value());
    single.emplace(Table::create(root.path() + "/single", scheme, config).value());
    const Date date = make_date(2026, 1, 29).value();
    one = symbol_date(scheme, "ALL", date);
    const TimedRecords recs(kPayload);
    std::vector<std::uint8_t> owner(kMergeRecords);
    std::mt19937_64 rng(11);
    for (auto& o : owner) o = static_cast<std::uint8_t>(rng() % kMergePartitions);
    for (std::size_t p = 0; p < kMergePartitions; ++p) {
      char sym[8];
      std::snprintf(sym, sizeof sym, "S%02zu", p);
      auto w = merged->partition_writer(symbol_date(scheme, sym, date)).value();
      for (std::uint64_t i = 0; i < kMergeRecords; ++i) {
        if (owner[i] == p) w.append(recs[i].type_id, recs.timestamp(i), recs[i].payload).value();
      }
      w.finish().value();
    }
    auto w = single->partition_writer(one).value();
    for (std::uint64_t i = 0; i < kMergeRecords; ++i) {
      w.append(recs[i].type_id, recs.timestamp(i), recs[i].payload).value();
    }
    w.finish().value();
  }
  ScratchDir root;
  std::optional<Table> merged, single;
  PartitionValues one;
};

const MergeData& merge_data() {
  static const MergeData data;
  return data;
}

struct ReadCount {
  std::uint64_t records = 0, sum = 0;
  bool ordered = true;
  std::string error;
};

ReadCount read_query(const Table& table, MergeStrategy strategy) {
  ReadCount c;
  auto reader = table.query(PartitionFilter::all(), {}, strategy);
  if (!reader) {
    c.error = reader.error().to_string();
    return c;
  }
  TableRecord r;
  std::uint64_t last = 0;
  Step step;
  while ((step = reader->next(r)) == Step::Record) {
    c.ordered &= r.record.timestamp_ns >= last;
    last = r.record.timestamp_ns;
    c.sum += payload_word(r.record);
    ++c.records;
  }
  if (step == Step::Failed) c.error = reader->status().error().to_string();
  return c;
}

ReadCount read_partition(const Table& table, const PartitionValues& values) {
  ReadCount c;
  auto reader = table.reader(values);
  if (!reader) {
    c.error = reader.error().to_string();
    return c;
  }
  RecordView v;
  Step step;
  while ((step = reader->next(v)) == Step::Record) {
    c.sum += payload_word(v);
    ++c.records;
  }
  if (step == Step::Failed) c.error = reader->status().error().to_string();
  return c;
}

// Each iteration reads the 50 partitions and the single one (in alternating
// order), opening the readers inside the timings. The iteration time is the
// 50-partition read; cost_ratio = its time / the single partition's.
void BM_MergedRead(benchmark::State& state) {
  const auto strategy =
      state.range(0) == 0 ? MergeStrategy::TimestampOrder : MergeStrategy::PartitionOrder;
  const MergeData& d = merge_data();
  double lib_s = 0, base_s = 0, query1_s = 0;
  std::uint64_t iter = 0, sum = 0;
  const OtherLoad load;
  for (auto _ : state) {
    double t_lib = 0, t_base = 0;
    ReadCount lib, base;
    for (int k = 0; k < 2; ++k) {
      const std::uint64_t t0 = now_ns();
      if ((k == 0) == (iter % 2 == 0)) {
        lib = read_query(*d.merged, strategy);
        t_lib = static_cast<double>(now_ns() - t0) * 1e-9;
      } else {
        base = read_partition(*d.single, d.one);
        t_base = static_cast<double>(now_ns() - t0) * 1e-9;
      }
    }
    const std::uint64_t q0 = now_ns();
    const ReadCount q1 = read_query(*d.single, MergeStrategy::TimestampOrder);
    query1_s += static_cast<double>(now_ns() - q0) * 1e-9;
    ++iter;
    const std::string& err = !lib.error.empty() ? lib.error : !base.error.empty() ? base.error : q1.error;
    if (!err.empty() || lib.records != kMergeRecords || base.records != kMergeRecords ||
        q1.records != kMergeRecords || lib.sum != base.sum ||
        (strategy == MergeStrategy::TimestampOrder && !lib.ordered)) {
      state.SkipWithError(!err.empty() ? err.c_str() : "the reads disagree");
      break;
    }
    sum += lib.sum;
    lib_s += t_lib;
    base_s += t_base;
    state.SetIterationTime(t_lib);
  }
  benchmark::DoNotOptimize(sum);
  if (state.error_occurred()) return;
  const double n = static_cast<double>(kMergeRecords * iter);
  state.counters["rec_per_s"] = n / lib_s;
  state.counters["base_rec_per_s"] = n / base_s;
  state.counters["query1_rec_per_s"] = n / query1_s;
  state.counters["cost_ratio"] = lib_s / base_s;
  state.counters["partitions"] = static_cast<double>(kMergePartitions);
  state.counters["other_cores"] = load.cores();
}

// ---------------------------------------------------------------------------
// RollingWriter vs plain SegmentWriter

constexpr std::uint64_t kRollRecords = 10'000'000;
constexpr std::uint64_t kChunk = 250'000;

// roller 0: one PartitionWriter (the timestamp index, no roller); 1: a
// DateRoller, records spread over 3 days; 2: an HourRoller over 24 hours.
// The iteration time is the library's, opening and finishing included;
// ratio = library throughput / plain SegmentWriter throughput; loop_ratio and
// cpu_ratio the same over the append loops only (wall, and CPU time of the
// appending thread).
void BM_RollingAppend(benchmark::State& state) {
  const int roller = static_cast<int>(state.range(0));
  const std::uint64_t span = roller == 2 ? 24 * kHourNs : 72 * kHourNs;
  const TimedRecords recs(kPayload, TimedRecords::stretch_for(kPayload, kRollRecords, span));
  const PartitionScheme scheme = roller == 2
      ? PartitionScheme::create({{"venue", KeyType::String}, {"hour", KeyType::Hour}}).value()
      : PartitionScheme::create({{"venue", KeyType::String}, {"date", KeyType::Date}}).value();
  const std::string key = roller == 2 ? "hour" : "date";
  const OtherLoad load;
  PairSeconds sum;
  std::uint64_t iter = 0, lib_edges_ns = 0, base_edges_ns = 0;
  std::uint64_t roll_ns = 0, roll_max_ns = 0, base_roll_ns = 0, base_roll_max_ns = 0;
  double rolls = 0, partitions = 1;
  for (auto _ : state) {
    ScratchDir root("rolling");
    auto table = Table::create(root.path() + "/table", scheme).value();
    const PartitionValues base =
        roller == 2 ? PartitionValues::create(scheme, {{"venue", "XNAS"}, {"hour", Hour{0}}}).value()
                    : PartitionValues::create(scheme, {{"venue", "XNAS"}, {"date", Date{0}}}).value();
    // Open both writers, each timed. Which one is opened, fed and finished
    // first alternates between the two iterations of a run (the first one's
    // preparer is still pre-faulting its next segment while the second
    // opens, and both roll segments at the same records).
    const bool lib_first = iter++ % 2 == 0;
    std::optional<RollingWriter> rolling;
    std::optional<PartitionWriter> single;
    std::optional<SegmentWriter> log;
    std::uint64_t open_finish_ns = 0, base_open_finish_ns = 0;
    auto timed_ns = [](std::uint64_t& acc, auto&& f) {
      const std::uint64_t t0 = now_ns();
      f();
      acc += now_ns() - t0;
    };
    auto open_lib = [&] {
      if (roller == 0) {
        single.emplace(table.partition_writer(base.with(1, make_date(2026, 1, 29).value())).value());
      } else if (roller == 1) {
        rolling.emplace(table.rolling_writer(std::make_unique<DateRoller>(key), base).value());
      } else {
        rolling.emplace(table.rolling_writer(std::make_unique<HourRoller>(key), base).value());
      }
    };
    auto open_base = [&] { log.emplace(SegmentWriter::open(root.path() + "/log").value()); };
    if (lib_first) {
      timed_ns(open_finish_ns, open_lib);
      timed_ns(base_open_finish_ns, open_base);
    } else {
      timed_ns(base_open_finish_ns, open_base);
      timed_ns(open_finish_ns, open_lib);
    }

    std::string error;
    // Timed on their own: the appends that roll (roll_ms, roll_max_ms). For
    // the RollingWriter those that move to another partition (the UTC hour
    // or date of the timestamp changes; the first append, which opens the
    // first partition, included); for the single PartitionWriter and the
    // baseline those that roll to a new segment (every payload has the same
    // size, so they are known in advance). A countdown and a compare per
    // record, no division.
    const std::uint64_t per_segment = records_per_segment(kDefaultSegmentSize, kPayload);
    const std::uint64_t bucket_ns = roller == 2 ? kHourNs : 24 * kHourNs;
    std::uint64_t bucket_end = single ? UINT64_MAX : 0;
    std::uint64_t lib_until = single ? per_segment + 1 : UINT64_MAX;
    std::uint64_t base_until = per_segment + 1;
    auto lib_run = [&](std::uint64_t from, std::uint64_t to) {
      for (std::uint64_t i = from; i < to; ++i) {
        const auto& e = recs[i];
        const std::uint64_t ts = recs.timestamp(i);
        bool timed = --lib_until == 0;
        if (timed) [[unlikely]] lib_until = per_segment;
        if (ts >= bucket_end) [[unlikely]] {
          bucket_end = (ts / bucket_ns + 1) * bucket_ns;
          timed = true;
        }
        const std::uint64_t r0 = timed ? now_ns() : 0;
        auto seq = single ? single->append(e.type_id, ts, e.payload)
                          : rolling->append(e.type_id, ts, e.payload);
        if (timed) [[unlikely]] {
          const std::uint64_t d = now_ns() - r0;
          roll_ns += d;
          roll_max_ns = std::max(roll_max_ns, d);
        }
        if (!seq) [[unlikely]] {
          error = seq.error().to_string();
          return false;
        }
      }
      return true;
    };
    auto base_run = [&](std::uint64_t from, std::uint64_t to) {
      for (std::uint64_t i = from; i < to; ++i) {
        const auto& e = recs[i];
        const bool timed = --base_until == 0;
        if (timed) [[unlikely]] base_until = per_segment;
        const std::uint64_t r0 = timed ? now_ns() : 0;
        auto seq = log->append(e.type_id, recs.timestamp(i), e.payload);
        if (timed) [[unlikely]] {
          const std::uint64_t d = now_ns() - r0;
          base_roll_ns += d;
          base_roll_max_ns = std::max(base_roll_max_ns, d);
        }
        if (!seq) [[unlikely]] {
          error = seq.error().to_string();
          return false;
        }
      }
      return true;
    };
    const PairSeconds ps = time_interleaved(kRollRecords, kChunk, lib_run, base_run, !lib_first);
    if (!ps.ok) {
      state.SkipWithError(error.c_str());
      break;
    }
    // Finish (seal) both, each timed, in the order they were opened.
    Status lib_closed, base_closed;
    auto finish_lib = [&] { lib_closed = single ? single->finish() : rolling->finish(); };
    auto finish_base = [&] { base_closed = log->close(); };
    if (lib_first) {
      timed_ns(open_finish_ns, finish_lib);
      timed_ns(base_open_finish_ns, finish_base);
    } else {
      timed_ns(base_open_finish_ns, finish_base);
      timed_ns(open_finish_ns, finish_lib);
    }
    if (!lib_closed || !base_closed) {
      state.SkipWithError((!lib_closed ? lib_closed : base_closed).error().to_string().c_str());
      break;
    }
    state.SetIterationTime(static_cast<double>(open_finish_ns) * 1e-9 + ps.a);
    sum.a += ps.a;
    sum.b += ps.b;
    sum.a_cpu += ps.a_cpu;
    sum.b_cpu += ps.b_cpu;
    sum.a_faults += ps.a_faults;
    sum.b_faults += ps.b_faults;
    lib_edges_ns += open_finish_ns;
    base_edges_ns += base_open_finish_ns;
    if (rolling) {
      rolls = static_cast<double>(rolling->stats().rolls);
      partitions = static_cast<double>(rolling->stats().partitions_written);
    }
  }
  if (state.error_occurred() || iter == 0) return;
  const double iters = static_cast<double>(iter);
  const double lib_s = static_cast<double>(lib_edges_ns) * 1e-9 + sum.a;
  const double base_s = static_cast<double>(base_edges_ns) * 1e-9 + sum.b;
  const double n = static_cast<double>(kRollRecords) * iters;
  state.counters["rec_per_s"] = n / lib_s;
  state.counters["MB_per_s"] = n * static_cast<double>(recs.record_bytes()) / lib_s / 1e6;
  state.counters["base_rec_per_s"] = n / base_s;
  state.counters["ratio"] = base_s / lib_s;
  state.counters["loop_ratio"] = sum.b / sum.a;
  state.counters["cpu_ratio"] = sum.b_cpu / sum.a_cpu;
  // Page faults taken by the appending thread per iteration: the pages the
  // preparer had not faulted in ahead of the writer.
  state.counters["faults"] = sum.a_faults / iters;
  state.counters["base_faults"] = sum.b_faults / iters;
  state.counters["other_cores"] = load.cores();
  state.counters["rolls"] = rolls;
  state.counters["partitions"] = partitions;
  state.counters["span_h"] = static_cast<double>(recs.span_ns(kRollRecords)) / 3.6e12;
  // Per iteration: time in the appends that rolled (see above), and in
  // opening plus finishing each writer.
  state.counters["roll_ms"] = static_cast<double>(roll_ns) * 1e-6 / iters;
  state.counters["roll_max_ms"] = static_cast<double>(roll_max_ns) * 1e-6;
  state.counters["base_roll_ms"] = static_cast<double>(base_roll_ns) * 1e-6 / iters;
  state.counters["base_roll_max_ms"] = static_cast<double>(base_roll_max_ns) * 1e-6;
  state.counters["open_finish_ms"] = static_cast<double>(lib_edges_ns) * 1e-6 / iters;
  state.counters["base_open_finish_ms"] = static_cast<double>(base_edges_ns) * 1e-6 / iters;
}

// ---------------------------------------------------------------------------
// Listing 10,000 partitions

constexpr int kListSymbols = 100;
constexpr int kListDates = 100;
constexpr std::uint64_t kListRecordsPerPartition = 16;

// 100 symbols x 100 dates, each partition holding 16 records in one sealed
// segment with its index. 64 KiB segments: with the default 64 MiB each of
// the 10,000 partitions would allocate 64 MiB (640 GB).
struct ListData {
  ListData() : root("list") {
    const PartitionScheme scheme = symbol_date_scheme();
    TableConfig config;
    config.segment_size = 64 * 1024;
    table.emplace(Table::create(root.path() + "/table", scheme, config).value());
    const TimedRecords recs(kPayload);
    const std::int64_t day0 = make_date(2025, 9, 1).value().days;
    const std::uint64_t t0 = now_ns();
    std::uint64_t i = 0;
    for (int s = 0; s < kListSymbols; ++s) {
      char sym[8];
      std::snprintf(sym, sizeof sym, "SYM%03d", s);
      for (int day = 0; day < kListDates; ++day) {
        auto w = table->partition_writer(symbol_date(scheme, sym, Date{day0 + day})).value();
        for (std::uint64_t k = 0; k < kListRecordsPerPartition; ++k, ++i) {
          w.append(recs[i].type_id, recs.timestamp(i), recs[i].payload).value();
        }
        w.finish().value();
      }
    }
    std::fprintf(stderr, "list data: %d partitions written in %.1f s\n", kListSymbols * kListDates,
                 static_cast<double>(now_ns() - t0) * 1e-9);
  }
  // 30,000 files: unlinked in parallel (bench_support.hpp) before the
  // ScratchDir removes what is left.
  ~ListData() { remove_tree_parallel(root.path() + "/table"); }
  ListData(const ListData&) = delete;
  ListData& operator=(const ListData&) = delete;

  ScratchDir root;
  std::optional<Table> table;
};

const ListData& list_data() {
  static const ListData data;
  return data;
}

// The baseline: the same tree walked with opendir/readdir; with stats, each
// partition directory is listed too, every file lstat'ed and each segment's
// 128-byte header read with pread.
struct WalkCount {
  std::uint64_t partitions = 0, records = 0;
};

WalkCount baseline_walk(const std::string& root, bool stats) {
  WalkCount c;
  for (const std::string& sym : dir_names(root)) {
    if (sym.rfind("symbol=", 0) != 0) continue;
    const std::string sym_dir = root + "/" + sym;
    for (const std::string& date : dir_names(sym_dir)) {
      ++c.partitions;
      if (!stats) continue;
      const std::string part = sym_dir + "/" + date;
      for (const std::string& f : dir_names(part)) {
        const std::string path = part + "/" + f;
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) die("lstat " + path);
        if (f.size() < 2 || f.compare(f.size() - 2, 2, ".q") != 0) continue;
        c.records += pread_segment_header(path).record_count;
      }
    }
  }
  return c;
}

// The iteration time is Table::partitions(); base_ms the walk, same
// iteration.
void BM_ListPartitions(benchmark::State& state) {
  const bool stats = state.range(0) != 0;
  const ListData& d = list_data();
  ListOptions options;
  options.stats = stats;
  double lib_s = 0, base_s = 0;
  std::uint64_t iters = 0;
  const OtherLoad load;
  for (auto _ : state) {
    const std::uint64_t t0 = now_ns();
    auto parts = d.table->partitions(PartitionFilter::all(), options);
    const std::uint64_t t1 = now_ns();
    const WalkCount w = baseline_walk(d.table->root(), stats);
    const std::uint64_t t2 = now_ns();
    if (!parts) {
      state.SkipWithError(parts.error().to_string().c_str());
      break;
    }
    std::uint64_t records = 0;
    for (const PartitionInfo& p : *parts) records += p.record_count;
    if (parts->size() != w.partitions || records != w.records ||
        w.partitions != static_cast<std::uint64_t>(kListSymbols * kListDates)) {
      state.SkipWithError("the listings disagree");
      break;
    }
    lib_s += static_cast<double>(t1 - t0) * 1e-9;
    base_s += static_cast<double>(t2 - t1) * 1e-9;
    ++iters;
    state.SetIterationTime(static_cast<double>(t1 - t0) * 1e-9);
  }
  if (state.error_occurred() || iters == 0) return;
  state.counters["ms"] = lib_s / static_cast<double>(iters) * 1e3;
  state.counters["base_ms"] = base_s / static_cast<double>(iters) * 1e3;
  state.counters["cost_ratio"] = lib_s / base_s;
  state.counters["partitions"] = static_cast<double>(kListSymbols * kListDates);
  state.counters["other_cores"] = load.cores();
}

// One registration per iteration count (Iterations applies to all the args
// of a registration).
BENCHMARK(BM_SeekTimestamp)->ArgNames({"cold", "fresh"})->Args({0, 0})->Iterations(5000)
    ->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SeekTimestamp)->ArgNames({"cold", "fresh"})->Args({0, 1})->Iterations(500)
    ->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SeekTimestamp)->ArgNames({"cold", "fresh"})->Args({1, 0})->Iterations(500)
    ->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SeekTimestamp)->ArgNames({"cold", "fresh"})->Args({1, 1})->Iterations(200)
    ->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MergedRead)
    ->ArgNames({"strategy"})
    ->Arg(0)
    ->Arg(1)
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RollingAppend)
    ->ArgNames({"roller"})
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(2)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ListPartitions)
    ->ArgNames({"stats"})
    ->Arg(0)
    ->Arg(1)
    ->Iterations(5)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
