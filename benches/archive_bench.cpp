// IPC archive benchmarks (issue 6), each beside its baseline in the same run
// (STYLE.md §7):
//
//   BM_ArchiveAppend        ipc::Archive::append of 10 M records (64-byte
//                           payloads, one stream, rolling 64 MiB segments)
//                           against the table's PartitionWriter fed the same
//                           records into an identically configured table
//                           (archive scheme, default_archive_config()), the
//                           two interleaved in 250 k-record chunks; opening
//                           and finishing are inside both timings (which
//                           writer goes first alternates between iterations).
//   BM_ArchiveMergedRead    ArchiveReader over the 8 streams of one symbol
//                           (4 M records dealt to them at random, merged by
//                           timestamp) against ArchiveReader over one stream
//                           holding the same 4 M records; as a counter, the
//                           same 8 streams through Table::query (the facade's
//                           cost).
//
// Every row also reports other_cores: the CPU other processes took while it
// ran (bench_support.hpp, OtherLoad), since the machine is shared.
//
// Payloads are market-data messages (examples/market_data.hpp) packed to 64
// bytes (96-byte records); timestamps are the generator's bursty gaps made
// strictly increasing (bench_support.hpp, TimedRecords).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <chronicle/ipc/archive.hpp>
#include <chronicle/ipc/archive_layout.hpp>
#include <chronicle/ipc/archive_reader.hpp>
#include <chronicle/table/table.hpp>

#include "bench_support.hpp"

namespace {

using namespace chronicle;
using namespace chronicle::bench;

constexpr std::size_t kPayload = 64;

std::uint64_t payload_word(const RecordView& v) {
  std::uint64_t x;
  std::memcpy(&x, v.payload.data(), sizeof x);
  return x;
}

// ---------------------------------------------------------------------------
// Append: Archive vs PartitionWriter

constexpr std::uint64_t kAppendRecords = 10'000'000;
constexpr std::uint64_t kChunk = 250'000;

// The iteration time is the archive's; ratio = archive throughput /
// PartitionWriter throughput, over the iterations of a run. Which writer is
// opened, fed and finished first alternates between the two iterations of a
// run: the first one's background preparer is still pre-faulting its next
// segment while the second one opens, and both roll at the same records.
void BM_ArchiveAppend(benchmark::State& state) {
  const TimedRecords recs(kPayload);
  const ipc::StreamId id{"XNAS", "AAPL", "2026-01-29", "quotes"};
  const OtherLoad load;
  PairSeconds sum;
  double lib_edges_sum = 0, base_edges_sum = 0;
  std::uint64_t iter = 0;
  for (auto _ : state) {
    ScratchDir root("archive-append");
    const bool archive_first = iter++ % 2 == 0;
    std::optional<ipc::Archive> archive;
    std::optional<PartitionWriter> writer;
    double lib_edges_s = 0, base_edges_s = 0;  // opening and finishing
    std::string error;
    auto timed = [](double& acc, auto&& f) {
      const std::uint64_t t0 = now_ns();
      f();
      acc += static_cast<double>(now_ns() - t0) * 1e-9;
    };
    auto open_archive = [&] {
      auto a = ipc::Archive::open(root.path() + "/archive", id);
      if (a) archive.emplace(std::move(*a));
      else error = a.error().to_string();
    };
    auto open_writer = [&] {
      auto table = Table::create(root.path() + "/table", ipc::ArchiveLayout::scheme(),
                                 ipc::default_archive_config());
      auto w = table ? table->partition_writer(ipc::ArchiveLayout::values(id).value())
                     : Result<PartitionWriter>(table.error());
      if (w) writer.emplace(std::move(*w));
      else error = w.error().to_string();
    };
    if (archive_first) {
      timed(lib_edges_s, open_archive);
      timed(base_edges_s, open_writer);
    } else {
      timed(base_edges_s, open_writer);
      timed(lib_edges_s, open_archive);
    }
    if (!archive || !writer) {
      state.SkipWithError(error.c_str());
      break;
    }

    auto lib_run = [&](std::uint64_t from, std::uint64_t to) {
      for (std::uint64_t i = from; i < to; ++i) {
        const auto& e = recs[i];
        auto seq = archive->append(e.type_id, recs.timestamp(i), e.payload);
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
        auto seq = writer->append(e.type_id, recs.timestamp(i), e.payload);
        if (!seq) [[unlikely]] {
          error = seq.error().to_string();
          return false;
        }
      }
      return true;
    };
    const PairSeconds ps =
        time_interleaved(kAppendRecords, kChunk, lib_run, base_run, !archive_first);
    if (!ps.ok) {
      state.SkipWithError(error.c_str());
      break;
    }
    Status lib_closed, base_closed;
    auto finish_archive = [&] { lib_closed = archive->finish(); };
    auto finish_writer = [&] { base_closed = writer->finish(); };
    if (archive_first) {
      timed(lib_edges_s, finish_archive);
      timed(base_edges_s, finish_writer);
    } else {
      timed(base_edges_s, finish_writer);
      timed(lib_edges_s, finish_archive);
    }
    if (!lib_closed || !base_closed) {
      state.SkipWithError((!lib_closed ? lib_closed : base_closed).error().to_string().c_str());
      break;
    }
    state.SetIterationTime(lib_edges_s + ps.a);
    sum.a += ps.a;
    sum.b += ps.b;
    sum.a_cpu += ps.a_cpu;
    sum.b_cpu += ps.b_cpu;
    lib_edges_sum += lib_edges_s;
    base_edges_sum += base_edges_s;
  }
  if (state.error_occurred() || iter == 0) return;
  const double lib_s = lib_edges_sum + sum.a, base_s = base_edges_sum + sum.b;
  const double n = static_cast<double>(kAppendRecords * iter);
  state.counters["rec_per_s"] = n / lib_s;
  state.counters["MB_per_s"] = n * static_cast<double>(recs.record_bytes()) / lib_s / 1e6;
  state.counters["base_rec_per_s"] = n / base_s;
  state.counters["ratio"] = base_s / lib_s;
  // The same over the append loops only, wall and CPU time of this thread;
  // and the time of opening plus finishing each writer, per iteration.
  state.counters["loop_ratio"] = sum.b / sum.a;
  state.counters["cpu_ratio"] = sum.b_cpu / sum.a_cpu;
  state.counters["open_finish_ms"] = lib_edges_sum * 1e3 / static_cast<double>(iter);
  state.counters["base_open_finish_ms"] = base_edges_sum * 1e3 / static_cast<double>(iter);
  state.counters["other_cores"] = load.cores();
}

// ---------------------------------------------------------------------------
// Merged read of 8 streams

constexpr std::size_t kStreams = 8;
constexpr std::uint64_t kReadRecords = 4'000'000;

// One archive root: XNAS/AAPL/2026-01-29 with 8 streams sharing the records
// at random, and XNAS/MSFT/2026-01-29/all with every record.
struct StreamData {
  StreamData() : root("archive-read") {
    path = root.path() + "/archive";
    const TimedRecords recs(kPayload);
    std::vector<std::uint8_t> owner(kReadRecords);
    std::mt19937_64 rng(13);
    for (auto& o : owner) o = static_cast<std::uint8_t>(rng() % kStreams);
    for (std::size_t s = 0; s < kStreams; ++s) {
      auto a = ipc::Archive::open(path, {"XNAS", "AAPL", "2026-01-29", "s" + std::to_string(s)}).value();
      for (std::uint64_t i = 0; i < kReadRecords; ++i) {
        if (owner[i] == s) a.append(recs[i].type_id, recs.timestamp(i), recs[i].payload).value();
      }
      a.finish().value();
    }
    auto a = ipc::Archive::open(path, {"XNAS", "MSFT", "2026-01-29", "all"}).value();
    for (std::uint64_t i = 0; i < kReadRecords; ++i) {
      a.append(recs[i].type_id, recs.timestamp(i), recs[i].payload).value();
    }
    a.finish().value();
  }
  ScratchDir root;
  std::string path;
};

const StreamData& stream_data() {
  static const StreamData data;
  return data;
}

struct ReadCount {
  std::uint64_t records = 0, sum = 0;
  bool ordered = true;
  std::string error;
};

ReadCount read_archive(const std::string& root, const ipc::ArchiveQuery& q) {
  ReadCount c;
  auto reader = ipc::ArchiveReader::open(root, q);
  if (!reader) {
    c.error = reader.error().to_string();
    return c;
  }
  ipc::ArchiveRecord r;
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

ReadCount read_table(const std::string& root, const std::string& symbol) {
  ReadCount c;
  auto table = Table::open(root);
  if (!table) {
    c.error = table.error().to_string();
    return c;
  }
  auto reader = table->query(PartitionFilter::exact("symbol", symbol));
  if (!reader) {
    c.error = reader.error().to_string();
    return c;
  }
  TableRecord r;
  Step step;
  while ((step = reader->next(r)) == Step::Record) {
    c.sum += payload_word(r.record);
    ++c.records;
  }
  if (step == Step::Failed) c.error = reader->status().error().to_string();
  return c;
}

// Each iteration reads the 8 streams merged and the single stream (in
// alternating order), then the 8 streams through Table::query. The iteration
// time is the merged ArchiveReader's; cost_ratio = its time / the single
// stream's.
void BM_ArchiveMergedRead(benchmark::State& state) {
  const StreamData& d = stream_data();
  ipc::ArchiveQuery merged_q;
  merged_q.venue = "XNAS";
  merged_q.symbol = "AAPL";
  ipc::ArchiveQuery single_q;
  single_q.venue = "XNAS";
  single_q.symbol = "MSFT";
  single_q.streams = {"all"};
  double lib_s = 0, base_s = 0, table_s = 0;
  std::uint64_t iter = 0, sum = 0;
  const OtherLoad load;
  for (auto _ : state) {
    double t_lib = 0, t_base = 0;
    ReadCount lib, base;
    for (int k = 0; k < 2; ++k) {
      const std::uint64_t t0 = now_ns();
      if ((k == 0) == (iter % 2 == 0)) {
        lib = read_archive(d.path, merged_q);
        t_lib = static_cast<double>(now_ns() - t0) * 1e-9;
      } else {
        base = read_archive(d.path, single_q);
        t_base = static_cast<double>(now_ns() - t0) * 1e-9;
      }
    }
    const std::uint64_t q0 = now_ns();
    const ReadCount tq = read_table(d.path, "AAPL");
    table_s += static_cast<double>(now_ns() - q0) * 1e-9;
    ++iter;
    const std::string& err = !lib.error.empty() ? lib.error : !base.error.empty() ? base.error : tq.error;
    if (!err.empty() || lib.records != kReadRecords || base.records != kReadRecords ||
        tq.records != kReadRecords || lib.sum != base.sum || tq.sum != lib.sum || !lib.ordered) {
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
  const double n = static_cast<double>(kReadRecords * iter);
  state.counters["rec_per_s"] = n / lib_s;
  state.counters["base_rec_per_s"] = n / base_s;
  state.counters["table_rec_per_s"] = n / table_s;
  state.counters["cost_ratio"] = lib_s / base_s;
  state.counters["streams"] = static_cast<double>(kStreams);
  state.counters["other_cores"] = load.cores();
}

BENCHMARK(BM_ArchiveAppend)->Iterations(2)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ArchiveMergedRead)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
