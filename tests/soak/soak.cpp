// The combined soak (RELIABILITY.md M3; not run in CI): for a configurable
// time, one writer appends to a partition of 256 KiB segments while
//   - a tailer thread and two tailer processes follow it live,
//   - a historian thread seeks to random timestamps and reads on,
//   - the lifecycle manager compresses every sealed segment in the
//     background (policy immediate) and deletes the oldest sealed segments
//     beyond a size cap (retention),
//   - a decompressor thread turns random cold segments hot again.
// Record `seq` has timestamp kFirstTs + seq and a payload derived from seq,
// so every reader checks every record it sees against what the writer wrote:
// contiguous sequence numbers from wherever it started, right timestamp,
// right payload. At the end every tailer must have reached the last
// acknowledged record.
//
//   chronicle_soak [seconds=60] [dir=$TMPDIR]
//
// Exit status 0 when every check held; the first failure is printed.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/partition/partition_path.hpp>
#include <chronicle/table/reader/time_series_reader.hpp>
#include <chronicle/table/table.hpp>

namespace chronicle {
namespace {

constexpr std::uint64_t kFirstTs = 1'000'000'000;
constexpr std::uint64_t kSegmentSize = 256 * 1024;
constexpr std::uint64_t kRetainedBytes = 64 * kSegmentSize;

std::vector<std::byte> payload_of(std::uint64_t seq) {
  std::vector<std::byte> p(16 + seq % 300);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::byte>(seq * 131 + i);
  return p;
}

// Empty if `v` is the record the writer wrote as `expected_seq`.
std::string check_record(const RecordView& v, std::uint64_t expected_seq) {
  if (v.seq != expected_seq) {
    return "seq " + std::to_string(v.seq) + ", expected " + std::to_string(expected_seq);
  }
  if (v.timestamp_ns != kFirstTs + v.seq) return "wrong timestamp at seq " + std::to_string(v.seq);
  const auto want = payload_of(v.seq);
  if (!std::equal(v.payload.begin(), v.payload.end(), want.begin(), want.end())) {
    return "wrong payload at seq " + std::to_string(v.seq);
  }
  return {};
}

// Follows the partition from its first record until it has seen `final`
// records (read from `final_file` once the writer is done). Returns an error
// message, or empty with `seen` set.
std::string tail(const std::string& partition_dir, const std::string& final_file,
                 std::uint64_t& seen) {
  auto reader = TimeSeriesReader::open(partition_dir);
  if (!reader) return "tailer open: " + reader.error().to_string();
  std::optional<std::uint64_t> expected;
  std::optional<std::uint64_t> final;
  seen = 0;
  RecordView v;
  for (;;) {
    const Step step = reader->next(v);
    if (step == Step::Failed) return "tailer: " + reader->status().error().to_string();
    if (step == Step::Record) {
      if (!expected) expected = v.seq;  // retention may have deleted the start
      if (auto bad = check_record(v, *expected); !bad.empty()) return "tailer: " + bad;
      ++*expected;
      ++seen;
      continue;
    }
    if (!final) {
      std::ifstream in(final_file);
      std::uint64_t n = 0;
      if (in >> n) final = n;
    }
    if (final && expected && *expected >= *final) return {};
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

class Soak {
 public:
  Soak(std::string root, int seconds) : root_(std::move(root)), seconds_(seconds) {}

  int run(const char* self) {
    auto scheme = PartitionScheme::create({{"stream", KeyType::String, 0}});
    TableConfig config;
    config.segment_size = kSegmentSize;
    config.compression_block_size = 64 * 1024;
    auto table = Table::create(root_ + "/table", *scheme, config);
    if (!table) return report_setup("table: " + table.error().to_string());
    const PartitionValues values = PartitionValues::parse(*scheme, {{"stream", "soak"}}).value();
    partition_dir_ = table->partition_dir(values).value();
    partition_path_ = partition_path(*scheme, values).value();
    final_file_ = root_ + "/final";
    auto writer = table->partition_writer(values);
    if (!writer) return report_setup("writer: " + writer.error().to_string());
    if (auto seq = writer->append(1, kFirstTs, payload_of(0)); !seq) {
      return report_setup("append: " + seq.error().to_string());
    }
    written_ = 1;

    std::vector<pid_t> children;
    for (int i = 0; i < 2; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::execl(self, "chronicle_soak", "--tail", partition_dir_.c_str(), final_file_.c_str(), nullptr);
        std::_Exit(127);
      }
      children.push_back(pid);
    }
    LifecycleConfig lc;
    lc.policy = CompressionPolicy::immediate();
    lc.retention.max_partition_bytes = kRetainedBytes;
    auto manager = StorageLifecycleManager::open(root_ + "/table", lc);
    if (!manager) return report_setup("lifecycle: " + manager.error().to_string());
    auto started = manager->start_background(std::chrono::milliseconds(50), [&](const auto& s) {
      if (!s) return fail("lifecycle: " + s.error().to_string());
      if (!s->errors.empty()) return fail("lifecycle: " + s->to_string());
      compressed_ += s->compressed;
      deleted_ += s->deleted_segments;
    });
    if (!started) return report_setup("lifecycle: " + started.error().to_string());

    std::uint64_t tailer_seen = 0;
    std::thread tailer([&] {
      if (auto bad = tail(partition_dir_, final_file_, tailer_seen); !bad.empty()) fail(bad);
    });
    std::thread historian([&] { historian_loop(); });
    std::thread decompressor([&] { decompressor_loop(*manager); });

    const auto start = std::chrono::steady_clock::now();
    const auto end = start + std::chrono::seconds(seconds_);
    for (std::uint64_t seq = 1; !stop_ && std::chrono::steady_clock::now() < end; ++seq) {
      auto r = writer->append(1, kFirstTs + seq, payload_of(seq));
      if (!r) {
        fail("append: " + r.error().to_string());
        break;
      }
      written_ = seq + 1;
      if (seq % 256 == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    if (auto st = writer->finish(); !st) fail("finish: " + st.error().to_string());
    std::ofstream(final_file_ + ".tmp") << written_.load() << "\n";
    std::filesystem::rename(final_file_ + ".tmp", final_file_);
    workers_stop_ = true;
    historian.join();
    decompressor.join();
    tailer.join();
    manager->stop_background();
    for (const pid_t pid : children) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail("tailer process " + std::to_string(pid) + " failed (status " + std::to_string(status) + ")");
      }
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - start);
    std::printf(
        "soak: %lld s, %llu records written and checked by 3 tailers (in-process tailer saw %llu), "
        "%llu historian seeks (%llu records read), %llu segments compressed, %llu decompressed, "
        "%llu deleted by retention\n",
        static_cast<long long>(elapsed.count()), ull(written_), ull(tailer_seen), ull(seeks_), ull(history_records_),
        ull(compressed_), ull(decompressed_), ull(deleted_));
    if (!failure_.empty()) {
      std::fprintf(stderr, "soak FAILED: %s\n", failure_.c_str());
      return 1;
    }
    std::printf("soak passed\n");
    return 0;
  }

 private:
  static unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }

  int report_setup(const std::string& why) {
    std::fprintf(stderr, "soak set-up failed: %s\n", why.c_str());
    return 2;
  }

  void fail(const std::string& why) {
    std::lock_guard lock(mu_);
    if (failure_.empty()) failure_ = why;
    stop_ = true;
  }

  // Seeks to a random written timestamp, then checks up to 5,000 records
  // from there. A seek into segments retention deleted is NotFound.
  void historian_loop() {
    std::mt19937_64 rng(7);
    while (!workers_stop_ && !stop_) {
      auto reader = TimeSeriesReader::open(partition_dir_);
      if (!reader) return fail("historian open: " + reader.error().to_string());
      for (int i = 0; i < 20 && !workers_stop_ && !stop_; ++i) {
        const std::uint64_t target = rng() % written_.load();
        auto s = reader->seek_timestamp(kFirstTs + target);
        ++seeks_;
        if (!s && s.error().code() == Errc::NotFound) continue;
        if (!s) return fail("historian seek: " + s.error().to_string());
        RecordView v;
        std::optional<std::uint64_t> expected;
        for (int n = 0; n < 5000 && reader->next(v) == Step::Record; ++n) {
          // BeforeStart (the start was deleted) lands later than the target.
          if (!expected) {
            if (*s == SeekResult::Found && v.seq != target) {
              return fail("historian: seek to seq " + std::to_string(target) + " landed on " +
                          std::to_string(v.seq));
            }
            expected = v.seq;
          }
          if (auto bad = check_record(v, *expected); !bad.empty()) return fail("historian: " + bad);
          ++*expected;
          ++history_records_;
        }
        if (!reader->status()) {
          // Retention deleted what this reader was about to read: open anew.
          if (reader->status().error().code() == Errc::NotFound) break;
          return fail("historian: " + reader->status().error().to_string());
        }
      }
    }
  }

  // Every 200 ms, turns a random cold segment hot again (the background
  // run compresses it back).
  void decompressor_loop(StorageLifecycleManager& manager) {
    std::mt19937_64 rng(11);
    while (!workers_stop_ && !stop_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      auto listed = list_segments(partition_dir_);
      if (!listed) return fail("list: " + listed.error().to_string());
      std::vector<std::uint64_t> cold;
      for (const SegmentEntry& e : *listed) {
        if (e.cold && !e.hot) cold.push_back(e.id);
      }
      if (cold.empty()) continue;
      auto stats = manager.decompress_segment(partition_path_, cold[rng() % cold.size()]);
      if (!stats) {
        // Busy (a background run holds the partition) or deleted meanwhile.
        if (stats.error().code() == Errc::Locked || stats.error().code() == Errc::NotFound) continue;
        return fail("decompress: " + stats.error().to_string());
      }
      decompressed_ += stats->decompressed;
    }
  }

  std::string root_;
  int seconds_;
  std::string partition_dir_;
  std::string partition_path_;  // relative to the table root
  std::string final_file_;
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> compressed_{0}, decompressed_{0}, deleted_{0};
  std::atomic<std::uint64_t> seeks_{0}, history_records_{0};
  std::atomic<bool> stop_{false};          // a check failed
  std::atomic<bool> workers_stop_{false};  // the writer is done
  std::mutex mu_;
  std::string failure_;
};

}  // namespace
}  // namespace chronicle

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--tail") {
    std::uint64_t seen = 0;
    const std::string bad = chronicle::tail(argv[2], argv[3], seen);
    if (!bad.empty()) {
      std::fprintf(stderr, "tailer process: %s\n", bad.c_str());
      return 1;
    }
    std::printf("tailer process: %llu records checked\n", static_cast<unsigned long long>(seen));
    return 0;
  }
  const int seconds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 60;
  const char* tmp = std::getenv("TMPDIR");
  std::string base = argc > 2 ? argv[2] : (tmp && *tmp ? tmp : "/tmp");
  std::string root = base + "/chronicle-soak-XXXXXX";
  if (::mkdtemp(root.data()) == nullptr) {
    std::perror("mkdtemp");
    return 2;
  }
  const int rc = chronicle::Soak(root, seconds).run("/proc/self/exe");
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  return rc;
}
