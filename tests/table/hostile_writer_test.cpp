// A hostile writer changing mapped bytes (RELIABILITY H7, S9): one thread
// flips random bytes of the segment files of a partition through its own
// MAP_SHARED read-write mapping, and flips each back a moment later, while
// LogReader and TimeSeriesReader threads read, seek and tail the partition.
// Readers may fail with Corruption but must never read out of bounds (ASan
// reports it, and a read past a hot mapping faults) or crash. The race is
// deliberate, so this binary runs under ASan and never under TSan.
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/table.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <random>
#include <thread>
#include <vector>

#include "support/records.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSeed = 7;
constexpr std::uint64_t kRecords = 1500;
constexpr auto kRunFor = std::chrono::milliseconds(800);

// One segment file mapped writable by the hostile thread.
struct Target {
  std::byte* data = nullptr;
  std::size_t size = 0;
  std::size_t first = 0;  // where flips start: past the header, mostly
};

// Maps every segment file of `dir` MAP_SHARED read-write.
std::vector<Target> map_for_flipping(const std::string& dir) {
  std::vector<Target> out;
  const std::vector<SegmentEntry> entries = list_segments(dir).value();
  for (const SegmentEntry& e : entries) {
    const std::string path = segment_path(dir, e.id, e.hot ? SegmentTier::Hot : SegmentTier::Cold);
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    EXPECT_GE(fd, 0) << path;
    struct stat st {};
    ::fstat(fd, &st);
    const auto size = static_cast<std::size_t>(st.st_size);
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    EXPECT_NE(p, MAP_FAILED) << path;
    // Cold files are flipped anywhere (seek table included); hot ones past
    // the header, where the committed records are.
    out.push_back({static_cast<std::byte*>(p), size, e.hot ? kSegmentHeaderSize : 0});
  }
  return out;
}

// Flips a random bit of a random target, waits a moment, flips it back;
// one flip in eight may land anywhere in a hot segment, its header included.
void flip_until(std::vector<Target>& targets, const std::atomic<bool>& stop, std::uint64_t& flips) {
  std::mt19937_64 rng(kSeed);
  while (!stop.load(std::memory_order_relaxed)) {
    Target& t = targets[rng() % targets.size()];
    const std::size_t from = rng() % 8 == 0 ? 0 : t.first;
    const std::size_t at = from + rng() % (t.size - from);
    const auto mask = static_cast<unsigned char>(1u << (rng() % 8));
    auto* byte = reinterpret_cast<unsigned char*>(t.data + at);
    __atomic_fetch_xor(byte, mask, __ATOMIC_RELAXED);
    for (int spin = static_cast<int>(rng() % 200); spin > 0; --spin) std::this_thread::yield();
    __atomic_fetch_xor(byte, mask, __ATOMIC_RELAXED);
    ++flips;
  }
}

// What the readers saw.
struct Outcomes {
  std::atomic<std::uint64_t> records{0}, failures{0}, passes{0};
};

// Touches every byte of a record's payload, so ASan checks the whole view.
void touch(const RecordView& v) {
  volatile unsigned sum = 0;
  for (std::byte b : v.payload) sum = sum + static_cast<unsigned>(b);
}

// A failure must be one of the data errors a damaged file gives (a flipped
// version byte reads as a newer format).
void expect_data_error(const Error& e) {
  EXPECT_TRUE(e.code() == Errc::Corruption || e.code() == Errc::Unsupported) << e.to_string();
}

void drain(auto& reader, Outcomes& seen, std::size_t limit = SIZE_MAX) {
  RecordView v;
  Step step = Step::Record;
  for (std::size_t n = 0; n < limit && (step = reader.next(v)) == Step::Record; ++n) {
    touch(v);
    seen.records.fetch_add(1, std::memory_order_relaxed);
  }
  if (step == Step::Failed) {
    expect_data_error(reader.status().error());
    seen.failures.fetch_add(1, std::memory_order_relaxed);
  }
}

class HostileWriterTest : public TempDirTest {
 protected:
  // A partition of 16 KiB segments, every third sealed one compressed, its
  // writer left open so the last segment is live.
  void SetUp() override {
    TableConfig config;
    config.segment_size = 16 * 1024;
    config.index_stride = 8;
    auto scheme = PartitionScheme::create({{"symbol", KeyType::String, 0}}).value();
    auto table = Table::create(tmp_.sub("t"), scheme, config);
    ASSERT_OK(table);
    auto values = PartitionValues::create(scheme, {{"symbol", "X"}}).value();
    auto w = table->partition_writer(values);
    ASSERT_OK(w);
    for (std::uint64_t s = 0; s < kRecords; ++s) {
      ASSERT_OK(w->append(test::type_for(kSeed, s), test::timestamp_for(kSeed, s),
                          test::payload_for(kSeed, s, 300)));
    }
    writer_ = std::make_unique<PartitionWriter>(std::move(*w));
    dir_ = table->partition_dir(values).value();
    const auto segments = list_segments(dir_).value();
    for (std::size_t i = 0; i + 1 < segments.size(); i += 3) {
      ASSERT_OK(compress_segment(dir_, segments[i].id));
    }
  }

  // Runs `readers` threads of `read_once` against the flipping thread.
  void run_against_flips(int readers, const std::function<void(std::mt19937_64&)>& read_once) {
    std::vector<Target> targets = map_for_flipping(dir_);
    std::atomic<bool> stop{false};
    std::uint64_t flips = 0;
    std::thread hostile([&] { flip_until(targets, stop, flips); });
    const auto deadline = std::chrono::steady_clock::now() + kRunFor;
    std::vector<std::thread> threads;
    for (int r = 0; r < readers; ++r) {
      threads.emplace_back([&, r] {
        std::mt19937_64 rng(kSeed + static_cast<std::uint64_t>(r));
        while (std::chrono::steady_clock::now() < deadline) {
          read_once(rng);
          seen_.passes.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    for (auto& t : threads) t.join();
    stop = true;
    hostile.join();
    for (const Target& t : targets) ::munmap(t.data, t.size);
    std::printf("[ hostile  ] %llu flips; %llu passes, %llu records, %llu Corruption\n",
                static_cast<unsigned long long>(flips),
                static_cast<unsigned long long>(seen_.passes.load()),
                static_cast<unsigned long long>(seen_.records.load()),
                static_cast<unsigned long long>(seen_.failures.load()));
    EXPECT_GT(flips, 0u);
    EXPECT_GT(seen_.passes.load(), 0u);
  }

  // Every flip was undone and no reader wrote: the partition reads intact.
  void expect_intact() {
    auto reader = TimeSeriesReader::open(dir_);
    ASSERT_OK(reader);
    RecordView v;
    std::uint64_t n = 0;
    while (reader->next(v) == Step::Record) {
      const auto expected = test::payload_for(kSeed, n, 300);
      ASSERT_TRUE(std::equal(v.payload.begin(), v.payload.end(), expected.begin(), expected.end()))
          << "seq " << n;
      ++n;
    }
    EXPECT_OK(reader->status());
    EXPECT_EQ(n, kRecords);
  }

  std::string dir_;
  std::unique_ptr<PartitionWriter> writer_;
  Outcomes seen_;
};

TEST_F(HostileWriterTest, LogReadersNeverReadOutOfBounds) {
  ReaderOptions options;
  options.opener = &UnifiedSegmentOpener::instance();
  run_against_flips(2, [&](std::mt19937_64& rng) {
    auto reader = LogReader::open(dir_, options);
    if (!reader) return expect_data_error(reader.error());
    // Half the passes start at a random sequence number.
    if (rng() % 2 == 0) {
      if (Status st = reader->seek_seq(rng() % kRecords); !st) return expect_data_error(st.error());
    }
    drain(*reader, seen_);
  });
  expect_intact();
}

TEST_F(HostileWriterTest, TimeSeriesReadersNeverReadOutOfBounds) {
  run_against_flips(2, [&](std::mt19937_64& rng) {
    auto reader = TimeSeriesReader::open(dir_);
    if (!reader) return expect_data_error(reader.error());
    // Several seeks per reader, so that cached summaries and sources are
    // reused while their bytes change.
    for (int i = 0; i < 4; ++i) {
      const std::uint64_t ts = test::timestamp_for(kSeed, rng() % (kRecords + 10));
      auto found = reader->seek_timestamp(ts);
      if (!found) return expect_data_error(found.error());
      drain(*reader, seen_, 40);
      if (!reader->status()) return;
    }
  });
  expect_intact();
}

}  // namespace
}  // namespace chronicle
