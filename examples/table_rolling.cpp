// table_rolling: letting each record's timestamp pick its partition. A
// RollingWriter writes one partition at a time; a PartitionRoller maps each
// timestamp to the value of one key (the date, the hour, or anything a
// CustomRoller computes), and the writer seals the current partition and
// moves on when that value changes. This example
//   1. records three days of quotes and trades with a DateRoller, printing
//      each roll from the callback and the writer's stats;
//   2. shows that with validate_partition_order (the default) a record for
//      an earlier day is refused, naming both partitions;
//   3. rolls by hour on a table that allows going back: a late record is
//      appended to its own, earlier hour.
//
//   table_rolling [DIR]   (DIR is kept; without it a temporary directory is used)

#include <chronicle/chronicle.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "example_main.hpp"
#include "market_data.hpp"

namespace {

constexpr std::uint64_t kJan28 = 1'769'558'400'000'000'000ull;  // 2026-01-28T00:00:00Z
constexpr std::uint64_t kHourNs = 3'600'000'000'000ull;

int run(const std::string& root) {
  using chronicle::KeyType;
  auto scheme = chronicle::PartitionScheme::create({{"venue", KeyType::String}, {"date", KeyType::Date}}).value();
  chronicle::TableConfig config;
  config.segment_size = 256 * 1024;  // the default, 64 MiB, is for real feeds
  auto daily = chronicle::Table::create(root + "/daily", scheme, config).value();
  // The base values fix every key; the roller's key ("date") gets its value
  // from each record, so any date will do here.
  auto base = chronicle::PartitionValues::create(scheme, {{"venue", "XNAS"}, {"date", chronicle::Date{0}}}).value();
  auto on_roll = [&](const chronicle::PartitionValues* from, const chronicle::PartitionValues& to) {
    std::printf("  roll %s -> %s\n", from ? from->to_string(scheme).c_str() : "(start)", to.to_string(scheme).c_str());
  };
  auto writer = daily.rolling_writer(std::make_unique<chronicle::DateRoller>("date"), base, on_roll).value();
  chronicle::examples::MarketDataGenerator gen(7, 4, kJan28, chronicle::examples::MarketDataGenerator::Kinds::Mixed,
                                               20'000'000'000ull);  // one message every ~20 s
  std::printf("1. three days through a DateRoller:\n");
  for (auto msg = gen.next(); msg.timestamp_ns < kJan28 + 72 * kHourNs; msg = gen.next()) {
    writer.append(msg.type_id, msg.timestamp_ns, msg.payload).value();
  }
  const auto& stats = writer.stats();
  std::printf("  %llu records, %llu partitions, %llu rolls\n", static_cast<unsigned long long>(stats.records),
              static_cast<unsigned long long>(stats.partitions_written),
              static_cast<unsigned long long>(stats.rolls));

  // 2. Going back a day would reopen a sealed partition: refused.
  auto late = writer.append(1, kJan28 + 12 * kHourNs, {});
  std::printf("\n2. a record for Jan 28 after Jan 30: %s\n",
              late ? "accepted?!" : late.error().to_string().c_str());
  writer.finish().value();

  // 3. By hour, with validate_partition_order off: the late record goes back
  // to its hour, after that partition's last record.
  auto hourly_scheme = chronicle::PartitionScheme::create({{"hour", KeyType::Hour}}).value();
  config.validate_partition_order = false;
  auto hourly = chronicle::Table::create(root + "/hourly", hourly_scheme, config).value();
  auto by_hour = hourly.rolling_writer(std::make_unique<chronicle::HourRoller>("hour"),
                                       chronicle::PartitionValues::create(hourly_scheme, {{"hour", chronicle::Hour{0}}}).value())
                     .value();
  for (std::uint64_t minute = 0; minute < 180; minute += 10) {
    by_hour.append(1, kJan28 + minute * 60'000'000'000ull, {}).value();
  }
  by_hour.append(1, kJan28 + 59 * 60'000'000'000ull, {}).value();  // late, for hour 00
  by_hour.finish().value();
  std::printf("\n3. by hour, one late record: %llu rolls\n", static_cast<unsigned long long>(by_hour.stats().rolls));
  std::uint64_t first_hour = 0;
  const auto partitions = hourly.partitions().value();  // a value: the Result is a temporary
  for (const auto& p : partitions) {
    std::printf("  %-20s %llu records\n", p.path.c_str(), static_cast<unsigned long long>(p.record_count));
    if (first_hour == 0) first_hour = p.record_count;
  }
  return stats.partitions_written == 3 && stats.rolls == 2 && !late &&
                 late.error().code() == chronicle::Errc::InvalidArgument && first_hour == 7
             ? 0
             : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return chronicle::examples::example_main("table_rolling", argc, argv, run);
}
