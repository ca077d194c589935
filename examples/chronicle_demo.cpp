// The demo the README's first command runs. It tells chronicle's whole story
// on three days of synthetic market data:
//   1. record quotes and trades of 3 venues x 4 symbols through ipc::Archive;
//   2. run the lifecycle manager with AgeAfter{1 day} as if "today" were the
//      morning after the third day, so the two older days go cold;
//   3. list the partitions: hot and cold segments, bytes, compression ratio;
//   4. query one symbol across its streams over 5 minutes around midnight,
//      half in cold data and half in hot, merged by timestamp;
//   5. read every record back and check it against what was written.
//
//   chronicle_demo [--keep DIR] [--messages N]   (N per stream and day)

#include <chronicle/chronicle.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "market_data.hpp"

namespace {

using chronicle::examples::MarketDataGenerator;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kDayNs = 86'400'000'000'000ull;
constexpr std::uint64_t kDay1 = 1'769'558'400'000'000'000ull;  // 2026-01-28T00:00:00Z
const std::vector<std::string> kDates = {"2026-01-28", "2026-01-29", "2026-01-30"};
const std::vector<std::string> kVenues = {"XNAS", "XNYS", "ARCX"};
const std::vector<std::string> kSymbols = {"AAPL", "MSFT", "NVDA", "SPY"};
const std::vector<std::string> kStreams = {"quotes", "trades"};

// "Today" for the lifecycle: the morning after the third day.
class FixedClock final : public chronicle::Clock {
 public:
  explicit FixedClock(std::uint64_t ns) : ns_(ns) {}
  std::uint64_t now_ns() const noexcept override { return ns_; }

 private:
  std::uint64_t ns_;
};

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string iso_time(std::uint64_t ns) {
  const std::time_t s = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  ::gmtime_r(&s, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return std::string(buf) + "." + std::to_string(1'000'000'000 + ns % 1'000'000'000).substr(1) + "Z";
}

std::string mb(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

// An order-independent digest of every record: written and read must agree.
std::uint64_t record_digest(const std::string& stream, std::uint64_t seq, std::uint64_t ts,
                            std::uint16_t type, std::span<const std::byte> payload) {
  std::uint64_t h = chronicle::xxh64(payload.data(), payload.size());
  h ^= chronicle::xxh64(stream.data(), stream.size()) * 31 + seq * 0x9e3779b97f4a7c15ull + ts * 7 + type;
  return chronicle::xxh64(&h, sizeof h);
}

std::string stream_key(const chronicle::ipc::StreamId& s) {
  return s.venue + "/" + s.symbol + "/" + s.date + "/" + s.stream;
}

std::string describe(const chronicle::RecordView& r) {
  char buf[128];
  if (r.type_id == chronicle::examples::kQuote && r.payload.size() == sizeof(chronicle::examples::Quote)) {
    chronicle::examples::Quote q;
    std::memcpy(&q, r.payload.data(), sizeof q);
    std::snprintf(buf, sizeof buf, "quote %6u @ %9.4f / %9.4f @ %-6u", q.bid_size, q.bid_price / 1e4,
                  q.ask_price / 1e4, q.ask_size);
  } else if (r.payload.size() == sizeof(chronicle::examples::Trade)) {
    chronicle::examples::Trade t;
    std::memcpy(&t, r.payload.data(), sizeof t);
    std::snprintf(buf, sizeof buf, "trade %6u @ %9.4f (%s)", t.size, t.price / 1e4,
                  t.aggressor_side ? "buy" : "sell");
  } else {
    std::snprintf(buf, sizeof buf, "%zu bytes", r.payload.size());
  }
  return buf;
}

int fail(const chronicle::Error& e) {
  std::fprintf(stderr, "chronicle_demo: %s\n", e.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string keep;
  std::uint64_t per_stream_day = 20'000;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--keep") && i + 1 < argc) {
      keep = argv[++i];
    } else if (!std::strcmp(argv[i], "--messages") && i + 1 < argc) {
      per_stream_day = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: chronicle_demo [--keep DIR] [--messages N]\n");
      return 2;
    }
  }
  if (per_stream_day == 0) per_stream_day = 1;
  std::string root;
  if (keep.empty()) {
    root = (std::filesystem::temp_directory_path() / "chronicle-demo-XXXXXX").string();
    if (::mkdtemp(root.data()) == nullptr) return 1;
  } else {
    root = keep;
    std::filesystem::create_directories(root);
  }
  const std::string table_root = root + "/archive";
  std::printf("chronicle %s demo: three days of market data in %s\n\n", CHRONICLE_VERSION_STRING,
              table_root.c_str());

  // 1. Record.
  chronicle::TableConfig config = chronicle::ipc::default_archive_config();
  config.segment_size = 1 << 20;
  std::uint64_t messages = 0, payload_bytes = 0, written_digest = 0;
  auto t0 = Clock::now();
  for (std::size_t d = 0; d < kDates.size(); ++d) {
    for (const auto& venue : kVenues) {
      for (const auto& symbol : kSymbols) {
        for (const auto& stream : kStreams) {
          const chronicle::ipc::StreamId id{venue, symbol, kDates[d], stream};
          auto archive = chronicle::ipc::Archive::open(table_root, id, config);
          if (!archive) return fail(archive.error());
          MarketDataGenerator gen(std::hash<std::string>{}(stream_key(id)), 1, kDay1 + d * kDayNs,
                                  stream == "quotes" ? MarketDataGenerator::Kinds::QuotesOnly
                                                     : MarketDataGenerator::Kinds::TradesOnly,
                                  kDayNs / per_stream_day / 2);
          for (;;) {
            const auto msg = gen.next();
            if (msg.timestamp_ns >= kDay1 + (d + 1) * kDayNs) break;
            auto seq = archive->append(msg.type_id, msg.timestamp_ns, msg.payload);
            if (!seq) return fail(seq.error());
            written_digest += record_digest(stream_key(id), *seq, msg.timestamp_ns, msg.type_id, msg.payload);
            payload_bytes += msg.payload.size();
            ++messages;
          }
          if (auto st = archive->finish(); !st) return fail(st.error());
        }
      }
    }
  }
  const double write_s = since(t0);
  std::printf("1. recorded %llu messages (%s of payload) into %zu streams in %.2f s: %.2f M msgs/s\n",
              static_cast<unsigned long long>(messages), mb(payload_bytes).c_str(),
              kDates.size() * kVenues.size() * kSymbols.size() * kStreams.size(), write_s,
              messages / write_s / 1e6);

  // 2. Lifecycle: AgeAfter{1 day} on the morning after the third day.
  FixedClock today(kDay1 + 3 * kDayNs);
  chronicle::LifecycleConfig lc;
  lc.policy = chronicle::CompressionPolicy::age_after(1);
  lc.parallel_workers = 2;
  lc.clock = &today;
  auto manager = chronicle::StorageLifecycleManager::open(table_root, lc);
  if (!manager) return fail(manager.error());
  auto stats = manager->run_once();
  if (!stats) return fail(stats.error());
  std::printf("\n2. lifecycle %s as of %s: compressed %llu of %llu segments, %s -> %s (%.1fx) in %.2f s\n",
              manager->policy().to_string().c_str(), iso_time(today.now_ns()).c_str(),
              static_cast<unsigned long long>(stats->compressed),
              static_cast<unsigned long long>(stats->segments_scanned), mb(stats->bytes_before).c_str(),
              mb(stats->bytes_after).c_str(),
              stats->bytes_after ? static_cast<double>(stats->bytes_before) / static_cast<double>(stats->bytes_after) : 0.0,
              std::chrono::duration<double>(stats->duration).count());
  for (const auto& e : stats->errors) std::printf("   error: %s: %s\n", e.path.c_str(), e.message.c_str());

  // 3. What is on disk, per day and for one symbol.
  const auto& table = manager->table();
  auto partitions = table.partitions();
  if (!partitions) return fail(partitions.error());
  struct Totals {
    std::uint64_t partitions = 0, hot = 0, cold = 0, bytes = 0, records = 0;
  };
  std::map<std::string, Totals> by_date;
  for (const auto& p : *partitions) {
    Totals& t = by_date[p.values[2].to_string()];
    ++t.partitions;
    t.hot += p.hot_segments;
    t.cold += p.cold_segments;
    t.bytes += p.bytes_on_disk;
    t.records += p.record_count;
  }
  std::printf("\n3. ls %s\n   %-10s %10s %5s %5s %12s %10s\n", table_root.c_str(), "date", "partitions",
              "hot", "cold", "on disk", "records");
  for (const auto& [date, t] : by_date) {
    std::printf("   %-10s %10llu %5llu %5llu %12s %10llu\n", date.c_str(),
                static_cast<unsigned long long>(t.partitions), static_cast<unsigned long long>(t.hot),
                static_cast<unsigned long long>(t.cold), mb(t.bytes).c_str(),
                static_cast<unsigned long long>(t.records));
  }
  std::printf("   (hot segments are preallocated %s files; cold ones hold only their data)\n",
              mb(config.segment_size).c_str());
  for (const auto& p : *partitions) {
    if (p.values[0].as_string() != "XNAS" || p.values[1].as_string() != "AAPL") continue;
    std::printf("   %-52s %s\n", p.path.c_str(),
                p.cold_segments ? (std::to_string(p.cold_segments) + " cold").c_str()
                                : (std::to_string(p.hot_segments) + " hot").c_str());
  }

  // 4. Five minutes around midnight: half cold (day 2), half hot (day 3).
  const std::uint64_t midnight = kDay1 + 2 * kDayNs;
  chronicle::ipc::ArchiveQuery q{"XNAS", "AAPL"};
  q.range = {midnight - 150'000'000'000ull, midnight + 150'000'000'000ull};
  t0 = Clock::now();
  auto reader = chronicle::ipc::ArchiveReader::open(table_root, q);
  if (!reader) return fail(reader.error());
  chronicle::ipc::ArchiveRecord rec;
  std::uint64_t rows = 0, from_cold_day = 0;
  std::printf("\n4. XNAS AAPL, all streams, %s to %s, merged by timestamp:\n",
              iso_time(*q.range.from_ns).c_str(), iso_time(*q.range.to_ns).c_str());
  chronicle::Step step;
  while ((step = reader->next(rec)) == chronicle::Step::Record) {
    if (rows < 6 || (rec.stream->date == kDates[2] && rows < 1'000'000 && from_cold_day == rows)) {
      std::printf("   %s  %-6s seq %-6llu %s\n", iso_time(rec.record.timestamp_ns).c_str(),
                  rec.stream->stream.c_str(), static_cast<unsigned long long>(rec.record.seq),
                  describe(rec.record).c_str());
    }
    from_cold_day += rec.stream->date == kDates[1];
    ++rows;
  }
  if (step == chronicle::Step::Failed) return fail(reader->status().error());
  std::printf("   ... %llu rows in %.1f ms: %llu from the cold day %s, %llu from the hot day %s\n",
              static_cast<unsigned long long>(rows), since(t0) * 1e3,
              static_cast<unsigned long long>(from_cold_day), kDates[1].c_str(),
              static_cast<unsigned long long>(rows - from_cold_day), kDates[2].c_str());

  // 5. Every record, read back through both tiers and checked.
  t0 = Clock::now();
  auto all = table.query(chronicle::PartitionFilter::all(), {}, chronicle::MergeStrategy::PartitionOrder);
  if (!all) return fail(all.error());
  chronicle::TableRecord tr;
  std::uint64_t read = 0, read_digest = 0;
  while ((step = all->next(tr)) == chronicle::Step::Record) {
    const auto& v = all->partitions()[tr.partition].values;
    const chronicle::ipc::StreamId id{v[0].as_string(), v[1].as_string(), v[2].to_string(), v[3].as_string()};
    read_digest += record_digest(stream_key(id), tr.record.seq, tr.record.timestamp_ns, tr.record.type_id,
                                 tr.record.payload);
    ++read;
  }
  if (step == chronicle::Step::Failed) return fail(all->status().error());
  const double read_s = since(t0);
  const bool ok = read == messages && read_digest == written_digest;
  std::printf("\n5. read back %llu records (every checksum verified) in %.2f s: %.2f M msgs/s; %s\n",
              static_cast<unsigned long long>(read), read_s, read / read_s / 1e6,
              ok ? "every record matches what was written" : "MISMATCH");

  std::printf("\nsummary: write %.2f M msgs/s, cold ratio %.1fx, full read %.2f M msgs/s over hot and cold\n",
              messages / write_s / 1e6,
              stats->bytes_after ? static_cast<double>(stats->bytes_before) / static_cast<double>(stats->bytes_after) : 0.0,
              read / read_s / 1e6);
  if (keep.empty()) {
    std::filesystem::remove_all(root);
  } else {
    std::printf("data kept in %s (try: chronicle ls %s)\n", root.c_str(), table_root.c_str());
  }
  return ok ? 0 : 1;
}
