// The demo run by the README's first command: record 1,000,000 market-data
// messages into a log in a temporary directory, read them all back verifying
// every checksum, and print what it cost.
//
//   chronicle_demo [--records N] [--keep DIR]

#include <chronicle/chronicle.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "market_data.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::uint64_t bytes_used(const std::string& dir) {
  // Bytes of records actually written: the seal block's end_of_data of each
  // segment (the files themselves are preallocated).
  std::uint64_t total = 0;
  const auto segments = chronicle::list_segments(dir).value();
  for (const auto& entry : segments) {
    auto seg = chronicle::HotSegment::open(chronicle::FileSystem::system(),
                                           chronicle::segment_path(dir, entry.id), entry.id)
                   .value();
    const auto h = seg->header();
    total += (chronicle::is_sealed(h) ? h.end_of_data : seg->size()) - chronicle::kSegmentHeaderSize;
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t records = 1'000'000;
  std::string keep;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--records") && i + 1 < argc) {
      records = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--keep") && i + 1 < argc) {
      keep = argv[++i];
    } else {
      std::fprintf(stderr, "usage: chronicle_demo [--records N] [--keep DIR]\n");
      return 2;
    }
  }
  const std::string root =
      keep.empty() ? (std::filesystem::temp_directory_path() / "chronicle-demo-XXXXXX").string()
                   : keep;
  std::string dir = root;
  if (keep.empty()) {
    if (::mkdtemp(dir.data()) == nullptr) return 1;
  } else {
    std::filesystem::create_directories(dir);
  }
  const std::string log = dir + "/marketdata";
  std::printf("chronicle %s demo: %llu market-data messages into %s\n", CHRONICLE_VERSION_STRING,
              static_cast<unsigned long long>(records), log.c_str());

  chronicle::examples::MarketDataGenerator gen;
  auto writer = chronicle::SegmentWriter::open(log).value();
  std::uint64_t payload_bytes = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < records; ++i) {
    const auto msg = gen.next();
    writer.append(msg.type_id, msg.timestamp_ns, msg.payload).value();
    payload_bytes += msg.payload.size();
  }
  const double write_s = seconds_since(t0);
  writer.close().value();

  auto reader = chronicle::LogReader::open(log).value();
  chronicle::RecordView view;
  std::uint64_t read = 0, quotes = 0, trades = 0, last_ts = 0;
  bool ordered = true;
  t0 = std::chrono::steady_clock::now();
  chronicle::Step step;
  while ((step = reader.next(view)) == chronicle::Step::Record) {
    ordered &= view.seq == read && view.timestamp_ns >= last_ts;
    last_ts = view.timestamp_ns;
    quotes += view.type_id == chronicle::examples::kQuote;
    trades += view.type_id == chronicle::examples::kTrade;
    ++read;
  }
  const double read_s = seconds_since(t0);
  if (step == chronicle::Step::Failed) {
    std::fprintf(stderr, "read failed: %s\n", reader.status().error().to_string().c_str());
    return 1;
  }
  const std::uint64_t used = bytes_used(log);
  std::printf("  wrote  %llu records in %.3f s: %.2f M records/s\n",
              static_cast<unsigned long long>(records), write_s, records / write_s / 1e6);
  std::printf("  read   %llu records (%llu quotes, %llu trades) in %.3f s: %.2f M records/s, "
              "every checksum verified\n",
              static_cast<unsigned long long>(read), static_cast<unsigned long long>(quotes),
              static_cast<unsigned long long>(trades), read_s, read / read_s / 1e6);
  std::printf("  size   %.1f bytes/record on disk (%.1f payload + %.1f framing)\n",
              static_cast<double>(used) / records, static_cast<double>(payload_bytes) / records,
              static_cast<double>(used - payload_bytes) / records);
  const bool ok = read == records && ordered;
  std::printf("  %s\n", ok ? "OK: every record read back in order" : "MISMATCH");
  if (keep.empty()) std::filesystem::remove_all(dir);
  return ok ? 0 : 1;
}
