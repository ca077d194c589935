// table_query: selecting partitions with typed filters and merging their
// records by timestamp. The table holds 3 venues x 3 symbols x 3 dates with
// ten records per partition at the same times of day, so every timestamp is
// a tie between partitions. The example counts what each kind of filter
// selects (exact, in, a range on the date key, and/or/not), then queries a
// combined filter over a time range across midnight, merged by timestamp:
// ties are broken by partition order, then by sequence number, so the merge
// is the same on every run.
//
//   table_query [DIR]   (DIR is kept; without it a temporary directory is used)

#include <chronicle/chronicle.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <utility>

#include "example_main.hpp"

namespace {

using chronicle::PartitionFilter;
constexpr std::uint64_t kJan27 = 1'769'472'000'000'000'000ull;  // 2026-01-27T00:00:00Z
constexpr std::uint64_t kDayNs = 86'400'000'000'000ull;
constexpr std::uint64_t kAt1430 = 14 * 3'600'000'000'000ull + 30 * 60'000'000'000ull;
constexpr std::uint64_t kStepNs = 100'000'000;  // 100 ms between records

chronicle::PartitionValue date(int day) { return chronicle::make_date(2026, 1, day).value(); }

// "Jan 28 14:30:00.900" (UTC).
std::string when(std::uint64_t ns) {
  const auto ms = static_cast<unsigned>((ns - kJan27) / 1'000'000 % 86'400'000);
  char buf[64];
  std::snprintf(buf, sizeof buf, "Jan %u %02u:%02u:%02u.%03u", static_cast<unsigned>(27 + (ns - kJan27) / kDayNs),
                ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60, ms % 1000);
  return buf;
}

int run(const std::string& root) {
  auto scheme = chronicle::PartitionScheme::create({{"venue", chronicle::KeyType::String},
                                                    {"symbol", chronicle::KeyType::String},
                                                    {"date", chronicle::KeyType::Date}}).value();
  chronicle::TableConfig config;
  config.segment_size = 64 * 1024;  // the default, 64 MiB, is for real feeds
  auto table = chronicle::Table::create(root + "/trades", scheme, config).value();
  for (const char* venue : {"ARCX", "XNAS", "XNYS"}) {
    for (const char* symbol : {"AAPL", "MSFT", "SPY"}) {
      for (int d = 0; d < 3; ++d) {
        auto values = chronicle::PartitionValues::create(
            scheme, {{"venue", venue}, {"symbol", symbol}, {"date", date(27 + d)}});
        auto writer = table.partition_writer(values.value()).value();
        for (std::uint64_t k = 0; k < 10; ++k) {
          const std::string text = std::string(venue) + " " + symbol + " #" + std::to_string(k);
          writer.append(1, kJan27 + d * kDayNs + kAt1430 + k * kStepNs, std::as_bytes(std::span(text))).value();
        }
        writer.finish().value();
      }
    }
  }

  // Filters compare typed values: dates as dates, ints as numbers. Listing
  // without stats reads directory names only.
  chronicle::ListOptions names_only;
  names_only.stats = false;
  const auto combined = PartitionFilter::and_(
      {PartitionFilter::in("symbol", {"AAPL", "MSFT"}), PartitionFilter::range("date", date(28), date(29)),
       PartitionFilter::not_(PartitionFilter::exact("venue", "ARCX"))});
  const std::pair<PartitionFilter, std::size_t> filters[] = {
      {PartitionFilter::exact("symbol", "AAPL"), 9},
      {PartitionFilter::in("venue", {"XNAS", "BATS"}), 9},
      {PartitionFilter::range("date", date(28), std::nullopt), 18},
      {PartitionFilter::or_({PartitionFilter::exact("symbol", "SPY"), PartitionFilter::exact("date", date(27))}), 15},
      {combined, 8}};
  bool counts_ok = true;
  for (const auto& [filter, expected] : filters) {
    const auto matched = table.partitions(filter, names_only).value();
    std::printf("%2zu of 27 partitions: %s\n", matched.size(), filter.to_string().c_str());
    counts_ok = counts_ok && matched.size() == expected;
  }
  // A value of the wrong type for its key is refused, not compared as text.
  auto bad = table.query(PartitionFilter::exact("date", "2026-01-28"));
  std::printf("a string for the date key: %s\n", bad ? "accepted?!" : bad.error().to_string().c_str());

  // The last record of Jan 28 and the first of Jan 29, in 4 partitions each.
  const chronicle::TimeRange range{kJan27 + kDayNs + kAt1430 + 9 * kStepNs,
                                   kJan27 + 2 * kDayNs + kAt1430 + kStepNs};
  auto reader = table.query(combined, range, chronicle::MergeStrategy::TimestampOrder).value();
  std::printf("\nmerged by timestamp, [%s, %s):\n", when(*range.from_ns).c_str(), when(*range.to_ns).c_str());
  chronicle::TableRecord rec;
  std::tuple<std::uint64_t, std::size_t, std::uint64_t> last{0, 0, 0};
  int rows = 0, in_order = true;
  chronicle::Step step;
  while ((step = reader.next(rec)) == chronicle::Step::Record) {
    const auto key = std::make_tuple(rec.record.timestamp_ns, rec.partition, rec.record.seq);
    in_order = in_order && (rows == 0 || last < key);
    last = key;
    ++rows;
    std::printf("  %s  partition %zu %-36s seq %llu  \"%.*s\"\n", when(rec.record.timestamp_ns).c_str(),
                rec.partition, reader.partitions()[rec.partition].path.c_str(),
                static_cast<unsigned long long>(rec.record.seq), static_cast<int>(rec.record.payload.size()),
                reinterpret_cast<const char*>(rec.record.payload.data()));
  }
  if (step == chronicle::Step::Failed) reader.status().value();
  std::printf("%d rows; order (timestamp, partition, seq) strictly increasing: %s\n", rows,
              in_order ? "yes" : "NO");
  return counts_ok && !bad && rows == 8 && in_order ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return chronicle::examples::example_main("table_query", argc, argv, run);
}
