// Read benchmarks over a log written once per process (about 256 MiB of
// records, 64 MiB segments, closed, still in the page cache), each beside
// its baseline in the same run (STYLE.md §7):
//
//   BM_HotRead/N              LogReader::next() over the whole log, from a
//                             freshly opened reader; the consumer loads the
//                             first 8 payload bytes of every record
//   BM_HotReadMemcpy/N/0      baseline: the same segment files mapped once
//                             (MAP_POPULATE, not timed); walk the records by
//                             their commit words and memcpy each record's
//                             bytes into a buffer, then load 8 bytes of it
//   BM_HotReadMemcpy/N/1      as /0, but mapping and unmapping every segment
//                             inside the timed pass, as a reader does
//   BM_HotReadMemcpy/N/2      as /1, with MAP_POPULATE: the page-table cost
//                             of a fresh mapping paid in one call
//   BM_HotReadChecksum/N      the baseline walk plus the record checksum and
//                             sequence check, no copy: the reader's work
//                             without the reader
//   BM_SeekSeq/mode           seek_seq() to a record and next() it; mode 0:
//                             uniformly random seq, mode 1: the first record
//                             of a segment (the best case)
//   BM_Recovery/N/p           SegmentWriter::open on a log whose live 64 MiB
//                             segment a crashed writer filled (a forked child
//                             appended until the next record would not fit,
//                             then _exit without close): the recovery a
//                             restart pays. Each iteration opens a fresh copy
//                             of the crashed log (copied outside the timed
//                             part, so its pages are in the page cache);
//                             p: LogOptions::prepare_ahead (1, the default,
//                             also faults the segment in on a thread)
//   BM_RecoveryChecksum/N/m   baseline: the record checksum and sequence
//                             check over the same copy, walking the same
//                             records by their commit words; m 0: mapping and
//                             unmapping the file inside the timed part, as
//                             open does; m 1: mapped and populated before it

#include <benchmark/benchmark.h>

#include <sys/mman.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <chronicle/core/file_system.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "bench_support.hpp"

namespace {

using namespace chronicle;
using namespace chronicle::bench;

constexpr std::uint64_t kLogBytes = 256ull << 20;

struct PrewrittenLog {
  explicit PrewrittenLog(std::size_t payload_size) : root("read") {
    dir = root.path() + "/log";
    const RecordPool pool(payload_size);
    records = kLogBytes / pool.record_bytes();
    auto writer = SegmentWriter::open(dir).value();
    for (std::uint64_t i = 0; i < records; ++i) {
      const auto& e = pool[i];
      writer.append(e.type_id, e.timestamp_ns, e.payload).value();
    }
    writer.close().value();
    const std::vector<SegmentEntry> segments = list_segments(dir).value();
    for (const auto& s : segments) {
      paths.push_back(segment_path(dir, s.id));
      base_seqs.push_back(0);
    }
    // base_seq of each segment, for the best-case seek.
    auto reader = LogReader::open(dir).value();
    RecordView v;
    std::size_t seg = 0;
    std::optional<std::uint64_t> last_id;
    while (reader.next(v) == Step::Record) {
      if (reader.segment_id() != last_id) {
        last_id = reader.segment_id();
        base_seqs[seg++] = v.seq;
      }
    }
  }
  ScratchDir root;
  std::string dir;
  std::uint64_t records = 0;
  std::vector<std::string> paths;
  std::vector<std::uint64_t> base_seqs;
};

const PrewrittenLog& prewritten(std::size_t payload_size) {
  static std::map<std::size_t, std::unique_ptr<PrewrittenLog>> logs;
  auto& log = logs[payload_size];
  if (!log) log = std::make_unique<PrewrittenLog>(payload_size);
  return *log;
}

// A whole segment file mapped read-only.
class ReadMapping {
 public:
  ReadMapping(const std::string& path, bool populate) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("open " + path);
    size_ = static_cast<std::size_t>(::lseek(fd, 0, SEEK_END));
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED | (populate ? MAP_POPULATE : 0), fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) die("mmap " + path);
    data_ = static_cast<const std::byte*>(p);
  }
  ~ReadMapping() { ::munmap(const_cast<std::byte*>(data_), size_); }
  ReadMapping(const ReadMapping&) = delete;
  ReadMapping& operator=(const ReadMapping&) = delete;
  const std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }

 private:
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

// Calls f(record, payload_len) for each committed record of a mapped segment.
template <class F>
std::uint64_t walk_segment(const ReadMapping& m, F&& f) {
  std::uint64_t n = 0;
  std::size_t off = kSegmentHeaderSize;
  while (off + kRecordHeaderSize <= m.size()) {
    const std::byte* rec = m.data() + off;
    const std::uint32_t commit = load_commit_acquire(rec);
    if (commit == kCommitNone || commit == kEndOfSegment) break;
    f(rec, commit - 1);
    off += record_size(commit - 1);
    ++n;
  }
  return n;
}

void BM_HotRead(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const PrewrittenLog& log = prewritten(len);
  std::uint64_t records = 0, sum = 0;
  for (auto _ : state) {
    auto reader = LogReader::open(log.dir);
    if (!reader) {
      state.SkipWithError(reader.error().to_string().c_str());
      break;
    }
    RecordView v;
    std::uint64_t n = 0;
    Step step;
    while ((step = reader->next(v)) == Step::Record) {
      std::uint64_t x;
      std::memcpy(&x, v.payload.data(), sizeof x);
      sum += x;
      ++n;
    }
    if (step == Step::Failed || n != log.records) {
      state.SkipWithError(step == Step::Failed ? reader->status().error().to_string().c_str()
                                               : "short read");
      break;
    }
    records += n;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.SetBytesProcessed(static_cast<std::int64_t>(records * record_size(len)));
}

void BM_HotReadMemcpy(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const bool remap = state.range(1) != 0;
  const bool populate_each = state.range(1) == 2;
  const PrewrittenLog& log = prewritten(len);
  std::vector<std::unique_ptr<ReadMapping>> maps;
  if (!remap) {
    for (const auto& p : log.paths) maps.push_back(std::make_unique<ReadMapping>(p, true));
  }
  alignas(64) std::byte buf[2048];
  std::uint64_t records = 0, sum = 0;
  auto copy = [&](const std::byte* rec, std::uint32_t plen) {
    std::memcpy(buf, rec, record_size(plen));
    benchmark::ClobberMemory();
    std::uint64_t x;
    std::memcpy(&x, buf + kRecordHeaderSize, sizeof x);
    sum += x;
  };
  for (auto _ : state) {
    std::uint64_t n = 0;
    if (remap) {
      for (const auto& p : log.paths) n += walk_segment(ReadMapping(p, populate_each), copy);
    } else {
      for (const auto& m : maps) n += walk_segment(*m, copy);
    }
    records += n;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.SetBytesProcessed(static_cast<std::int64_t>(records * record_size(len)));
}

void BM_HotReadChecksum(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const PrewrittenLog& log = prewritten(len);
  std::vector<std::unique_ptr<ReadMapping>> maps;
  for (const auto& p : log.paths) maps.push_back(std::make_unique<ReadMapping>(p, true));
  std::uint64_t records = 0, sum = 0, bad = 0, seq = 0;
  auto check = [&](const std::byte* rec, std::uint32_t plen) {
    const RecordHeader h = read_record_header(rec);
    bad += (compute_record_checksum(rec, plen) != h.checksum) | (h.seq != seq);
    ++seq;
    std::uint64_t x;
    std::memcpy(&x, rec + kRecordHeaderSize, sizeof x);
    sum += x;
  };
  for (auto _ : state) {
    seq = 0;
    std::uint64_t n = 0;
    for (const auto& m : maps) n += walk_segment(*m, check);
    records += n;
  }
  if (bad != 0) state.SkipWithError("checksum mismatch in the baseline walk");
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.SetBytesProcessed(static_cast<std::int64_t>(records * record_size(len)));
}

void BM_SeekSeq(benchmark::State& state) {
  constexpr std::size_t kLen = 64;
  const bool segment_start = state.range(0) != 0;
  const PrewrittenLog& log = prewritten(kLen);
  auto reader = LogReader::open(log.dir);
  if (!reader) {
    state.SkipWithError(reader.error().to_string().c_str());
    return;
  }
  std::mt19937_64 rng(7);
  std::vector<double> ns;
  RecordView v;
  for (auto _ : state) {
    const std::uint64_t target = segment_start
                                     ? log.base_seqs[rng() % log.base_seqs.size()]
                                     : rng() % log.records;
    const std::uint64_t t0 = now_ns();
    auto sought = reader->seek_seq(target);
    const Step step = reader->next(v);
    ns.push_back(static_cast<double>(now_ns() - t0));
    if (!sought || step != Step::Record || v.seq != target) {
      state.SkipWithError(!sought ? sought.error().to_string().c_str() : "seek missed");
      break;
    }
  }
  const Percentiles p = percentiles(ns);
  state.counters["p50_us"] = p.p50 / 1e3;
  state.counters["p99_us"] = p.p99 / 1e3;
  state.counters["max_us"] = p.max / 1e3;
  state.counters["records"] = static_cast<double>(log.records);
  state.counters["segments"] = static_cast<double>(log.paths.size());
}

// A log whose only segment, 64 MiB, a writer filled and never closed: the
// child that wrote it ended with _exit, as a crash would (the page cache
// keeps what it wrote). Made once per payload size per process.
struct CrashedLog {
  explicit CrashedLog(std::size_t payload_size) : root("recovery") {
    dir = root.path() + "/log";
    records = records_per_segment(kDefaultSegmentSize, payload_size);
    const pid_t pid = ::fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
      const RecordPool pool(payload_size);
      LogOptions opts;
      opts.prepare_ahead = false;  // no next segment: the log is the one live segment
      auto writer = SegmentWriter::open(dir, opts);
      if (!writer) ::_exit(2);
      for (std::uint64_t i = 0; i < records; ++i) {
        const auto& e = pool[i];
        if (!writer->append(e.type_id, e.timestamp_ns, e.payload)) ::_exit(3);
        if (i == 0 && !writer->sync()) ::_exit(4);
      }
      if (writer->segment_base_seq() != 0) ::_exit(5);  // it rolled: one segment only
      ::_exit(0);  // no close, no destructor
    }
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      die("crashed-log child failed, status " + std::to_string(status), 0);
    }
    names = dir_names(dir);
  }
  // A fresh copy of the crashed log, in `to`.
  void copy_to(const std::string& to) const {
    std::filesystem::create_directory(to);
    for (const auto& n : names) std::filesystem::copy_file(dir + "/" + n, to + "/" + n);
  }
  ScratchDir root;
  std::string dir;
  std::uint64_t records = 0;
  std::vector<std::string> names;
};

const CrashedLog& crashed(std::size_t payload_size) {
  static std::map<std::size_t, std::unique_ptr<CrashedLog>> logs;
  auto& log = logs[payload_size];
  if (!log) log = std::make_unique<CrashedLog>(payload_size);
  return *log;
}

void BM_Recovery(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  LogOptions opts;
  opts.prepare_ahead = state.range(1) != 0;
  const CrashedLog& log = crashed(len);
  const std::string copy = log.root.path() + "/copy";
  bool ok = true;
  for (auto _ : state) {
    state.PauseTiming();
    log.copy_to(copy);
    {
      state.ResumeTiming();
      auto writer = SegmentWriter::open(copy, opts);
      state.PauseTiming();
      if (!writer || writer->next_seq() != log.records || !writer->recovery_report().clean()) {
        state.SkipWithError(!writer ? writer.error().to_string().c_str()
                                    : "recovery lost records or discarded bytes");
        ok = false;
      } else {
        writer->close().value();
      }
    }  // the writer's destructor (and its preparer thread) outside the timed part
    std::filesystem::remove_all(copy);
    state.ResumeTiming();
    if (!ok) break;
  }
  state.counters["records"] = static_cast<double>(log.records);
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * log.records * record_size(len)));
}

void BM_RecoveryChecksum(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const bool premapped = state.range(1) != 0;
  const CrashedLog& log = crashed(len);
  const std::string copy = log.root.path() + "/copy";
  const std::string segment = segment_path(copy, 0);
  std::uint64_t bad = 0, sum = 0;
  for (auto _ : state) {
    state.PauseTiming();
    log.copy_to(copy);
    std::optional<ReadMapping> m;
    if (premapped) m.emplace(segment, true);
    state.ResumeTiming();
    if (!premapped) m.emplace(segment, false);
    std::uint64_t seq = 0;
    const std::uint64_t n = walk_segment(*m, [&](const std::byte* rec, std::uint32_t plen) {
      const RecordHeader h = read_record_header(rec);
      bad += (compute_record_checksum(rec, plen) != h.checksum) | (h.seq != seq);
      sum += h.timestamp_ns;
      ++seq;
    });
    if (!premapped) m.reset();
    state.PauseTiming();
    m.reset();
    bad += n != log.records;
    std::filesystem::remove_all(copy);
    state.ResumeTiming();
  }
  if (bad != 0) state.SkipWithError("checksum or count mismatch in the baseline walk");
  benchmark::DoNotOptimize(sum);
  state.counters["records"] = static_cast<double>(log.records);
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * log.records * record_size(len)));
}

BENCHMARK(BM_HotRead)->Arg(64)->Arg(1024)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HotReadMemcpy)
    ->ArgNames({"payload", "remap"})
    ->Args({64, 0})
    ->Args({64, 1})
    ->Args({64, 2})
    ->Args({1024, 0})
    ->Args({1024, 1})
    ->Args({1024, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HotReadChecksum)->Arg(64)->Arg(1024)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeekSeq)->ArgNames({"segment_start"})->Arg(0)->Arg(1)->UseRealTime()->Unit(
    benchmark::kMicrosecond);
BENCHMARK(BM_Recovery)
    ->ArgNames({"payload", "prepare_ahead"})
    ->Args({64, 1})
    ->Args({64, 0})
    ->Args({1024, 1})
    ->Args({1024, 0})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RecoveryChecksum)
    ->ArgNames({"payload", "premapped"})
    ->Args({64, 0})
    ->Args({64, 1})
    ->Args({1024, 0})
    ->Args({1024, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
