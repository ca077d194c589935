#pragma once
// Helpers shared by the benchmarks: scratch directories, pools of realistic
// records built from the market-data generator, the fresh-file baseline
// writer, a calibrated TSC timer, percentiles and CPU pinning.
//
// Scratch directories live under $CHRONICLE_BENCH_DIR, else $TMPDIR, else
// /tmp, so the filesystem under test can be chosen without rebuilding.

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <chronicle/core/record_format.hpp>
#include <chronicle/core/segment_header.hpp>

#include "market_data.hpp"

namespace chronicle::bench {

// Set-up failures end the benchmark with the reason; they are not measured.
[[noreturn]] inline void die(const std::string& what, int err = errno) {
  throw std::runtime_error(what + (err != 0 ? std::string(": ") + std::strerror(err) : ""));
}

inline std::string bench_root() {
  for (const char* var : {"CHRONICLE_BENCH_DIR", "TMPDIR"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') return v;
  }
  return "/tmp";
}

// A fresh directory, removed with everything in it on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    std::string tmpl = bench_root() + "/chronicle-bench-" + tag + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) die("mkdtemp " + tmpl);
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

// Records of exactly `payload_size` bytes whose payloads are consecutive
// market-data messages (quotes and trades) packed back to back. Each entry
// also exists as a complete record image (32-byte header, payload, zero
// padding to 8) so baselines can copy exactly the bytes the log stores. The
// pool is small enough to stay in L2, as a feed handler's current message is.
class RecordPool {
 public:
  struct Entry {
    std::uint16_t type_id;
    std::uint64_t timestamp_ns;
    std::span<const std::byte> payload;  // points into the record image
    const std::byte* record;             // record image, record_bytes long
    std::size_t record_bytes;
  };

  explicit RecordPool(std::size_t payload_size, std::size_t count = 1024, std::uint64_t seed = 42)
      : record_bytes_(record_size(payload_size)), mask_(count - 1) {
    if (count == 0 || (count & (count - 1)) != 0) die("pool size must be a power of two", 0);
    images_.assign(count * record_bytes_, std::byte{0});
    examples::MarketDataGenerator gen(seed);
    for (std::size_t i = 0; i < count; ++i) {
      std::byte* rec = images_.data() + i * record_bytes_;
      std::byte* payload = rec + kRecordHeaderSize;
      examples::Message first = gen.next();
      RecordHeader h{};
      h.seq = i;
      h.timestamp_ns = first.timestamp_ns;
      h.type_id = first.type_id;
      std::size_t filled = 0;
      for (examples::Message m = first; filled < payload_size; m = gen.next()) {
        const std::size_t n = std::min(m.payload.size(), payload_size - filled);
        std::memcpy(payload + filled, m.payload.data(), n);
        filled += n;
      }
      std::memcpy(rec, &h, sizeof h);
      const auto len = static_cast<std::uint32_t>(payload_size);
      const std::uint32_t sum = compute_record_checksum(rec, len);
      std::memcpy(rec + offsetof(RecordHeader, checksum), &sum, sizeof sum);
      const std::uint32_t commit = len + 1;
      std::memcpy(rec, &commit, sizeof commit);
      entries_.push_back({h.type_id, h.timestamp_ns,
                          std::span<const std::byte>(payload, payload_size), rec, record_bytes_});
    }
  }

  const Entry& operator[](std::size_t i) const noexcept { return entries_[i & mask_]; }
  std::size_t record_bytes() const noexcept { return record_bytes_; }

 private:
  std::size_t record_bytes_;
  std::size_t mask_;
  std::vector<std::byte> images_;
  std::vector<Entry> entries_;
};

// Records of this payload size that fit in one segment without a roll.
constexpr std::uint64_t records_per_segment(std::uint64_t segment_size,
                                            std::uint64_t payload_size) noexcept {
  return (segment_size - kSegmentHeaderSize - kEndMarkerSize) / record_size(payload_size);
}

// A file of `size` bytes, posix_fallocate'd and mapped MAP_SHARED read-write,
// optionally pre-faulted writable. Unmapped and closed on destruction.
class MappedFile {
 public:
  MappedFile(const std::string& path, std::size_t size, bool prefault) : size_(size) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) die("open " + path);
    if (int e = ::posix_fallocate(fd_, 0, static_cast<off_t>(size)); e != 0) {
      die("posix_fallocate " + path, e);
    }
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) die("mmap " + path);
    data_ = static_cast<std::byte*>(p);
    if (prefault && ::madvise(p, size, MADV_POPULATE_WRITE) != 0) die("MADV_POPULATE_WRITE");
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
    if (fd_ >= 0) ::close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }

 private:
  int fd_ = -1;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

// The sustained-append baseline: the same record bytes laid out as a log
// would lay them out (records start after a 128-byte header slot and never
// straddle files), written single-threaded into a new posix_fallocate'd,
// MAP_SHARED file every `file_size` bytes. No pre-faulting, no background
// thread, no checksum, no header.
class FreshFileWriter {
 public:
  FreshFileWriter(std::string dir, std::size_t file_size)
      : dir_(std::move(dir)), file_size_(file_size) {}
  ~FreshFileWriter() { delete file_; }
  FreshFileWriter(const FreshFileWriter&) = delete;
  FreshFileWriter& operator=(const FreshFileWriter&) = delete;

  void write(const std::byte* record, std::size_t n) {
    if (off_ + n > limit_) [[unlikely]] next_file();
    std::memcpy(file_->data() + off_, record, n);
    off_ += n;
  }
  std::uint64_t files() const noexcept { return files_; }

 private:
  void next_file() {
    delete file_;
    file_ = nullptr;
    file_ = new MappedFile(dir_ + "/" + std::to_string(files_++) + ".dat", file_size_, false);
    off_ = kSegmentHeaderSize;
    limit_ = file_size_ - kEndMarkerSize;
  }

  std::string dir_;
  std::size_t file_size_;
  MappedFile* file_ = nullptr;
  std::size_t off_ = 0;
  std::size_t limit_ = 0;
  std::uint64_t files_ = 0;
};

inline std::uint64_t now_ns() noexcept {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

// Cycle-counter timestamps for timing single operations. tsc_begin keeps
// earlier instructions from drifting into the timed region (lfence before
// and after rdtsc); tsc_end waits for the timed instructions (rdtscp) and
// keeps later ones out (lfence). No cpuid: under KVM it traps to the host.
// Without x86-64 both fall back to CLOCK_MONOTONIC.
// The signal fences stop the compiler from moving the (inlined) timed code
// across the timestamps.
inline std::uint64_t tsc_begin() noexcept {
#if defined(__x86_64__)
  std::atomic_signal_fence(std::memory_order_seq_cst);
  _mm_lfence();
  const std::uint64_t t = __rdtsc();
  _mm_lfence();
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return t;
#else
  return now_ns();
#endif
}
inline std::uint64_t tsc_end() noexcept {
#if defined(__x86_64__)
  std::atomic_signal_fence(std::memory_order_seq_cst);
  unsigned aux;
  const std::uint64_t t = __rdtscp(&aux);
  _mm_lfence();
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return t;
#else
  return now_ns();
#endif
}

// Ticks of tsc_begin/tsc_end per nanosecond, measured against
// CLOCK_MONOTONIC over `ms` milliseconds.
inline double tsc_ticks_per_ns(int ms = 100) {
  const std::uint64_t c0 = tsc_begin(), n0 = now_ns();
  while (now_ns() - n0 < static_cast<std::uint64_t>(ms) * 1'000'000) {
  }
  const std::uint64_t c1 = tsc_end(), n1 = now_ns();
  return static_cast<double>(c1 - c0) / static_cast<double>(n1 - n0);
}

// Median cost, in ticks, of an empty tsc_begin/tsc_end pair: the amount
// every timed sample overstates its operation by.
inline std::uint64_t tsc_overhead_ticks(std::size_t samples = 1'000'000) {
  std::vector<std::uint64_t> d(samples);
  for (auto& x : d) {
    const std::uint64_t t0 = tsc_begin();
    const std::uint64_t t1 = tsc_end();
    x = t1 - t0;
  }
  std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(samples / 2), d.end());
  return d[samples / 2];
}

struct Percentiles {
  double p50 = 0, p99 = 0, p999 = 0, max = 0;
};

// Percentiles of `v` (reordered in place), each minus `offset` and clamped
// at zero, then multiplied by `scale`.
template <class T>
Percentiles percentiles(std::vector<T>& v, double offset = 0, double scale = 1) {
  Percentiles p;
  if (v.empty()) return p;
  // Descending quantiles: after each nth_element the smaller ones lie below k.
  auto hi = v.end();
  auto at = [&](double q) {
    const auto k = v.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), k, hi);
    hi = k + 1;
    return std::max(0.0, static_cast<double>(*k) - offset) * scale;
  };
  p.max = std::max(0.0, static_cast<double>(*std::max_element(v.begin(), v.end())) - offset) *
          scale;
  p.p999 = at(0.999);
  p.p99 = at(0.99);
  p.p50 = at(0.50);
  return p;
}

inline void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (::sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

inline void unpin() {
  cpu_set_t set;
  CPU_ZERO(&set);
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  for (long i = 0; i < n; ++i) CPU_SET(static_cast<int>(i), &set);
  (void)::sched_setaffinity(0, sizeof set, &set);
}

// An endless stream of records for tables, whose timestamps must never go
// back (TimestampOrder::Strict): record i is RecordPool entry i, and its
// timestamp is that entry's (bursty market-data gaps) shifted forward by the
// pool's span each time the stream wraps around the pool, with every gap
// multiplied by `stretch` (to spread a run over hours or days). One shift,
// one multiply-add per record, so it can sit inside timed loops.
class TimedRecords {
 public:
  explicit TimedRecords(std::size_t payload_size, std::uint64_t stretch = 1,
                        std::size_t count = 1024, std::uint64_t seed = 42)
      : pool_(payload_size, count, seed), stretch_(stretch) {
    while ((std::size_t{1} << shift_) < count) ++shift_;  // count is a power of two (RecordPool)
    first_ = pool_[0].timestamp_ns;
    const std::uint64_t last = pool_[count - 1].timestamp_ns;
    // Wrapping adds the pool's mean gap, so the stream stays strictly increasing.
    span_ = last - first_ + (last - first_) / (count - 1) + 1;
  }

  const RecordPool::Entry& operator[](std::uint64_t i) const noexcept { return pool_[i]; }
  std::uint64_t timestamp(std::uint64_t i) const noexcept {
    return first_ + ((i >> shift_) * span_ + (pool_[i].timestamp_ns - first_)) * stretch_;
  }
  // Timestamps between record 0 and record n - 1.
  std::uint64_t span_ns(std::uint64_t n) const noexcept { return timestamp(n - 1) - timestamp(0); }
  std::size_t record_bytes() const noexcept { return pool_.record_bytes(); }

  // The stretch that spreads n records over about `target_ns`.
  static std::uint64_t stretch_for(std::size_t payload_size, std::uint64_t n,
                                   std::uint64_t target_ns) {
    const TimedRecords unit(payload_size);
    return std::max<std::uint64_t>(1, target_ns / std::max<std::uint64_t>(1, unit.span_ns(n)));
  }

 private:
  RecordPool pool_;
  std::uint64_t stretch_;
  unsigned shift_ = 0;
  std::uint64_t first_ = 0;
  std::uint64_t span_ = 0;
};

// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), in ns: what a
// timed loop cost its own thread, without the time other processes took the
// core away (it leaves out the library's background threads).
inline std::uint64_t thread_cpu_ns() noexcept {
  timespec ts;
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

// Page faults (minor and major) the calling thread has taken.
inline std::uint64_t thread_page_faults() noexcept {
  rusage ru{};
  ::getrusage(RUSAGE_THREAD, &ru);
  return static_cast<std::uint64_t>(ru.ru_minflt + ru.ru_majflt);
}

// Seconds (wall, and CPU of the calling thread) two writers spent appending
// the same `n` records, fed in chunks of `chunk` records that alternate which
// writer goes first (a, b, b, a, a, b, ...; b, a, a, b, ... with b_first),
// so that drift in the machine's state (page cache, write-back, the other
// core's load) falls on both alike. Events at fixed record positions (segment
// rolls) may still fall more often in one order: run both orders.
// a(from, to) and b(from, to) append records [from, to) and return false on
// failure (then timing stops).
struct PairSeconds {
  double a = 0, b = 0;          // wall
  double a_cpu = 0, b_cpu = 0;  // CPU of the calling thread
  double a_faults = 0, b_faults = 0;  // page faults (minor and major) of the calling thread
  bool ok = true;
};

template <class A, class B>
PairSeconds time_interleaved(std::uint64_t n, std::uint64_t chunk, A&& a, B&& b,
                             bool b_first = false) {
  PairSeconds out;
  for (std::uint64_t from = 0, round = b_first ? 1 : 0; from < n && out.ok; from += chunk, ++round) {
    const std::uint64_t to = std::min(n, from + chunk);
    for (int k = 0; k < 2 && out.ok; ++k) {
      const bool run_a = (k == 0) == (round % 2 == 0);
      const std::uint64_t f0 = thread_page_faults();
      const std::uint64_t c0 = thread_cpu_ns(), t0 = now_ns();
      out.ok = run_a ? a(from, to) : b(from, to);
      const std::uint64_t t1 = now_ns(), c1 = thread_cpu_ns();
      (run_a ? out.a_faults : out.b_faults) += static_cast<double>(thread_page_faults() - f0);
      (run_a ? out.a : out.b) += static_cast<double>(t1 - t0) * 1e-9;
      (run_a ? out.a_cpu : out.b_cpu) += static_cast<double>(c1 - c0) * 1e-9;
    }
  }
  return out;
}

// CPU time that other processes took while a benchmark ran, in cores (0 to
// nproc), from /proc/stat and getrusage: how much of the machine the run
// shared. Construct it where the measured part starts; cores() reads it.
class OtherLoad {
 public:
  OtherLoad() : busy0_(machine_busy_s()), self0_(self_cpu_s()), wall0_(now_ns()) {}
  double cores() const {
    const double wall = static_cast<double>(now_ns() - wall0_) / 1e9;
    const double others = (machine_busy_s() - busy0_) - (self_cpu_s() - self0_);
    return std::max(0.0, others) / wall;
  }
  // CPU seconds (user + system, all threads) this process took since then.
  double self_cpu() const { return self_cpu_s() - self0_; }

 private:
  static double machine_busy_s() {
    std::ifstream f("/proc/stat");
    std::string cpu;
    // user nice system idle iowait irq softirq steal
    std::uint64_t v[8] = {};
    f >> cpu;
    for (auto& x : v) f >> x;
    const std::uint64_t busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    return static_cast<double>(busy) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  static double self_cpu_s() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto s = [](const timeval& t) {
      return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return s(ru.ru_utime) + s(ru.ru_stime);
  }
  double busy0_, self0_;
  std::uint64_t wall0_;
};

// The names in a directory, without "." and "..".
inline std::vector<std::string> dir_names(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) die("opendir " + dir);
  while (const dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  return names;
}

// The 128-byte header of a segment file, read with one pread: the cheapest
// way to learn its record count, and the baseline of listing benchmarks.
inline SegmentHeader pread_segment_header(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die("open " + path);
  SegmentHeader h;
  const ssize_t n = ::pread(fd, &h, sizeof h, 0);
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof h)) die("pread " + path, n < 0 ? errno : EIO);
  return h;
}

// Removes `dir` and everything in it, unlinking the files from `threads`
// threads at once. For scratch trees of many files (set-up and tear-down,
// never timed): on a filesystem mounted with `discard` (ext4 here) every
// unlink of a file that holds blocks waits for a synchronous discard, ~4 ms
// on this machine's virtio disk, and concurrent unlinks overlap them
// (30,000 files: ~2 min from one thread, seconds from eight).
inline void remove_tree_parallel(const std::string& dir, unsigned threads = 8) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_directory(ec)) files.push_back(it->path().string());
  }
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&files, t, threads] {
      for (std::size_t i = t; i < files.size(); i += threads) (void)::unlink(files[i].c_str());
    });
  }
  for (auto& th : pool) th.join();
  std::filesystem::remove_all(dir, ec);
}

}  // namespace chronicle::bench
