#pragma once
// Helpers shared by the benchmarks: scratch directories, pools of realistic
// records built from the market-data generator, the fresh-file baseline
// writer, a calibrated TSC timer, percentiles and CPU pinning.
//
// Scratch directories live under $CHRONICLE_BENCH_DIR, else $TMPDIR, else
// /tmp, so the filesystem under test can be chosen without rebuilding.

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
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
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
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

}  // namespace chronicle::bench
