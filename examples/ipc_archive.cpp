// ipc_archive: recording IPC streams and reading them back merged. An
// ipc::Archive is the writer of one stream, named by venue, symbol, date and
// stream; all streams under one root share one table. An ipc::ArchiveReader
// selects streams (a symbol of a venue over a range of dates, some or all of
// its streams) and merges them by timestamp within a time range. This example
//   1. records quotes and trades of two symbols on two venues over two days
//      (16 streams, one hour of each day), finishing each stream;
//   2. reads XNAS AAPL, both streams and both days, over a range made of the
//      last minute of the first day and the first minute of the second, and
//      checks the merge against what was written.
//
//   ipc_archive [DIR]   (DIR is kept; without it a temporary directory is used)

#include <chronicle/chronicle.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "example_main.hpp"
#include "market_data.hpp"

namespace {

using chronicle::examples::MarketDataGenerator;
constexpr std::uint64_t kMinuteNs = 60'000'000'000ull;
constexpr std::uint64_t kJan29Open = 1'769'644'800'000'000'000ull + 870 * kMinuteNs;  // 2026-01-29T14:30Z
constexpr std::uint64_t kDayNs = 1440 * kMinuteNs;

int run(const std::string& root) {
  const chronicle::TimeRange range{kJan29Open + 59 * kMinuteNs, kJan29Open + kDayNs + kMinuteNs};
  std::map<std::string, std::uint64_t> expected;  // records of XNAS AAPL in range, per stream
  std::uint64_t written = 0;
  // The archive defaults (idle_after(7 days, track_reads), access tracking)
  // with 1 MiB segments instead of 64 MiB: this example records little.
  chronicle::TableConfig config = chronicle::ipc::default_archive_config();
  config.segment_size = 1 << 20;
  for (const char* venue : {"XNAS", "ARCX"}) {
    for (const char* symbol : {"AAPL", "MSFT"}) {
      for (int day = 0; day < 2; ++day) {
        for (const char* stream : {"quotes", "trades"}) {
          const chronicle::ipc::StreamId id{venue, symbol, day == 0 ? "2026-01-29" : "2026-01-30", stream};
          auto archive = chronicle::ipc::Archive::open(root + "/archive", id, config).value();
          const bool quotes = stream[0] == 'q';
          const std::uint64_t open = kJan29Open + day * kDayNs;
          MarketDataGenerator gen(written, 1, open, quotes ? MarketDataGenerator::Kinds::QuotesOnly
                                                          : MarketDataGenerator::Kinds::TradesOnly,
                                  quotes ? 250'000'000 : 500'000'000);  // mean gaps: 250 ms, 500 ms
          for (auto msg = gen.next(); msg.timestamp_ns < open + 60 * kMinuteNs; msg = gen.next()) {
            archive.append(msg.type_id, msg.timestamp_ns, msg.payload).value();
            const bool in_range = msg.timestamp_ns >= *range.from_ns && msg.timestamp_ns < *range.to_ns;
            if (id.venue == "XNAS" && id.symbol == "AAPL" && in_range) ++expected[id.date + " " + stream];
            ++written;
          }
          archive.finish().value();  // seals the stream's last segment
        }
      }
    }
  }
  std::printf("1. recorded %llu messages in 16 streams under %s/archive\n", static_cast<unsigned long long>(written),
              root.c_str());

  chronicle::ipc::ArchiveQuery query;
  query.venue = "XNAS";
  query.symbol = "AAPL";
  query.from_date = "2026-01-29";
  query.to_date = "2026-01-30";
  query.streams = {"quotes", "trades"};  // empty would mean every stream
  query.range = range;
  auto reader = chronicle::ipc::ArchiveReader::open(root + "/archive", query).value();
  std::printf("\n2. XNAS AAPL, 15:29 to 15:30 on Jan 29 and 14:30 to 14:31 on Jan 30, from %zu streams:\n",
              reader.streams().size());
  std::map<std::string, std::uint64_t> got;
  std::uint64_t rows = 0, last_ts = 0;
  bool ordered = true;
  chronicle::ipc::ArchiveRecord rec;
  chronicle::Step step;
  while ((step = reader.next(rec)) == chronicle::Step::Record) {
    ordered = ordered && rec.record.timestamp_ns >= last_ts;
    last_ts = rec.record.timestamp_ns;
    ++got[rec.stream->date + " " + rec.stream->stream];
    if (rows++ < 6) {
      const auto ms = static_cast<unsigned>(rec.record.timestamp_ns % kDayNs / 1'000'000);
      std::printf("   %s %02u:%02u:%02u.%03u %-6s seq %-5llu %zu bytes\n", rec.stream->date.c_str(), ms / 3'600'000,
                  ms / 60'000 % 60, ms / 1000 % 60, ms % 1000,
                  rec.stream->stream.c_str(),
                  static_cast<unsigned long long>(rec.record.seq), rec.record.payload.size());
    }
  }
  if (step == chronicle::Step::Failed) reader.status().value();
  std::printf("   ...\n");
  for (const auto& [stream, n] : got) {
    std::printf("   %-18s %5llu records (written in range: %llu)\n", stream.c_str(), static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(expected[stream]));
  }
  std::printf("   %llu rows, merged in timestamp order: %s\n", static_cast<unsigned long long>(rows),
              ordered ? "yes" : "NO");
  return got == expected && got.size() == 4 && ordered ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return chronicle::examples::example_main("ipc_archive", argc, argv, run);
}
