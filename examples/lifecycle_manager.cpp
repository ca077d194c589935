// lifecycle_manager: keeping a table's disk use in check. The
// StorageLifecycleManager compresses the sealed segments its policy selects
// (they stay readable, through the same readers) and deletes what the
// retention rules select, while writers and readers carry on. This example
// writes four days of three symbols (SPY four times busier), then, as of an
// injected "today" (Jan 31, 06:00 UTC):
//   1. runs it once with the table's policy, age_after(2 days), two parallel
//      workers, a cap of 4 MB/s on compression, and two retention rules:
//      partitions older than 7 days go whole, and a partition keeps at most
//      2 MiB of segments; it prints the LifecycleStats as text and as JSON;
//   2. starts the background mode, backfills Jan 27 (old data, so it goes
//      cold on the next run) and stops the background mode.
//
//   lifecycle_manager [DIR]   (DIR is kept; without it a temporary directory is used)

#include <chronicle/chronicle.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "example_main.hpp"
#include "market_data.hpp"

namespace {

constexpr std::uint64_t kDayNs = chronicle::kNanosPerDay;
constexpr std::uint64_t kJan20 = 1'768'867'200'000'000'000ull;  // 2026-01-20T00:00:00Z
constexpr std::uint64_t kOpen = 14 * 3'600'000'000'000ull + 30 * 60'000'000'000ull;  // 14:30 UTC

class FixedClock final : public chronicle::Clock {
 public:
  explicit FixedClock(std::uint64_t ns) : ns_(ns) {}
  std::uint64_t now_ns() const noexcept override { return ns_; }

 private:
  std::uint64_t ns_;
};

void write_day(const chronicle::Table& table, const char* symbol, int day) {
  const auto values = chronicle::PartitionValues::create(
      table.scheme(), {{"symbol", symbol}, {"date", chronicle::make_date(2026, 1, day).value()}});
  auto writer = table.partition_writer(values.value()).value();
  chronicle::examples::MarketDataGenerator gen(day, 1, kJan20 + (day - 20) * kDayNs + kOpen);
  for (int i = 0; i < (symbol[0] == 'S' ? 40'000 : 10'000); ++i) {
    const auto msg = gen.next();
    writer.append(msg.type_id, msg.timestamp_ns, msg.payload).value();
  }
  writer.finish().value();
}

int run(const std::string& root) {
  auto scheme = chronicle::PartitionScheme::create(
      {{"symbol", chronicle::KeyType::String}, {"date", chronicle::KeyType::Date}}).value();
  chronicle::TableConfig config;
  config.segment_size = 256 * 1024;
  config.compression_policy = chronicle::CompressionPolicy::age_after(2);  // stored in _table.json
  auto table = chronicle::Table::create(root + "/md", scheme, config).value();
  for (const char* symbol : {"AAPL", "MSFT", "SPY"}) {
    for (int day : {22, 26, 28, 30}) write_day(table, symbol, day);
  }

  const FixedClock today(kJan20 + 11 * kDayNs + 6 * 3'600'000'000'000ull);
  chronicle::LifecycleConfig lc;  // no policy: the table's
  lc.parallel_workers = 2;
  lc.max_bytes_per_second = 4'000'000;
  lc.retention.delete_partitions_after_days = 7;
  lc.retention.max_partition_bytes = 2 << 20;
  lc.clock = &today;
  auto manager = chronicle::StorageLifecycleManager::open(table.root(), lc).value();
  const auto stats = manager.run_once().value();
  std::printf("1. run_once with %s:\n%s\n%s\n\n", manager.policy().to_string().c_str(), stats.to_string().c_str(),
              stats.to_json().c_str());
  const auto partitions = table.partitions().value();
  for (const auto& p : partitions) {
    std::printf("   %-30s %2llu hot %2llu cold %9llu bytes\n", p.path.c_str(),
                static_cast<unsigned long long>(p.hot_segments), static_cast<unsigned long long>(p.cold_segments),
                static_cast<unsigned long long>(p.bytes_on_disk));
  }

  // 2. Background mode: run_once every 50 ms; the callback runs on the
  // manager's thread, so it only touches atomics.
  std::atomic<std::uint64_t> runs{0}, compressed{0};
  manager.start_background(std::chrono::milliseconds(50), [&](const chronicle::Result<chronicle::LifecycleStats>& r) {
    ++runs;
    if (r) compressed += r->compressed;
  }).value();
  for (const char* symbol : {"AAPL", "MSFT", "SPY"}) write_day(table, symbol, 27);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (compressed.load() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  manager.stop_background();
  std::printf("\n2. background: %llu runs compressed %llu segments of the Jan 27 backfill, then stopped\n",
              static_cast<unsigned long long>(runs.load()), static_cast<unsigned long long>(compressed.load()));

  return stats.errors.empty() && stats.deleted_partitions == 3 && stats.deleted_segments > 0 &&
                 stats.compressed > 0 && partitions.size() == 9 && compressed.load() >= 3
             ? 0
             : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return chronicle::examples::example_main("lifecycle_manager", argc, argv, run);
}
