#pragma once
// Logs and tables to run the tool on.
//
// CliTest: a log with small segments (30 records each) so a few dozen
// records make several rolls, with payloads and timestamps that are pure
// functions of the sequence number.
//
// CliTableTest: a table of five partitions (symbol, date, shard) of 45
// records each, written through Table::partition_writer in 4 KiB segments
// (30 + 15 records, both sealed), and the records a Table::query returns,
// to compare the tool's output with.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/table/table.hpp>

#include "format/safe_text.hpp"
#include "support/temp_dir.hpp"

namespace chronicle::test {

class CliTest : public TempDirTest {
 protected:
  // 2026-01-29T00:00:00Z.
  static constexpr std::uint64_t kBaseTs = 1'769'644'800'000'000'000ull;
  static constexpr std::size_t kRecordsPerSegment = 30;

  static std::uint64_t ts_of(std::uint64_t seq) { return kBaseTs + seq * 1'000'001; }
  static std::uint16_t type_of(std::uint64_t seq) { return static_cast<std::uint16_t>(seq % 7); }
  // 92 bytes, so each record takes 128 bytes and a 4 KiB segment holds 30.
  static std::string text_of(std::uint64_t seq) {
    return fmt::format("record {:04} {}", seq, std::string(80, 'x'));
  }
  static std::span<const std::byte> bytes_of(const std::string& s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
  }

  std::string log_dir() const { return tmp_.sub("log"); }
  std::string segment_file(std::uint64_t id) const { return segment_path(log_dir(), id); }

  static LogOptions small_segments() {
    LogOptions o;
    o.segment_size = 4096;
    return o;
  }

  SegmentWriter open_writer(const std::string& dir) {
    auto w = SegmentWriter::open(dir, small_segments());
    if (!w) throw std::runtime_error(w.error().to_string());
    return std::move(*w);
  }

  static void append_record(SegmentWriter& w, std::uint64_t seq) {
    auto r = w.append(type_of(seq), ts_of(seq), bytes_of(text_of(seq)));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    ASSERT_EQ(*r, seq);
  }

  // Writes records [0, count) to `dir` and closes the log (sealing it).
  void write_log(std::uint64_t count, const std::string& dir) {
    SegmentWriter w = open_writer(dir);
    for (std::uint64_t seq = 0; seq < count; ++seq) append_record(w, seq);
    ASSERT_TRUE(w.close().has_value());
  }
  void write_log(std::uint64_t count) { write_log(count, log_dir()); }

  // Flips one bit with pread/pwrite, leaving the file's size and blocks as
  // they are: for a segment a live writer still has mapped (flip_bit
  // rewrites the whole file).
  static void flip_bit_in_place(const std::string& path, std::uint64_t offset, int bit) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0) << path;
    unsigned char byte = 0;
    ASSERT_EQ(::pread(fd, &byte, 1, static_cast<off_t>(offset)), 1);
    byte = static_cast<unsigned char>(byte ^ (1u << bit));
    ASSERT_EQ(::pwrite(fd, &byte, 1, static_cast<off_t>(offset)), 1);
    ::close(fd);
  }

  std::size_t segment_count() const {
    auto s = list_segments(log_dir());
    return s ? s->size() : 0;
  }
};

// One record as the tool prints it in JSON, and as a query returns it.
struct TableRow {
  std::string partition;
  std::uint64_t seq = 0;
  std::uint64_t timestamp_ns = 0;
  std::uint16_t type_id = 0;
  std::string payload_hex;
  bool operator==(const TableRow&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const TableRow& r) {
  return os << r.partition << " " << r.seq << " " << r.timestamp_ns << " type=" << r.type_id;
}

class CliTableTest : public CliTest {
 protected:
  static constexpr std::uint64_t kDayNs = 86'400'000'000'000ull;
  static constexpr std::uint64_t kRecordsPerPartition = 45;

  struct PartitionSpec {
    std::string symbol;
    std::string date;
    std::int64_t shard;
  };
  static std::vector<PartitionSpec> specs() {
    return {{"AAPL", "2026-01-29", 1},
            {"AAPL", "2026-01-30", 1},
            {"MSFT", "2026-01-29", 1},
            {"MSFT", "2026-01-29", 2},
            {"MSFT", "2026-01-30", 1}};
  }
  static std::string path_of(const PartitionSpec& p) {
    return fmt::format("symbol={}/date={}/shard={}", p.symbol, p.date, p.shard);
  }
  // Record i of partition number p: distinct timestamps across partitions,
  // 92-byte payloads (128-byte records, 30 to a 4 KiB segment).
  static std::uint64_t table_ts(const PartitionSpec& spec, std::size_t p, std::uint64_t i) {
    const std::uint64_t day = spec.date == "2026-01-29" ? 0 : 1;
    return kBaseTs + day * kDayNs + i * 1'000'003 + p;
  }
  static std::string table_payload(const PartitionSpec& spec, std::uint64_t i) {
    return fmt::format("{} {:04} {}", spec.symbol, i, std::string(82, 'x'));
  }

  std::string table_root() const { return tmp_.sub("table"); }
  std::string partition_dir(std::size_t p) const {
    return table_root() + "/" + path_of(specs()[p]);
  }

  static PartitionScheme table_scheme() {
    auto scheme = PartitionScheme::create(
        {{"symbol", KeyType::String, 0}, {"date", KeyType::Date, 0}, {"shard", KeyType::Int, 0}});
    if (!scheme) throw std::runtime_error(scheme.error().to_string());
    return *scheme;
  }

  PartitionValues values_of(const PartitionSpec& spec) const {
    return PartitionValues::parse(table_->scheme(), {{"symbol", spec.symbol},
                                                     {"date", spec.date},
                                                     {"shard", std::to_string(spec.shard)}})
        .value();
  }

  // Creates the table and writes every partition, each writer finished.
  // `first_ts`, if given, moves partition p's records to start at
  // first_ts(p), 1 us apart (retention measures age by record timestamps).
  void make_table(TableConfig config = {},
                  std::function<std::uint64_t(std::size_t)> first_ts = nullptr) {
    config.segment_size = 4096;
    auto t = Table::create(table_root(), table_scheme(), config);
    ASSERT_TRUE(t.has_value()) << t.error().to_string();
    table_ = std::make_unique<Table>(*t);
    const auto all = specs();
    for (std::size_t p = 0; p < all.size(); ++p) {
      auto w = table_->partition_writer(values_of(all[p]));
      ASSERT_TRUE(w.has_value()) << w.error().to_string();
      for (std::uint64_t i = 0; i < kRecordsPerPartition; ++i) {
        const std::string payload = table_payload(all[p], i);
        const std::uint64_t ts = first_ts ? first_ts(p) + i * 1000 : table_ts(all[p], p, i);
        auto seq = w->append(static_cast<std::uint16_t>(i % 7), ts, bytes_of(payload));
        ASSERT_TRUE(seq.has_value()) << seq.error().to_string();
      }
      ASSERT_TRUE(w->finish().has_value());
    }
  }

  // What a query returns, as the tool's JSON lines describe it.
  std::vector<TableRow> query_rows(const PartitionFilter& filter, TimeRange range = {},
                                   MergeStrategy strategy = MergeStrategy::TimestampOrder) const {
    std::vector<TableRow> out;
    auto q = table_->query(filter, range, strategy);
    if (!q) throw std::runtime_error(q.error().to_string());
    TableRecord rec;
    Step step;
    while ((step = q->next(rec)) == Step::Record) {
      out.push_back({q->partitions()[rec.partition].path, rec.record.seq, rec.record.timestamp_ns,
                     rec.record.type_id, cli::to_hex(rec.record.payload)});
    }
    if (step == Step::Failed) throw std::runtime_error(q->status().error().to_string());
    return out;
  }

  // Every file under the table root with its size, for "nothing changed".
  std::vector<std::pair<std::string, std::uint64_t>> tree() const {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(table_root())) {
      out.emplace_back(e.path().string(), e.is_regular_file() ? e.file_size() : 0);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::uint64_t count_files(const std::string& suffix) const {
    std::uint64_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(table_root())) {
      if (e.path().filename().string().ends_with(suffix)) ++n;
    }
    return n;
  }

  // Now minus `days` days, by the system clock the tool's lifecycle uses.
  static std::uint64_t days_ago(double days) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(std::chrono::nanoseconds(now).count()) -
           static_cast<std::uint64_t>(days * static_cast<double>(kDayNs));
  }

  std::unique_ptr<Table> table_;
};

}  // namespace chronicle::test
