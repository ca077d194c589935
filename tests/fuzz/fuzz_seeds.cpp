// Writes the seed corpora of the fuzz targets added after segment_fuzz (and
// the hand-made seeds of seekable_fuzz, cold files of the sealed segment seed
// of segment_fuzz), under <source dir>/tests/fuzz/corpus/<corpus>/, and the
// inputs of the bugs the fuzzers found that can be rebuilt from library
// output, under tests/fuzz/regressions/<corpus>/: metadata,
// policies and access files as the library writes them, partition paths as
// partition_path() spells them, the examples of docs/CLI.md, and v1 logs
// built from the vectors in tests/data/chronicle-rs-v1/. Every seed is at
// most about 64 KiB. Runs give the same files but for the created_ns of the
// _table.json seeds (Table::create reads the clock).
//
//   cmake --build --preset test --target fuzz_seeds && build/test/tests/fuzz/fuzz_seeds .
#include <chronicle/compression/seekable_format.hpp>
#include <chronicle/compression/zstd_codec.hpp>
#include <chronicle/core/checksum.hpp>
#include <chronicle/core/segment_header.hpp>
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
  write_text("v1_table", "key-not-an-object",
             R"({"version":1,"created_at":1,"scheme":{"keys":["date"]}})");
  // Partition directory values as v1 spells them (the target also reads
  // its input as one).
  write_text("v1_table", "v1-value-hour", "2026-01-29-14");
  write_text("v1_table", "v1-value-minute", "2026-01-29-14-03");
  write_text("v1_table", "v1-value-date", "2026-01-29");
  write_text("v1_table", "v1-value-int", "-12");
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
      auto tracker =
          AccessTracker::create({.flush_interval = std::chrono::milliseconds(0), .clock = &clock})
              .value();
      if (reads.empty()) {
        for (std::uint64_t id = 0; id < 64; ++id) tracker->segment_opened(dir.string(), id * 3);
      }
      for (std::uint64_t id : reads) {
        tracker->segment_opened(dir.string(), id);
        clock.ns += 1'000'000'000;
      }
      tracker->flush().value();
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
  // A path of 4096 bytes (PATH_MAX counts the NUL), and a value that makes
  // a directory name of 256 bytes.
  write_text("partition_path", "path-max", "s=" + std::string(4094, 'a'), 3);
  write_text("partition_path", "name-max", "s=" + std::string(254, 'a'), 3);
  // Counts, the first 8 bytes of the rest, that the writing side gets as
  // values: hours in 2026 (symbol/hour) and minute -1 (channel/minute).
  const auto count = [](std::int64_t n) {
    std::string bytes(8, '\0');
    std::memcpy(bytes.data(), &n, 8);
    return bytes;
  };
  write_text("partition_path", "count-hours-2026", count(493'750), 1);
  write_text("partition_path", "count-minute-before-1970", count(-1), 2);
  write_text("partition_path", "count-last-day", count(2'932'896), 0);
  // Key type names, and calendar dates in the first 4 bytes (year u16,
  // month, day): 2024-02-29 exists, 1900-02-29 does not.
  write_text("partition_path", "key-type-minute", "minute", 3);
  write_text("partition_path", "date-2024-02-29", std::string("\xE8\x07\x02\x1D", 4), 3);
  write_text("partition_path", "date-1900-02-29", std::string("\x6C\x07\x02\x1D", 4), 3);
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

// --- cold segments (.q.zst) made of the sealed segment seed of segment_fuzz
// (a segment the library wrote: id 0, capacity 8192, end_of_data 5408), cut
// into frames as given, for the checks of ColdSegment::open and the
// frame-straddling reads the checked-in cold file does not reach.

Bytes seekable_file(const Bytes& content, const std::vector<std::size_t>& frame_sizes,
                    bool checksums) {
  auto zstd = ZstdCompressor::create({.level = 3}).value();
  std::vector<std::byte> out;
  std::vector<std::uint32_t> csizes, dsizes, sums;
  std::size_t at = 0;
  for (std::size_t n : frame_sizes) {
    const auto src = std::as_bytes(std::span(content)).subspan(at, n);
    csizes.push_back(static_cast<std::uint32_t>(zstd.compress_frame(src, out).value()));
    dsizes.push_back(static_cast<std::uint32_t>(n));
    sums.push_back(static_cast<std::uint32_t>(xxh64(src.data(), n)));
    at += n;
  }
  if (!checksums) sums.clear();
  const std::vector<std::byte> table = serialize_seek_table(csizes, dsizes, sums);
  out.insert(out.end(), table.begin(), table.end());
  const auto* p = reinterpret_cast<const std::uint8_t*>(out.data());
  return Bytes(p, p + out.size());
}

// Frames of `block` bytes, the last shorter.
std::vector<std::size_t> blocks(std::size_t size, std::size_t block) {
  std::vector<std::size_t> out;
  for (std::size_t at = 0; at < size; at += block) out.push_back(std::min(block, size - at));
  return out;
}

void seekable() {
  const Bytes segment = read(g_source / "tests/fuzz/corpus/segment/segment-sealed");
  SegmentHeader h;
  std::memcpy(&h, segment.data(), sizeof h);
  const Bytes used(segment.begin(), segment.begin() + static_cast<std::ptrdiff_t>(h.end_of_data));
  write("seekable", "no-checksums-4k", seekable_file(used, blocks(used.size(), 4096), false));
  // Frames smaller than the segment header: it is read across frames, and
  // nearly every record straddles two.
  write("seekable", "frames-of-64-bytes", seekable_file(used, blocks(used.size(), 64), true));
  write("seekable", "frames-of-unequal-size", seekable_file(used, {1024, 2048, 2336}, true));
  write("seekable", "shorter-than-a-header", seekable_file(Bytes(used.begin(), used.begin() + 100),
                                                          {100}, true));
  write("seekable", "no-frames", seekable_file({}, {}, false));
  // The used bytes and the end marker after them: end_of_data says less.
  const Bytes longer(segment.begin(), segment.begin() + static_cast<std::ptrdiff_t>(h.end_of_data + 8));
  write("seekable", "end-of-data-too-small", seekable_file(longer, blocks(longer.size(), 4096), true));
  // The whole file with its seal block cleared: a live segment.
  Bytes unsealed = segment;
  std::memset(unsealed.data() + kSealBlockBegin, 0, kSealBlockEnd + 4 - kSealBlockBegin);
  write("seekable", "not-sealed", seekable_file(unsealed, blocks(unsealed.size(), 4096), true));
  // Segment 1's header under the name of segment 0.
  Bytes other_id = used;
  SegmentHeader h1 = h;
  h1.segment_id = 1;
  h1.identity_checksum = identity_checksum_of(h1);
  std::memcpy(other_id.data(), &h1, sizeof h1);
  write("seekable", "other-segment-id", seekable_file(other_id, blocks(other_id.size(), 4096), true));
  // One frame's checksum wrong: read_frame refuses it (the target also reads
  // it with the checksum fixed up).
  Bytes bad_sum = seekable_file(used, blocks(used.size(), 2048), true);
  bad_sum[bad_sum.size() - kSeekTableFooterSize - 4] ^= 0x01;
  write("seekable", "last-frame-checksum-wrong", bad_sum);
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

// Offsets of the records of a hot segment, up to its end of data.
std::vector<std::size_t> record_offsets(const Bytes& segment) {
  std::vector<std::size_t> out;
  std::size_t at = ipc::v1::kSegmentHeaderSize;
  while (segment.size() - at >= ipc::v1::kMessageHeaderSize) {
    std::uint32_t commit = 0;
    std::memcpy(&commit, segment.data() + at, 4);
    if (commit == 0) break;
    out.push_back(at);
    at += ipc::v1::record_size(commit - 1);
  }
  return out;
}

// A segment `id` holding the records [from, to) of `segment`, whose records
// start at `offsets` (to may be offsets.size()).
Bytes v1_segment(const Bytes& segment, const std::vector<std::size_t>& offsets, std::size_t from,
                 std::size_t to, std::uint32_t id) {
  Bytes out(segment.begin(), segment.begin() + ipc::v1::kSegmentHeaderSize);
  std::memcpy(out.data() + offsetof(ipc::v1::SegmentHeader, segment_id), &id, 4);
  std::size_t end = 0;
  if (to < offsets.size()) {
    end = offsets[to];
  } else {
    std::uint32_t commit = 0;
    std::memcpy(&commit, segment.data() + offsets.back(), 4);
    end = offsets.back() + ipc::v1::record_size(commit - 1);
  }
  out.insert(out.end(), segment.begin() + static_cast<std::ptrdiff_t>(offsets[from]),
             segment.begin() + static_cast<std::ptrdiff_t>(end));
  return out;
}

// The seek index v1 writes for a hot segment: an entry every `stride` records.
Bytes v1_seek_index(const Bytes& segment, std::uint64_t id, std::uint32_t stride) {
  ipc::v1::SeekIndexHeader h{};
  std::memcpy(h.magic, ipc::v1::kSeekIndexMagic, sizeof h.magic);
  h.version = ipc::v1::kSeekIndexVersion;
  h.header_len = sizeof h;
  h.segment_id = id;
  h.segment_size = segment.size();
  h.data_offset = ipc::v1::kSegmentHeaderSize;
  h.entry_stride = stride;
  std::vector<ipc::v1::SeekIndexEntry> entries;
  const std::vector<std::size_t> offsets = record_offsets(segment);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    ipc::v1::MessageHeader m;
    std::memcpy(&m, segment.data() + offsets[i], sizeof m);
    if (i == 0) h.min_seq = m.seq, h.min_timestamp_ns = m.timestamp_ns;
    h.max_seq = m.seq;
    h.max_timestamp_ns = std::max(h.max_timestamp_ns, m.timestamp_ns);
    if (i % stride == 0) entries.push_back({m.seq, m.timestamp_ns, offsets[i]});
  }
  h.entry_count = entries.size();
  Bytes out(sizeof h + entries.size() * sizeof entries[0]);
  std::memcpy(out.data(), &h, sizeof h);
  std::memcpy(out.data() + sizeof h, entries.data(), entries.size() * sizeof entries[0]);
  return out;
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

  // Two segments (layout bytes from 0x80, see v1_log_fuzz.cpp): the records
  // of the prefix above split in two, each segment with its seek index, so
  // seeks cross from one to the other; segment 0 cold and 1 hot; segment 1
  // starting a new writer session (seq 0) and with a seq that neither goes
  // on nor restarts; a missing segment 1; names that are not the log's.
  const std::vector<std::size_t> offsets = record_offsets(head);
  const std::size_t half = offsets.size() / 2;
  const Bytes first = v1_segment(head, offsets, 0, half, 0);
  const Bytes second = v1_segment(head, offsets, half, offsets.size(), 1);
  write("v1_log", "two-segments",
        container(0x80, {first, v1_seek_index(first, 0, 8), second, v1_seek_index(second, 1, 8)}));
  const auto [first_zst, first_zst_index] = compress_v1(first, 4096);
  write("v1_log", "two-segments-cold-then-hot",
        container(0x81, {first_zst_index, first_zst, v1_seek_index(first, 0, 8), second, {}}));
  write("v1_log", "two-segments-new-session",
        container(0x80, {first, {}, v1_segment(head, offsets, 0, half, 1), {}}));
  write("v1_log", "two-segments-seq-skips",
        container(0x80, {first, {}, v1_segment(head, offsets, half + 1, offsets.size(), 1), {}}));
  const Bytes second_as_2 = v1_segment(head, offsets, half, offsets.size(), 2);
  write("v1_log", "two-segments-gap", container(0x89, {first, {}, second_as_2, {}}));
  write("v1_log", "two-segments-foreign-names",
        container(0x80 + 18, {first, {}, second, {}}));
  // One segment with a seek index that disagrees with it: the index records
  // another file size, or more records than the data holds (its last
  // record zeroed, as a lost page would leave it).
  Bytes other_size = v1_seek_index(head, 0, 8);
  const std::uint64_t wrong_size = head.size() + ipc::v1::kRecordAlignment;
  std::memcpy(other_size.data() + offsetof(ipc::v1::SeekIndexHeader, segment_size), &wrong_size, 8);
  write("v1_log", "index-of-another-size", container(0, {head, other_size}));
  Bytes lost_tail = head;
  std::fill(lost_tail.begin() + static_cast<std::ptrdiff_t>(offsets.back()), lost_tail.end(), 0);
  write("v1_log", "index-lists-more-records", container(0, {lost_tail, v1_seek_index(head, 0, 8)}));
  // A frame index whose frames, of the largest block size the reader takes
  // (256 MiB), claim a segment above 1 GiB: refused as Unsupported before
  // any frame is read (the .q.zst holds one byte per frame).
  {
    constexpr std::uint32_t block = 256u << 20;
    constexpr std::uint32_t frames = 5;
    ipc::v1::FrameIndexHeader h{};
    std::memcpy(h.magic, ipc::v1::kFrameIndexMagic, sizeof h.magic);
    h.version = ipc::v1::kFrameIndexVersion;
    h.header_len = sizeof h;
    h.block_size = block;
    h.frame_count = frames;
    std::vector<ipc::v1::FrameIndexEntry> entries;
    for (std::uint32_t i = 0; i < frames; ++i) {
      entries.push_back({std::uint64_t{i} * block, i, 1, block});
    }
    Bytes index(sizeof h + sizeof entries[0] * frames);
    std::memcpy(index.data(), &h, sizeof h);
    std::memcpy(index.data() + sizeof h, entries.data(), sizeof entries[0] * frames);
    write("v1_log", "cold-index-claims-over-1-gib", container(1, {index, Bytes(frames, 0), {}}));
  }
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
  seekable();
  fs::remove_all(g_scratch);
  return 0;
}
