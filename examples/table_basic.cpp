// table_basic: the smallest useful Table. A table is a directory holding its
// partition scheme and config (_table.json) and one log per partition, in
// Hive-style directories such as `symbol=AAPL/date=2026-01-29/`. This example
//   1. creates a table partitioned by symbol and date,
//   2. writes four partitions with a PartitionWriter each,
//   3. lists the partitions with their statistics,
//   4. reads one partition back and checks what it holds.
//
//   table_basic [DIR]   (DIR is kept; without it a temporary directory is used)

#include <chronicle/chronicle.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "example_main.hpp"
#include "market_data.hpp"

namespace {

constexpr std::uint64_t kDayNs = 86'400'000'000'000ull;
constexpr std::uint64_t kJan29 = 1'769'644'800'000'000'000ull;  // 2026-01-29T00:00:00Z
constexpr std::uint64_t kOpen = 9 * 3'600'000'000'000ull + 30 * 60'000'000'000ull;  // 09:30
constexpr int kRecords = 5000;  // per partition

int run(const std::string& root) {
  // The scheme fixes the keys, their types and their order on disk. Values
  // are typed: dates compare as dates, not as text.
  auto scheme = chronicle::PartitionScheme::create(
      {{"symbol", chronicle::KeyType::String}, {"date", chronicle::KeyType::Date}}).value();
  chronicle::TableConfig config;
  config.segment_size = 256 * 1024;  // small segments, so a partition spans several
  auto table = chronicle::Table::create(root + "/quotes", scheme, config).value();

  // One PartitionWriter per partition; finish() seals its last segment.
  // Errors are values; value() throws BadResultAccess on one (caught in main).
  for (const char* symbol : {"AAPL", "MSFT"}) {
    for (std::uint64_t day = 0; day < 2; ++day) {
      const auto date = chronicle::make_date(2026, 1, 29 + static_cast<int>(day)).value();
      auto values = chronicle::PartitionValues::create(scheme, {{"symbol", symbol}, {"date", date}});
      auto writer = table.partition_writer(values.value()).value();
      chronicle::examples::MarketDataGenerator gen(day * 7 + symbol[0], 1, kJan29 + day * kDayNs + kOpen);
      for (int i = 0; i < kRecords; ++i) {
        const auto msg = gen.next();
        writer.append(msg.type_id, msg.timestamp_ns, msg.payload).value();
      }
      writer.finish().value();
      std::printf("wrote %d records to %s\n", kRecords, writer.path().c_str());
    }
  }

  // Listing reads only segment headers and index files, never the records.
  const auto partitions = table.partitions().value();
  std::printf("\n%-30s %8s %4s %9s %10s\n", "partition", "segments", "hot", "records", "bytes");
  for (const auto& p : partitions) {
    std::printf("%-30s %8llu %4llu %9llu %10llu\n", p.path.c_str(),
                static_cast<unsigned long long>(p.segment_count),
                static_cast<unsigned long long>(p.hot_segments),
                static_cast<unsigned long long>(p.record_count),
                static_cast<unsigned long long>(p.bytes_on_disk));
  }

  // Read one partition back: sequence numbers start at 0 and have no gap,
  // timestamps never go backwards (TimestampOrder::Strict, the default).
  const auto& msft = partitions.back().values;
  auto reader = table.reader(msft).value();
  chronicle::RecordView rec;
  std::uint64_t count = 0, last_ts = 0, trades = 0;
  bool ordered = true;
  chronicle::Step step;
  while ((step = reader.next(rec)) == chronicle::Step::Record) {
    ordered = ordered && rec.seq == count && rec.timestamp_ns >= last_ts;
    trades += rec.type_id == chronicle::examples::kTrade;
    last_ts = rec.timestamp_ns;
    ++count;
  }
  if (step == chronicle::Step::Failed) reader.status().value();  // throws with the reason
  std::printf("\nread %s: %llu records (%llu trades), seq 0..%llu, ordered: %s\n",
              msft.to_string(scheme).c_str(), static_cast<unsigned long long>(count),
              static_cast<unsigned long long>(trades), static_cast<unsigned long long>(count - 1),
              ordered ? "yes" : "NO");
  return partitions.size() == 4 && count == kRecords && ordered ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return chronicle::examples::example_main("table_basic", argc, argv, run);
}
