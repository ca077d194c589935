// Writes the seed corpora of the fuzz targets added after segment_fuzz and
// seekable_fuzz, under <source dir>/tests/fuzz/corpus/<corpus>/, and the
// inputs of the bugs the fuzzers found that can be rebuilt from library
// output, under tests/fuzz/regressions/<corpus>/: metadata,
// policies and access files as the library writes them, partition paths as
// partition_path() spells them, the examples of docs/CLI.md, and v1 logs
// built from the vectors in tests/data/chronicle-rs-v1/. Every seed is at
// most about 64 KiB. Runs give the same files but for the created_ns of the
// _table.json seeds (Table::create reads the clock).
//
//   cmake --build --preset test --target fuzz_seeds && build/test/tests/fuzz/fuzz_seeds .
#include <chronicle/compression/zstd_codec.hpp>
#include <chronicle/core/checksum.hpp>
#include <chronicle/ipc/v1/v1_format.hpp>
#include <chronicle/lifecycle/access_tracker.hpp>
#include <chronicle/table/partition/partition_path.hpp>
#include <chronicle/table/table.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_schemes.hpp"

namespace {

using namespace chronicle;
namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

fs::path g_source;
fs::path g_scratch;

Bytes read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_to(const char* kind, const std::string& corpus, const std::string& name,
              const Bytes& bytes) {
  const fs::path dir = g_source / "tests/fuzz" / kind / corpus;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  std::printf("%s/%s/%s: %zu bytes\n", kind, corpus.c_str(), name.c_str(), bytes.size());
}

void write(const std::string& corpus, const std::string& name, const Bytes& bytes) {
  write_to("corpus", corpus, name, bytes);
}

// An input that once made the target fail (tests/fuzz/regressions/README.md).
void write_regression(const std::string& corpus, const std::string& name, const Bytes& bytes) {
  write_to("regressions", corpus, name, bytes);
}

void write_text(const std::string& corpus, const std::string& name, std::string_view text,
                int selector = -1) {
  Bytes bytes;
  if (selector >= 0) bytes.push_back(static_cast<std::uint8_t>(selector));
  bytes.insert(bytes.end(), text.begin(), text.end());
  write(corpus, name, bytes);
}

fs::path scratch(const std::string& name) {
  const fs::path p = g_scratch / name;
  fs::remove_all(p);
  return p;
}

// _table.json as Table::create writes it, for several schemes and configs.
void table_metadata() {
  struct Case {
    const char* name;
    std::vector<PartitionKey> keys;
    TableConfig config;
  };
  TableConfig hour_config;
  hour_config.segment_size = 1 << 20;
  hour_config.index_stride = 16;
  hour_config.timestamp_order = TimestampOrder::Permissive;
  hour_config.compression_policy = CompressionPolicy::idle_after(7, true);
  hour_config.compression_level = 19;
  hour_config.compression_block_size = 256 << 10;
  hour_config.track_access = true;
  hour_config.sync_on_seal = true;
  hour_config.file_mode = 0640;
  hour_config.dir_mode = 0750;
  TableConfig minute_config;
  minute_config.compression_policy = CompressionPolicy::size_threshold(1 << 20);
  minute_config.compression_level = -5;
  TableConfig date_config;
  date_config.compression_policy = CompressionPolicy::age_after(30);
  date_config.validate_partition_order = false;
  TableConfig string_config;
  string_config.compression_policy = CompressionPolicy::immediate();
  string_config.segment_size = 4 << 20;
  const std::vector<Case> cases = {
      {"venue-date-defaults",
       {{"venue", KeyType::String, 0}, {"date", KeyType::Date, 0}},
       TableConfig{}},
      {"symbol-hour-idle-reads",
       {{"symbol", KeyType::String, 0}, {"hour", KeyType::Hour, 330}},
       hour_config},
      {"channel-minute-size",
       {{"channel", KeyType::Int, 0}, {"minute", KeyType::Minute, -240}},
       minute_config},
      {"date-age", {{"date", KeyType::Date, -600}}, date_config},
      {"three-keys-immediate",
       {{"venue", KeyType::String, 0}, {"shard", KeyType::Int, 0}, {"day", KeyType::Date, 60}},
       string_config},
  };
  for (const Case& c : cases) {
    const fs::path root = scratch(c.name);
    Table::create(root.string(), PartitionScheme::create(c.keys).value(), c.config).value();
    write("table_metadata", c.name, read(root / "_table.json"));
  }
}

void policy_json() {
  const std::vector<std::pair<const char*, CompressionPolicy>> policies = {
      {"never", CompressionPolicy::never()},
      {"immediate", CompressionPolicy::immediate()},
      {"age-after", CompressionPolicy::age_after(30)},
      {"idle-after", CompressionPolicy::idle_after(7, false)},
      {"idle-after-reads", CompressionPolicy::idle_after(36'500, true)},
      {"size-threshold", CompressionPolicy::size_threshold(1ull << 40)},
  };
  for (const auto& [name, policy] : policies)
    write_text("policy_json", name, policy.to_json().value());
}

// The vector's metadata.json, and the other key types and timezones the
// chronicle-rs README describes, in the same layout.
void v1_table() {
  const fs::path vectors = g_source / "tests/data/chronicle-rs-v1";
  write("v1_table", "vector-channel-date", read(vectors / "table/_table/metadata.json"));
  write_text("v1_table", "int-hour-minute-timezones", R"({
  "version": 1,
  "created_at": 1769644800000000000,
  "scheme": {
    "keys": [
      {"type": "Int", "name": "shard"},
      {"type": "Hour", "name": "hour", "timezone": "Asia/Tokyo"},
      {"type": "Minute", "name": "minute", "timezone": "-0430"}
    ]
  }
})");
  write_text(
      "v1_table", "date-new-york",
      R"({"version":1,"created_at":0,"scheme":{"keys":[{"type":"String","name":"venue"},)"
      R"({"type":"Date","name":"date","format":"YYYY-MM-DD","timezone":"America/New_York"}]}})");
  write_text("v1_table", "date-null-timezone",
             R"({"version":1,"created_at":1,"scheme":{"keys":)"
             R"([{"type":"Date","name":"d","timezone":null}]}})");
}

// .access files as AccessTracker::flush writes them.
void access_file() {
  struct FixedClock final : Clock {
    std::uint64_t ns = 1'769'644'800'000'000'000;
    std::uint64_t now_ns() const noexcept override { return ns; }
  } clock;
  const std::vector<std::pair<const char*, std::vector<std::uint64_t>>> cases = {
      {"one-segment", {0}},
      {"repeated-reads", {0, 1, 1, 5, 5, 5}},
      {"many-segments", {}},
  };
  for (const auto& [name, reads] : cases) {
    const fs::path dir = scratch(name);
    fs::create_directories(dir);
    {
      AccessTracker tracker({.flush_interval = std::chrono::milliseconds(0), .clock = &clock});
      if (reads.empty()) {
        for (std::uint64_t id = 0; id < 64; ++id) tracker.segment_opened(dir.string(), id * 3);
      }
      for (std::uint64_t id : reads) {
        tracker.segment_opened(dir.string(), id);
        clock.ns += 1'000'000'000;
      }
      tracker.flush().value();
    }
    write("access_file", name, read(dir / ".access"));
  }
  // Regressions (LifecycleTest.AnAccessFileWithIdsOutOfOrderIsCorrupt): under
  // a valid checksum, ids that go down (entries 0 and 1 swapped: 1, 0, 5)
  // and ids that repeat (entry 1's id made entry 0's: 0, 0, 5), which
  // silently dropped one entry's reads.
  const Bytes reads = read(g_scratch / "repeated-reads/.access");
  const auto fix_checksum = [](Bytes& bytes) {
    const std::uint64_t sum = xxh64(bytes.data(), bytes.size() - 8);
    std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
  };
  Bytes swapped = reads;
  std::swap_ranges(swapped.begin() + 16, swapped.begin() + 24, swapped.begin() + 40);
  fix_checksum(swapped);
  write_regression("access_file", "ids-out-of-order", swapped);
  Bytes repeated = reads;
  std::copy(repeated.begin() + 16, repeated.begin() + 24, repeated.begin() + 40);
  fix_checksum(repeated);
  write_regression("access_file", "ids-repeated", repeated);
}

// Paths as partition_path() writes them, for each scheme of fuzz_schemes.hpp
// (the first byte picks it).
void partition_path() {
  const auto& schemes = fuzz::partition_schemes();
  const std::vector<std::vector<std::vector<std::pair<std::string, std::string>>>> values = {
      {{{"venue", "XNAS"}, {"date", "2026-01-29"}},
       {{"venue", ".."}, {"date", "0001-01-01"}},
       {{"venue", "a/b=c%d e\x01\xff"}, {"date", "9999-12-31"}}},
      {{{"symbol", "AAPL"}, {"hour", "2026-01-29T14"}},
       {{"symbol", ""}, {"hour", "2024-02-29T00"}}},
      {{{"channel", "101"}, {"minute", "2026-01-29T14:03"}},
       {{"channel", "-9223372036854775808"}, {"minute", "1970-01-01T00:00"}}},
      {{{"s", ".hidden"}}, {{"s", "%41"}}},
      {{{"a", "0"}, {"b", "x.y_z-1"}, {"c", "2026-01-27"}}},
  };
  for (std::size_t i = 0; i < schemes.size(); ++i) {
    for (std::size_t j = 0; j < values[i].size(); ++j) {
      auto parsed = PartitionValues::parse(schemes[i], values[i][j]).value();
      write_text("partition_path", "scheme" + std::to_string(i) + "-" + std::to_string(j),
                 partition_path(schemes[i], parsed).value(), static_cast<int>(i));
    }
  }
  // v1 directory values (the rest is also tried as one of those).
  write_text("partition_path", "v1-hour", "2026-01-29-14", 3);
  write_text("partition_path", "v1-minute", "2026-01-29-14-03", 3);
}

// Option values from docs/CLI.md and tests/tools; the first byte picks the
// parser (0 time, 1 where clauses one per line, 2 policy, 0xF0 and above
// numbers).
void cli_args() {
  const std::vector<std::pair<const char*, const char*>> times = {
      {"time-z", "2026-01-29T14:03:07Z"},
      {"time-minutes", "2026-01-29T14:03Z"},
      {"time-fraction", "2026-01-29T14:03:07.5Z"},
      {"time-offset-ns", "2026-01-29T15:03:07.000000001+01:00"},
      {"time-negative-offset", "2026-01-28T23:00:00.040000040-01:00"},
      {"time-nanoseconds", "1769695387000000000"},
      {"time-last", "2554-07-21T23:34:33.709551615Z"},
  };
  for (const auto& [name, text] : times) write_text("cli_args", name, text, 0);
  write_text("cli_args", "where-docs", "symbol=AAPL\nsymbol=MSFT\ndate=2026-01-29", 1);
  write_text("cli_args", "where-types", "shard=-12\nhour=2026-01-29T14\nminute=2026-01-29T14:03",
             1);
  write_text("cli_args", "where-empty-value", "symbol=", 1);
  for (const char* policy :
       {"never", "immediate", "age:7", "idle:7", "idle:7:reads", "size:1048576"}) {
    std::string name = std::string("policy-") + policy;
    std::replace(name.begin(), name.end(), ':', '-');
    write_text("cli_args", name, policy, 2);
  }
  const std::vector<std::pair<const char*, const char*>> numbers = {
      {"number-level", "3"},
      {"number-negative-level", "-5"},
      {"number-leading-zeros", "0010"},
      {"number-u64-max", "18446744073709551615"},
      {"number-i64-min", "-9223372036854775808"},
      {"number-too-large", "18446744073709551616"},
      {"number-sign-only", "-"},
      {"number-plus", "+5"},
  };
  for (const auto& [name, text] : numbers) write_text("cli_args", name, text, 0xF0);
}

// --- v1 logs: a layout byte, then files each but the last after a u32 length.

void append_file(Bytes& out, const Bytes& file, bool last) {
  if (!last) {
    const auto n = static_cast<std::uint32_t>(file.size());
    const auto* p = reinterpret_cast<const std::uint8_t*>(&n);
    out.insert(out.end(), p, p + 4);
  }
  out.insert(out.end(), file.begin(), file.end());
}

Bytes container(std::uint8_t layout, const std::vector<Bytes>& files) {
  Bytes out{layout};
  for (std::size_t i = 0; i < files.size(); ++i) append_file(out, files[i], i + 1 == files.size());
  return out;
}

// The first records of a hot segment, cut at the last record boundary at or
// below `limit`: a shorter segment that still reads cleanly.
Bytes prefix(const Bytes& segment, std::size_t limit) {
  std::size_t at = ipc::v1::kSegmentHeaderSize;
  for (;;) {
    std::uint32_t commit = 0;
    std::memcpy(&commit, segment.data() + at, 4);
    if (commit == 0) break;
    const std::size_t next = at + ipc::v1::record_size(commit - 1);
    if (next > limit) break;
    at = next;
  }
  return Bytes(segment.begin(), segment.begin() + static_cast<std::ptrdiff_t>(at));
}

// `segment` as v1 compresses it: one zstd frame per `block` bytes, and the
// frame index.
std::pair<Bytes, Bytes> compress_v1(const Bytes& segment, std::uint32_t block) {
  auto zstd = ZstdCompressor::create({.level = 3}).value();
  std::vector<std::byte> frames;
  std::vector<ipc::v1::FrameIndexEntry> entries;
  for (std::size_t at = 0; at < segment.size(); at += block) {
    const std::size_t n = std::min<std::size_t>(block, segment.size() - at);
    const std::size_t before = frames.size();
    zstd.compress_frame(std::as_bytes(std::span(segment)).subspan(at, n), frames).value();
    entries.push_back({at, before, static_cast<std::uint32_t>(frames.size() - before),
                       static_cast<std::uint32_t>(n)});
  }
  ipc::v1::FrameIndexHeader h{};
  std::memcpy(h.magic, ipc::v1::kFrameIndexMagic, sizeof h.magic);
  h.version = ipc::v1::kFrameIndexVersion;
  h.header_len = sizeof h;
  h.block_size = block;
  h.frame_count = entries.size();
  Bytes index(sizeof h + entries.size() * sizeof entries[0]);
  std::memcpy(index.data(), &h, sizeof h);
  std::memcpy(index.data() + sizeof h, entries.data(), entries.size() * sizeof entries[0]);
  const auto* f = reinterpret_cast<const std::uint8_t*>(frames.data());
  return {Bytes(f, f + frames.size()), index};
}

// A v1 seek index whose header's maximum timestamp is lowered to that of its
// last entry, so the last stride's records lie above it.
Bytes max_lowered(Bytes index) {
  ipc::v1::SeekIndexHeader h;
  std::memcpy(&h, index.data(), sizeof h);
  std::memcpy(index.data() + offsetof(ipc::v1::SeekIndexHeader, max_timestamp_ns),
              index.data() + sizeof h + (h.entry_count - 1) * sizeof(ipc::v1::SeekIndexEntry) +
                  offsetof(ipc::v1::SeekIndexEntry, timestamp_ns),
              8);
  return index;
}

void v1_log() {
  const fs::path v = g_source / "tests/data/chronicle-rs-v1";
  const fs::path day = v / "table/channel=101/date=2026-01-27";
  const Bytes hot = read(day / "000000000.q");
  write("v1_log", "hot-with-index", container(0, {hot, read(day / "000000000.idx")}));
  // Regressions: an index whose maximum timestamp was lowered to its last
  // entry's (V1SeekIndexFallbackTest.SeekIndexThatUnderstatesItsMaximumIsNotTrusted),
  // beside a hot segment and beside a cold one.
  write_regression("v1_log", "hot-index-max-lowered",
                   container(0, {hot, max_lowered(read(day / "000000000.idx"))}));
  write_regression("v1_log", "cold-index-max-lowered",
                   container(1, {read(v / "log_cold/000000000.q.zst.idx"),
                                 read(v / "log_cold/000000000.q.zst"),
                                 max_lowered(read(v / "log_cold/000000000.idx"))}));
  const Bytes head = prefix(hot, 16 << 10);
  write("v1_log", "hot-prefix", container(0, {head, {}}));
  write("v1_log", "cold-3-frames",
        container(1, {read(v / "log_cold/000000000.q.zst.idx"),
                      read(v / "log_cold/000000000.q.zst"), read(v / "log_cold/000000000.idx")}));
  write("v1_log", "cold-1-frame",
        container(
            1, {read(v / "log_cold_1m/000000000.q.zst.idx"),
                read(v / "log_cold_1m/000000000.q.zst"), read(v / "log_cold_1m/000000000.idx")}));
  const auto [zst, zst_index] = compress_v1(head, 4096);
  write("v1_log", "interrupted-compression", container(2, {head, zst_index, zst, {}}));
  // Frame index checks the fuzzer had not reached: bytes after the last
  // frame, and frames that hold less than a segment header.
  Bytes trailing = read(v / "log_cold/000000000.q.zst");
  trailing.insert(trailing.end(), 16, 0);
  write("v1_log", "cold-bytes-after-frames",
        container(1, {read(v / "log_cold/000000000.q.zst.idx"), trailing,
                      read(v / "log_cold/000000000.idx")}));
  const auto [tiny, tiny_index] = compress_v1(Bytes(head.begin(), head.begin() + 32), 4096);
  write("v1_log", "cold-shorter-than-header", container(1, {tiny_index, tiny, {}}));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds <chronicle source dir>\n");
    return 2;
  }
  g_source = argv[1];
  g_scratch = fs::temp_directory_path() / ("chronicle-fuzz-seeds-" + std::to_string(::getpid()));
  fs::create_directories(g_scratch);
  table_metadata();
  policy_json();
  v1_table();
  access_file();
  partition_path();
  cli_args();
  v1_log();
  fs::remove_all(g_scratch);
  return 0;
}
