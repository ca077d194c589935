// Cross-process writer -> reader latency. The benchmark process is the
// writer, pinned to CPU 0; a forked child is the reader, pinned to CPU 1 and
// busy-spinning. The writer stamps CLOCK_MONOTONIC into the first 8 bytes of
// each 64-byte payload just before appending it; the reader subtracts it from
// CLOCK_MONOTONIC taken just after the record arrives. The writer is paced
// (one record every gap_ns, start to start) so that this measures latency, not
// queueing.
//
//   BM_IpcLatency/mode:0   chronicle: SegmentWriter::append -> LogReader with
//                          wait_next(BusySpinWait), default options (rolls
//                          included)
//   BM_IpcLatency/mode:1   baseline: the same 96-byte records through a ring
//                          in a MAP_SHARED anonymous mapping, published with a
//                          release store of the 32-bit commit word and polled
//                          with acquire loads (the cache-line hand-off floor)
//   BM_IpcLatency/mode:2   as mode 1, plus chronicle's record header and XXH3
//                          record checksum, computed by the writer and
//                          verified by the reader: the cost of the format
//
// mode 0 also runs with 600 000 records, which fit in the first segment: no
// roll, so no segment preparation competing for the two cores.
//
// The first kWarmup records are not counted. Both processes share the
// machine's two cores with nothing else (on a 2-core machine the writer's
// background segment preparer runs on one of the same two cores).

#include <benchmark/benchmark.h>

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <thread>

#include <chronicle/core/record_format.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/segment/wait_strategy.hpp>

#include "bench_support.hpp"

namespace {

using namespace chronicle;
using namespace chronicle::bench;

constexpr std::size_t kPayload = 64;
constexpr std::uint64_t kWarmup = 20'000;
constexpr std::size_t kRingSlots = 1 << 14;  // 1.5 MiB of 96-byte slots

// Shared between the writer and the reader process.
struct Shared {
  std::atomic<std::uint32_t> ready{0};   // the reader is positioned
  std::atomic<std::uint32_t> status{0};  // 0 running, 1 done, 2 failed
  char error[512] = {};
};

class SharedMapping {
 public:
  explicit SharedMapping(std::size_t size) : size_(size) {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) die("mmap shared");
    data_ = static_cast<std::byte*>(p);
  }
  ~SharedMapping() { ::munmap(data_, size_); }
  SharedMapping(const SharedMapping&) = delete;
  SharedMapping& operator=(const SharedMapping&) = delete;
  std::byte* data() const noexcept { return data_; }

 private:
  std::byte* data_;
  std::size_t size_;
};

[[noreturn]] void child_fail(Shared* sh, const std::string& why) {
  std::snprintf(sh->error, sizeof sh->error, "%s", why.c_str());
  sh->status.store(2, std::memory_order_release);
  ::_exit(2);
}

// The reader process. Never returns.
[[noreturn]] void run_reader(int mode, const std::string& log_dir, Shared* sh, std::byte* ring,
                             std::uint64_t* lat, std::uint64_t total) {
  try {
    pin_to_cpu(1);
    if (mode != 0) {
      sh->ready.store(1, std::memory_order_release);
      for (std::uint64_t i = 0; i < total; ++i) {
        const std::byte* slot = ring + (i % kRingSlots) * record_size(kPayload);
        const auto commit = static_cast<std::uint32_t>(i + 1);
        // Pairs with publish_commit_release in the writer.
        while (load_commit_acquire(slot) != commit) BusySpinWait().idle();
        if (mode == 2) {
          const RecordHeader h = read_record_header(slot);
          if (compute_record_checksum(slot, kPayload) != h.checksum || h.seq != i) {
            child_fail(sh, "ring record " + std::to_string(i) + " fails its checksum");
          }
        }
        const std::uint64_t recv = now_ns();
        std::uint64_t sent;
        std::memcpy(&sent, slot + kRecordHeaderSize, sizeof sent);
        lat[i] = recv - sent;
      }
    } else {
      auto reader = LogReader::open(log_dir);
      if (!reader) child_fail(sh, reader.error().to_string());
      sh->ready.store(1, std::memory_order_release);
      BusySpinWait wait;
      RecordView v;
      for (std::uint64_t i = 0; i < total; ++i) {
        if (wait_next(*reader, v, wait) != Step::Record) {
          child_fail(sh, reader->status() ? "no record" : reader->status().error().to_string());
        }
        const std::uint64_t recv = now_ns();
        std::uint64_t sent;
        std::memcpy(&sent, v.payload.data(), sizeof sent);
        lat[i] = recv - sent;
      }
    }
    sh->status.store(1, std::memory_order_release);
    ::_exit(0);
  } catch (const std::exception& e) {
    child_fail(sh, e.what());
  }
}

// Median cost of one clock_gettime(CLOCK_MONOTONIC); each latency sample
// includes about one of them.
double clock_overhead_ns() {
  std::vector<std::uint64_t> d(200'000);
  for (auto& x : d) {
    const std::uint64_t a = now_ns();
    x = now_ns() - a;
  }
  return percentiles(d).p50;
}

void BM_IpcLatency(benchmark::State& state) {
  const int mode = static_cast<int>(state.range(0));
  const bool baseline = mode != 0;
  const auto measured = static_cast<std::uint64_t>(state.range(1));
  const auto gap_ns = static_cast<std::uint64_t>(state.range(2));
  const std::uint64_t total = kWarmup + measured;
  const RecordPool pool(kPayload);
  for (auto _ : state) {
    ScratchDir root("ipc");
    const std::string log_dir = root.path() + "/log";
    if (::mkdir(log_dir.c_str(), 0755) != 0) die("mkdir " + log_dir);
    SharedMapping shared(sizeof(Shared) + total * sizeof(std::uint64_t));
    auto* sh = new (shared.data()) Shared;
    auto* lat = reinterpret_cast<std::uint64_t*>(shared.data() + sizeof(Shared));
    SharedMapping ring(kRingSlots * record_size(kPayload));

    const pid_t pid = ::fork();
    if (pid < 0) die("fork");
    if (pid == 0) run_reader(mode, log_dir, sh, ring.data(), lat, total);

    Result<SegmentWriter> writer = Error(Errc::Closed, "baseline: no writer");
    if (!baseline) {
      // Opened before pinning, so that the preparer thread may run on either core.
      writer = SegmentWriter::open(log_dir);
      if (!writer) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        state.SkipWithError(writer.error().to_string().c_str());
        break;
      }
    }
    pin_to_cpu(0);
    while (sh->ready.load(std::memory_order_acquire) == 0 &&
           sh->status.load(std::memory_order_acquire) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    // Let the reader settle and the writer's preparer finish the next segment.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));

    alignas(8) std::byte buf[kPayload];
    const std::uint64_t start = now_ns();
    std::uint64_t next = start;
    bool failed = false;
    for (std::uint64_t i = 0; i < total && sh->status.load(std::memory_order_relaxed) == 0; ++i) {
      const auto& e = pool[i];
      std::memcpy(buf, e.payload.data(), kPayload);
      std::uint64_t sent;
      while ((sent = now_ns()) < next) {
      }
      std::memcpy(buf, &sent, sizeof sent);
      if (baseline) {
        std::byte* slot = ring.data() + (i % kRingSlots) * record_size(kPayload);
        std::memcpy(slot + kRecordHeaderSize, buf, kPayload);
        if (mode == 2) {
          RecordHeader h{};
          h.seq = i;
          h.timestamp_ns = e.timestamp_ns;
          h.type_id = e.type_id;
          std::memcpy(slot + kChecksummedFrom, reinterpret_cast<const std::byte*>(&h) + kChecksummedFrom,
                      kRecordHeaderSize - kChecksummedFrom);
          const std::uint32_t sum = compute_record_checksum(slot, kPayload);
          std::memcpy(slot + offsetof(RecordHeader, checksum), &sum, sizeof sum);
        }
        // Pairs with load_commit_acquire in the reader.
        publish_commit_release(slot, static_cast<std::uint32_t>(i + 1));
      } else if (auto seq = writer->append(e.type_id, e.timestamp_ns, buf); !seq) {
        state.SkipWithError(seq.error().to_string().c_str());
        failed = true;
        break;
      }
      next = sent + gap_ns;
    }
    const double elapsed = static_cast<double>(now_ns() - start) * 1e-9;
    if (failed) ::kill(pid, SIGKILL);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    unpin();
    const std::uint64_t rolls = writer ? writer->rolls() : 0;
    if (writer) (void)writer->close();
    if (failed) break;
    if (sh->status.load() != 1) {
      state.SkipWithError(sh->error[0] ? sh->error : "reader process failed");
      break;
    }
    state.SetIterationTime(elapsed);
    std::vector<std::uint64_t> samples(lat + kWarmup, lat + total);
    const Percentiles p = percentiles(samples);
    state.counters["p50_ns"] = p.p50;
    state.counters["p99_ns"] = p.p99;
    state.counters["p999_ns"] = p.p999;
    state.counters["max_ns"] = p.max;
    state.counters["rolls"] = static_cast<double>(rolls);
    state.counters["clock_ovh_ns"] = clock_overhead_ns();
  }
}

BENCHMARK(BM_IpcLatency)
    ->ArgNames({"mode", "records", "gap_ns"})
    ->Args({0, 2'000'000, 2'000})
    ->Args({0, 600'000, 2'000})
    ->Args({1, 2'000'000, 2'000})
    ->Args({2, 2'000'000, 2'000})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
