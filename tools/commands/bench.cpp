#include "commands/bench.hpp"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <zstd.h>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/core/record_format.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "market_data.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {
namespace {

constexpr std::uint64_t kSegmentSize = 64ull << 20;

double seconds_of(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One headline figure: chronicle and its baseline over the same records.
struct Row {
  std::string figure;
  std::string baseline;
  double chronicle_s = 0;
  double baseline_s = 0;
};

// The records to write, generated once: market data laid out exactly as a
// segment stores them (header + payload padded to 8), so that the baselines
// copy and compress the very bytes chronicle writes.
struct Records {
  std::vector<examples::Message> messages;  // payloads point into `image`
  std::vector<std::byte> image;

  explicit Records(std::uint64_t count) {
    examples::MarketDataGenerator gen;
    messages.reserve(count);
    for (std::uint64_t seq = 0; seq < count; ++seq) {
      const examples::Message m = gen.next();
      const std::size_t at = image.size();
      image.resize(at + record_size(m.payload.size()));
      RecordHeader h{};
      h.commit = static_cast<std::uint32_t>(m.payload.size()) + 1;
      h.seq = seq;
      h.timestamp_ns = m.timestamp_ns;
      h.type_id = m.type_id;
      std::memcpy(image.data() + at, &h, sizeof h);
      std::memcpy(image.data() + at + kRecordHeaderSize, m.payload.data(), m.payload.size());
      messages.push_back({m.type_id, m.timestamp_ns, {}});
    }
    std::size_t at = 0;
    for (examples::Message& m : messages) {
      RecordHeader h;
      std::memcpy(&h, image.data() + at, sizeof h);
      m.payload = std::span<const std::byte>(image.data() + at + kRecordHeaderSize, h.commit - 1);
      at += record_size(m.payload.size());
    }
  }
};

// Fails the run with the library's error.
template <class T>
T must(Result<T> r) {
  if (!r) throw r.error();
  return std::move(*r);
}
void must(Status s) {
  if (!s) throw s.error();
}

std::uint64_t read_all(const std::string& dir, ReaderOptions options) {
  LogReader reader = must(LogReader::open(dir, options));
  RecordView rec;
  std::uint64_t n = 0, sum = 0;
  while (reader.next(rec) == Step::Record) {
    sum += rec.timestamp_ns;
    ++n;
  }
  must(reader.status());
  return sum == 0 ? 0 : n;  // uses the sum, so that the reads are not optimized away
}

std::vector<Row> measure(const std::string& dir, std::uint64_t count, int level) {
  std::vector<Row> rows;
  const Records records(count);
  const std::size_t bytes = records.image.size();
  // The destination of the copy baselines, mapped and faulted in once as a
  // segment is, so that neither side pays page faults in the timed loop.
  void* mapped = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (mapped == MAP_FAILED) throw file_error(Errc::Io, dir, "mmap of {} bytes failed", bytes);
  auto* copy = static_cast<std::byte*>(mapped);

  const std::string log = dir + "/log";
  Row append{"append", "memcpy"};
  {
    LogOptions options;
    options.segment_size = kSegmentSize;
    SegmentWriter writer = must(SegmentWriter::open(log, options));
    append.chronicle_s = seconds_of([&] {
      for (const examples::Message& m : records.messages) must(writer.append(m.type_id, m.timestamp_ns, m.payload));
    });
    must(writer.close());
  }
  append.baseline_s = seconds_of([&] {
    std::size_t at = 0;
    for (const examples::Message& m : records.messages) {
      const std::size_t size = record_size(m.payload.size());
      std::memcpy(copy + at, records.image.data() + at, size);
      at += size;
    }
  });
  rows.push_back(append);

  Row hot{"hot read (verifying checksums)", "memcpy"};
  hot.chronicle_s = seconds_of([&] {
    if (read_all(log, {}) != count) throw file_error(Errc::Corruption, log, "read back fewer records than written");
  });
  hot.baseline_s = seconds_of([&] { std::memcpy(copy, records.image.data(), bytes); });
  rows.push_back(hot);

  SegmentCompressionOptions compression;
  compression.seekable.codec.level = level;
  std::vector<std::byte> plain(ZSTD_compressBound(bytes));
  std::size_t plain_size = 0;
  Row compress{fmt::format("compress (level {}, 1 MiB frames)", level), "ZSTD_compress, one stream"};
  compress.chronicle_s = seconds_of([&] {
    for (const SegmentEntry& s : must(list_segments(log))) must(compress_segment(log, s.id, compression));
  });
  compress.baseline_s = seconds_of([&] {
    plain_size = ZSTD_compress(plain.data(), plain.size(), records.image.data(), bytes, level);
  });
  if (ZSTD_isError(plain_size)) throw file_error(Errc::Io, dir, "ZSTD_compress: {}", ZSTD_getErrorName(plain_size));
  rows.push_back(compress);

  Row cold{"cold read (verifying checksums)", "ZSTD_decompress, one stream"};
  cold.chronicle_s = seconds_of([&] {
    if (read_all(log, both_tiers()) != count) throw file_error(Errc::Corruption, log, "cold read back fewer records");
  });
  std::size_t restored = 0;
  cold.baseline_s = seconds_of([&] { restored = ZSTD_decompress(copy, bytes, plain.data(), plain_size); });
  if (restored != bytes) throw file_error(Errc::Corruption, dir, "ZSTD_decompress restored {} of {} bytes", restored, bytes);
  rows.push_back(cold);
  ::munmap(mapped, bytes);
  return rows;
}

std::string scratch_parent(const BenchOptions& options) {
  if (!options.dir.empty()) return options.dir;
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

}  // namespace

int run_bench(const BenchOptions& options) {
  const std::uint64_t count = options.records.value_or(2'000'000);
  const int level = static_cast<int>(options.level.value_or(3));
  std::string dir = scratch_parent(options) + "/chronicle-bench-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) {
    print_error(file_error(Errc::Io, dir, "cannot create the scratch directory: {}", std::strerror(errno)));
    return kExitDataError;
  }
  std::vector<Row> rows;
  int status = kExitOk;
  try {
    rows = measure(dir, count, level);
  } catch (const Error& e) {
    print_error(e);
    status = kExitDataError;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  if (status != kExitOk) return status;

  const double m = static_cast<double>(count) / 1e6;
  if (options.json) {
    nlohmann::json out = {{"records", count}, {"level", level}, {"rows", nlohmann::json::array()}};
    for (const Row& r : rows) {
      out["rows"].push_back({{"figure", r.figure},
                             {"baseline", r.baseline},
                             {"chronicle_records_per_s", count / r.chronicle_s},
                             {"baseline_records_per_s", count / r.baseline_s},
                             {"ratio", r.baseline_s / r.chronicle_s}});
    }
    fmt::print("{}\n", out.dump());
  } else {
    fmt::print("{} market-data records (40 and 48-byte payloads), zstd level {}\n\n", count, level);
    fmt::print("{:<36} {:>14}   {:<28} {:>14} {:>7}\n", "figure", "chronicle", "baseline (same run)", "baseline",
               "ratio");
    for (const Row& r : rows) {
      fmt::print("{:<36} {:>9.2f} M/s   {:<28} {:>9.2f} M/s {:>7.2f}\n", r.figure, m / r.chronicle_s, r.baseline,
                 m / r.baseline_s, r.baseline_s / r.chronicle_s);
    }
    fmt::print("\nratio = chronicle's rate / the baseline's rate over the same bytes. See docs/BENCHMARKS.md.\n");
  }
  return finish_stdout() ? kExitOk : kExitDataError;
}

}  // namespace chronicle::cli
