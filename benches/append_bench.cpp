// Append benchmarks, each beside its baseline in the same run (STYLE.md §7):
//
//   BM_BurstAppend/N         append() of N-byte payloads into one pre-faulted
//   BM_BurstMemcpy/N         segment, no roll; baseline: memcpy of the same
//   BM_BurstClaimCommit/64   record bytes into a pre-faulted file mapping
//   BM_RecordChecksum/N      the XXH3 record checksum alone (explains the gap)
//   BM_SustainedAppend       10 M appends with rolls, and in the same
//                            iteration the fresh-file baseline; ratio counter;
//                            roll_ms / roll_max_ms: the appends that rolled
//   BM_AppendLatency         per-append latency over 10 M appends with rolls,
//                            back to back (gap_ns 0) and paced
//   BM_AppendLatencyMemcpy   the same timing of a record memcpy into a
//                            pre-faulted mapping: the machine's noise floor
//
// Payloads are market-data messages (examples/market_data.hpp) packed to the
// payload size; bytes/s counts record bytes (32-byte header + payload padded
// to 8), the bytes the log and the baselines store.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <chronicle/segment/log_options.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "bench_support.hpp"

namespace {

using namespace chronicle;
using namespace chronicle::bench;

// Record bytes written per second, as GB's bytes_per_second counter.
void set_rates(benchmark::State& state, std::uint64_t records, std::size_t record_bytes) {
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.SetBytesProcessed(static_cast<std::int64_t>(records * record_bytes));
}

// Opens a writer whose only segment is already allocated and pre-faulted:
// without prepare_ahead there is no background thread preparing the next
// segment while the burst runs.
Result<SegmentWriter> open_burst_writer(const std::string& dir) {
  LogOptions options;
  options.prepare_ahead = false;
  return SegmentWriter::open(dir, options);
}

// One iteration fills one 64 MiB segment exactly (no roll); opening the
// writer on a new directory and removing it afterwards are not timed.
void BM_BurstAppend(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const RecordPool pool(len);
  const std::uint64_t n = records_per_segment(kDefaultSegmentSize, len);
  ScratchDir root("burst");
  std::uint64_t run = 0, records = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = root.path() + "/" + std::to_string(run++);
    auto writer = open_burst_writer(dir);
    if (!writer) {
      state.SkipWithError(writer.error().to_string().c_str());
      break;
    }
    state.ResumeTiming();
    bool failed = false;
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto& e = pool[i];
      auto seq = writer->append(e.type_id, e.timestamp_ns, e.payload);
      if (!seq) [[unlikely]] {
        state.SkipWithError(seq.error().to_string().c_str());
        failed = true;
        break;
      }
    }
    state.PauseTiming();
    if (!failed && writer->rolls() != 0) state.SkipWithError("the burst rolled");
    (void)writer->close();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
    if (failed) break;
    records += n;
  }
  set_rates(state, records, pool.record_bytes());
}

// The burst baseline: memcpy of each record image into a fresh, allocated,
// pre-faulted MAP_SHARED file of the segment's size, at the offsets the log
// would use.
void BM_BurstMemcpy(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const RecordPool pool(len);
  const std::uint64_t n = records_per_segment(kDefaultSegmentSize, len);
  ScratchDir root("burst-base");
  std::uint64_t run = 0, records = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = root.path() + "/" + std::to_string(run++) + ".dat";
    auto file = std::make_unique<MappedFile>(path, kDefaultSegmentSize, /*prefault=*/true);
    std::byte* base = file->data();
    state.ResumeTiming();
    std::size_t off = kSegmentHeaderSize;
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto& e = pool[i];
      std::memcpy(base + off, e.record, e.record_bytes);
      off += e.record_bytes;
    }
    benchmark::ClobberMemory();
    state.PauseTiming();
    file.reset();
    std::filesystem::remove(path);
    state.ResumeTiming();
    records += n;
  }
  set_rates(state, records, pool.record_bytes());
}

// Zero-copy path: claim(), fill the payload in place, commit().
void BM_BurstClaimCommit(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const RecordPool pool(len);
  const std::uint64_t n = records_per_segment(kDefaultSegmentSize, len);
  ScratchDir root("claim");
  std::uint64_t run = 0, records = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = root.path() + "/" + std::to_string(run++);
    auto writer = open_burst_writer(dir);
    if (!writer) {
      state.SkipWithError(writer.error().to_string().c_str());
      break;
    }
    state.ResumeTiming();
    bool failed = false;
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto& e = pool[i];
      auto buf = writer->claim(len);
      if (!buf) [[unlikely]] {
        state.SkipWithError(buf.error().to_string().c_str());
        failed = true;
        break;
      }
      std::memcpy(buf->data(), e.payload.data(), len);
      auto seq = writer->commit(e.type_id, e.timestamp_ns, len);
      if (!seq) [[unlikely]] {
        state.SkipWithError(seq.error().to_string().c_str());
        failed = true;
        break;
      }
    }
    state.PauseTiming();
    if (!failed && writer->rolls() != 0) state.SkipWithError("the burst rolled");
    (void)writer->close();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
    if (failed) break;
    records += n;
  }
  set_rates(state, records, pool.record_bytes());
}

// The record checksum alone, over records that sit in L1/L2: the part of an
// append that the memcpy baseline does not do.
void BM_RecordChecksum(benchmark::State& state) {
  const auto len = static_cast<std::uint32_t>(state.range(0));
  const RecordPool pool(len);
  std::uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(compute_record_checksum(pool[i++].record, len));
  }
  set_rates(state, static_cast<std::uint64_t>(state.iterations()), pool.record_bytes());
}

// Sustained appends across many rolls with the default options (64 MiB
// segments, prepare_ahead), then, in the same iteration, the same bytes
// through FreshFileWriter. The iteration time is the library's; `ratio` is
// library throughput / baseline throughput; `roll_ms` the library's time in
// the appends that rolled. Opening and closing the writer
// (and creating/unmapping the baseline's files) are inside the timings;
// creating and removing the directories are not.
void BM_SustainedAppend(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const auto n = static_cast<std::uint64_t>(state.range(1));
  const RecordPool pool(len);
  const std::size_t rec_bytes = pool.record_bytes();
  for (auto _ : state) {
    double lib_s = 0, base_s = 0;
    std::uint64_t rolls = 0, files = 0, roll_ns = 0, roll_max_ns = 0;
    {
      ScratchDir root("sustained");
      const std::uint64_t t0 = now_ns();
      auto writer = SegmentWriter::open(root.path() + "/log");
      if (!writer) {
        state.SkipWithError(writer.error().to_string().c_str());
        break;
      }
      bool failed = false;
      // Every payload has the same size, so the appends that roll are known
      // in advance: only they are timed (roll_ms), the rest run untouched.
      const std::uint64_t per_segment = records_per_segment(kDefaultSegmentSize, len);
      std::uint64_t until_roll = per_segment + 1;
      for (std::uint64_t i = 0; i < n; ++i) {
        const auto& e = pool[i];
        std::uint64_t r0 = 0;
        const bool rolling = --until_roll == 0;
        if (rolling) [[unlikely]] r0 = now_ns();
        auto seq = writer->append(e.type_id, e.timestamp_ns, e.payload);
        if (rolling) [[unlikely]] {
          const std::uint64_t took = now_ns() - r0;
          roll_ns += took;
          roll_max_ns = std::max(roll_max_ns, took);
          until_roll = per_segment;
        }
        if (!seq) [[unlikely]] {
          state.SkipWithError(seq.error().to_string().c_str());
          failed = true;
          break;
        }
      }
      rolls = writer->rolls();
      if (auto closed = writer->close(); !closed && !failed) {
        state.SkipWithError(closed.error().to_string().c_str());
        failed = true;
      }
      lib_s = static_cast<double>(now_ns() - t0) * 1e-9;
      if (failed) break;
    }
    {
      ScratchDir root("sustained-base");
      const std::uint64_t t0 = now_ns();
      {
        FreshFileWriter w(root.path(), kDefaultSegmentSize);
        for (std::uint64_t i = 0; i < n; ++i) {
          const auto& e = pool[i];
          w.write(e.record, e.record_bytes);
        }
        files = w.files();
      }
      base_s = static_cast<double>(now_ns() - t0) * 1e-9;
    }
    state.SetIterationTime(lib_s);
    const double nd = static_cast<double>(n);
    state.counters["rec_per_s"] = nd / lib_s;
    state.counters["MB_per_s"] = nd * static_cast<double>(rec_bytes) / lib_s / 1e6;
    state.counters["base_rec_per_s"] = nd / base_s;
    state.counters["base_MB_per_s"] = nd * static_cast<double>(rec_bytes) / base_s / 1e6;
    state.counters["ratio"] = base_s / lib_s;
    state.counters["rolls"] = static_cast<double>(rolls);
    // Time the writer spent in the appends that rolled: mostly waiting for
    // the preparer when it cannot keep up (e.g. throttled by writeback).
    state.counters["roll_ms"] = static_cast<double>(roll_ns) * 1e-6;
    state.counters["roll_max_ms"] = static_cast<double>(roll_max_ns) * 1e-6;
    state.counters["base_files"] = static_cast<double>(files);
  }
}

// Per-operation latency: each operation timed with the TSC (calibrated
// against CLOCK_MONOTONIC in the same run), minus the median cost of an empty
// timed region. gap_ns > 0 spaces the operations (start to start at least
// gap_ns apart), as a feed handler's would be; gap_ns 0 runs them back to
// back. op(i) runs operation i and returns false if it failed; rolled(i),
// called after the timestamp, says whether it rolled.
struct LatencyRun {
  std::vector<std::uint32_t> ticks;
  std::vector<std::uint64_t> roll_index;
  double per_ns = 0, overhead = 0;
};

template <class Op, class Rolled>
bool time_each(LatencyRun& run, std::uint64_t n, std::uint64_t gap_ns, Op&& op, Rolled&& rolled) {
  const auto gap_ticks = static_cast<std::uint64_t>(static_cast<double>(gap_ns) * run.per_ns);
  run.roll_index.clear();
  std::uint64_t next_start = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (gap_ticks != 0) {
      while (tsc_begin() < next_start) {
      }
    }
    const std::uint64_t t0 = tsc_begin();
    const bool ok = op(i);
    const std::uint64_t t1 = tsc_end();
    if (!ok) [[unlikely]] return false;
    const std::uint64_t d = t1 - t0;
    run.ticks[i] = d > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(d);
    if (rolled(i)) [[unlikely]] run.roll_index.push_back(i);
    next_start = t0 + gap_ticks;
  }
  return true;
}

void report_latency(benchmark::State& state, LatencyRun& run) {
  const double to_ns = 1.0 / run.per_ns;
  auto net_ns = [&](double t) { return std::max(0.0, t - run.overhead) * to_ns; };
  double roll_max = 0, roll_sum = 0;
  std::vector<std::uint32_t> roll_ticks;
  for (std::uint64_t i : run.roll_index) {
    roll_ticks.push_back(run.ticks[i]);
    roll_max = std::max(roll_max, net_ns(run.ticks[i]));
    roll_sum += net_ns(run.ticks[i]);
  }
  std::uint32_t other_max = 0;
  std::uint64_t over_1us = 0;
  const double one_us = 1000.0 * run.per_ns + run.overhead;
  for (std::uint64_t i = 0, r = 0; i < run.ticks.size(); ++i) {
    if (r < run.roll_index.size() && run.roll_index[r] == i) {
      ++r;
      continue;
    }
    other_max = std::max(other_max, run.ticks[i]);
    over_1us += static_cast<double>(run.ticks[i]) > one_us;
  }
  const Percentiles p = percentiles(run.ticks, run.overhead, to_ns);
  state.counters["p50_ns"] = p.p50;
  state.counters["p99_ns"] = p.p99;
  state.counters["p999_ns"] = p.p999;
  state.counters["max_ns"] = p.max;
  state.counters["max_nonroll_ns"] = net_ns(other_max);
  state.counters["over_1us"] = static_cast<double>(over_1us);
  state.counters["rolls"] = static_cast<double>(run.roll_index.size());
  state.counters["roll_max_ns"] = roll_max;
  // With about 14 rolls per run, p99 is the second slowest (bench_support.hpp
  // percentiles: the value at rank floor(0.99 * (n - 1))). No roll: 0.
  state.counters["roll_p99_ns"] = percentiles(roll_ticks, run.overhead, to_ns).p99;
  state.counters["roll_mean_ns"] =
      run.roll_index.empty() ? 0 : roll_sum / static_cast<double>(run.roll_index.size());
  state.counters["timer_ovh_ns"] = run.overhead * to_ns;
}

LatencyRun make_latency_run(std::uint64_t n) {
  LatencyRun run;
  run.ticks.assign(n, 0);  // faulted in now, not while timing
  run.per_ns = tsc_ticks_per_ns();
  run.overhead = static_cast<double>(tsc_overhead_ticks());
  return run;
}

// Latency of each append of a 64-byte payload, default options, across the
// rolls of `records` appends. The writer is opened and left 200 ms to prepare
// its next segment before the first timed append, as a recorder opened before
// the session starts would be.
void BM_AppendLatency(benchmark::State& state) {
  constexpr std::size_t kLen = 64;
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto gap_ns = static_cast<std::uint64_t>(state.range(1));
  const RecordPool pool(kLen);
  LatencyRun run = make_latency_run(n);
  for (auto _ : state) {
    ScratchDir root("latency");
    auto writer = SegmentWriter::open(root.path() + "/log");
    if (!writer) {
      state.SkipWithError(writer.error().to_string().c_str());
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::uint64_t rolls = 0;
    std::string error;
    const std::uint64_t start = now_ns();
    const bool ok = time_each(
        run, n, gap_ns,
        [&](std::uint64_t i) {
          const auto& e = pool[i];
          auto seq = writer->append(e.type_id, e.timestamp_ns, e.payload);
          if (!seq) [[unlikely]] error = seq.error().to_string();
          return seq.has_value();
        },
        [&](std::uint64_t) {
          if (writer->rolls() == rolls) [[likely]] return false;
          rolls = writer->rolls();
          return true;
        });
    state.SetIterationTime(static_cast<double>(now_ns() - start) * 1e-9);
    (void)writer->close();
    if (!ok) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  if (!state.error_occurred()) report_latency(state, run);
}

// The noise floor of the latency measurement: the same loop timing a memcpy
// of the same record bytes into one pre-faulted 64 MiB file mapping, wrapping
// around instead of rolling. Its tail is what this machine does to any
// operation of this size (interrupts, vCPU preemption), not chronicle.
void BM_AppendLatencyMemcpy(benchmark::State& state) {
  constexpr std::size_t kLen = 64;
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto gap_ns = static_cast<std::uint64_t>(state.range(1));
  const RecordPool pool(kLen);
  LatencyRun run = make_latency_run(n);
  for (auto _ : state) {
    ScratchDir root("latency-base");
    MappedFile file(root.path() + "/0.dat", kDefaultSegmentSize, /*prefault=*/true);
    const std::uint64_t per_file = records_per_segment(kDefaultSegmentSize, kLen);
    std::byte* const base = file.data() + kSegmentHeaderSize;
    std::uint64_t slot = 0;
    const std::uint64_t start = now_ns();
    (void)time_each(
        run, n, gap_ns,
        [&](std::uint64_t i) {
          const auto& e = pool[i];
          std::memcpy(base + slot * e.record_bytes, e.record, e.record_bytes);
          if (++slot == per_file) slot = 0;
          return true;
        },
        [](std::uint64_t) { return false; });
    state.SetIterationTime(static_cast<double>(now_ns() - start) * 1e-9);
  }
  report_latency(state, run);
}

BENCHMARK(BM_BurstAppend)->Arg(64)->Arg(256)->Arg(1024)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BurstMemcpy)->Arg(64)->Arg(256)->Arg(1024)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BurstClaimCommit)->Arg(64)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RecordChecksum)->Arg(64)->Arg(256)->Arg(1024);
BENCHMARK(BM_SustainedAppend)
    ->ArgNames({"payload", "records"})
    ->Args({64, 10'000'000})
    ->Args({256, 10'000'000})
    ->Args({1024, 10'000'000})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AppendLatency)
    ->ArgNames({"records", "gap_ns"})
    ->Args({10'000'000, 0})
    ->Args({10'000'000, 300})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AppendLatencyMemcpy)
    ->ArgNames({"records", "gap_ns"})
    ->Args({10'000'000, 0})
    ->Args({10'000'000, 300})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
