// The cold-path workload of the short-write test (RELIABILITY C2), as a
// program of its own so that it can run under the LD_PRELOAD shim while the
// test itself does not: `cold_paths_run <dir>` creates a table, writes a log
// of a few segments with their indexes, compresses two segments, restores one
// and flushes an access tracker twice, all with a fixed clock, so that two
// runs write the same bytes. Exits 0, or 1 after printing the first error.
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/lifecycle/access_tracker.hpp>
#include <chronicle/table/table.hpp>
#include <chronicle/table/writer/time_series_writer.hpp>
#include <cstdio>
#include <string>

#include "support/manual_clock.hpp"
#include "support/records.hpp"

namespace chronicle {
namespace {

constexpr std::uint64_t kSeed = 11;
constexpr std::uint64_t kRecords = 400;

Status run(const std::string& dir) {
  auto scheme = PartitionScheme::create({{"symbol", KeyType::String, 0}});
  if (!scheme) return std::move(scheme).error();
  TableConfig config;
  config.segment_size = 16 * 1024;
  if (auto table = Table::create(dir + "/table", *scheme, config); !table) {
    return std::move(table).error();
  }

  test::ManualClock clock(test::timestamp_for(kSeed, 0));
  const std::string log = dir + "/log";
  TimeSeriesOptions options;
  options.log.segment_size = 16 * 1024;
  options.log.clock = &clock;
  options.index_stride = 8;
  {
    auto writer = TimeSeriesWriter::open(log, options);
    if (!writer) return std::move(writer).error();
    for (std::uint64_t s = 0; s < kRecords; ++s) {
      auto r = writer->append(test::type_for(kSeed, s), test::timestamp_for(kSeed, s),
                              test::payload_for(kSeed, s, 300));
      if (!r) return std::move(r).error();
    }
    if (auto st = writer->close(); !st) return st;
  }

  SegmentCompressionOptions compression;
  compression.seekable.block_size = 4096;
  for (std::uint64_t id : {0, 1}) {
    if (auto r = compress_segment(log, id, compression); !r) return std::move(r).error();
  }
  if (auto r = decompress_segment(log, 1, compression); !r) return std::move(r).error();

  auto tracker = AccessTracker::create({.flush_interval = {}, .clock = &clock});
  if (!tracker) return std::move(tracker).error();
  for (std::uint64_t id : {0, 2, 3}) (*tracker)->segment_opened(log, id);
  if (auto st = (*tracker)->flush(); !st) return st;
  // The second flush merges with the file the first one wrote.
  clock.advance(1'000'000'000);
  for (std::uint64_t id : {2, 4}) (*tracker)->segment_opened(log, id);
  return (*tracker)->flush();
}

}  // namespace
}  // namespace chronicle

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: cold_paths_run <dir>\n");
    return 2;
  }
  const chronicle::Status st = chronicle::run(argv[1]);
  if (!st) {
    std::fprintf(stderr, "cold_paths_run: %s\n", st.error().to_string().c_str());
    return 1;
  }
  return 0;
}
