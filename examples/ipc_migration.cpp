// ipc_migration: moving data written by chronicle-rs 0.1 ("v1") into the
// current format. migrate_log copies a v1 log into a new log, migrate_table a
// v1 table into a new Table; both renumber sequence numbers from 0, verify
// every record against a second read of the v1 data, and leave the target
// complete or not at all. This example migrates each v1 directory it is given
// (a table if it has _table/metadata.json, else a log), prints the report,
// then reads the new data back with chronicle's own readers.
//
//   ipc_migration [--out DIR] [V1_DIR...]
// DIR is kept; without it a temporary directory is used. Built in-tree, the
// default V1_DIRs are the test vectors tests/data/chronicle-rs-v1/{log_hot,table}.

#include <chronicle/chronicle.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace v1 = chronicle::ipc::v1;

// Counts a reader's records, checks that seq runs 0, 1, 2, ... and returns
// the middle of their time range in `middle_ts`.
template <class Reader>
std::uint64_t count_records(Reader& reader, bool& contiguous, std::uint64_t& middle_ts) {
  chronicle::RecordView rec;
  std::uint64_t n = 0, first_ts = 0;
  while (reader.next(rec) == chronicle::Step::Record) {
    if (n == 0) first_ts = rec.timestamp_ns;
    middle_ts = first_ts + (rec.timestamp_ns - first_ts) / 2;
    contiguous = contiguous && rec.seq == n++;
  }
  reader.status().value();  // throws if the loop ended on a failure
  return n;
}

bool migrate(const std::string& source, const std::string& target) {
  const bool is_table = fs::exists(fs::path(source) / v1::kV1MetadataPath);
  std::printf("%s %s\n  -> %s\n", is_table ? "table" : "log", source.c_str(), target.c_str());
  v1::MigrationOptions options;  // verification is on by default
  options.log.log.segment_size = 1 << 20;  // small segments for small data (default 64 MiB)
  options.table.segment_size = 1 << 20;
  const v1::MigrationReport report =
      is_table ? v1::migrate_table(source, target, options) : v1::migrate_log(source, target, options);
  for (const auto& log : report.logs) {
    std::printf("  %-28s %llu records in %llu hot + %llu cold v1 segments, %llu session(s), verified: %s\n",
                log.partition.empty() ? "(log)" : log.partition.c_str(), static_cast<unsigned long long>(log.records),
                static_cast<unsigned long long>(log.hot_segments), static_cast<unsigned long long>(log.cold_segments),
                static_cast<unsigned long long>(log.sessions), log.verified ? "yes" : "no");
  }
  for (const auto& note : report.notes) std::printf("  note: %s\n", note.c_str());
  std::printf("  target %s: %llu records, %llu payload bytes\n", std::string(v1::target_state_name(report.target)).c_str(),
              static_cast<unsigned long long>(report.records), static_cast<unsigned long long>(report.payload_bytes));
  if (!report.ok()) {
    std::printf("  failed: %s\n", report.status.error().to_string().c_str());
    return false;
  }

  // Read it back: a log with a TimeSeriesReader (it also seeks by timestamp
  // through the per-segment index the migration wrote), a table by query.
  bool contiguous = true;
  std::uint64_t read = 0, middle_ts = 0;
  if (is_table) {
    auto table = chronicle::Table::open(target).value();
    const auto partitions = table.partitions().value();
    for (const auto& p : partitions) {
      auto reader = table.reader(p.values).value();
      read += count_records(reader, contiguous, middle_ts);
    }
    auto merged = table.query(chronicle::PartitionFilter::all()).value();
    chronicle::TableRecord rec;
    std::uint64_t in_query = 0;
    while (merged.next(rec) == chronicle::Step::Record) ++in_query;
    merged.status().value();
    std::printf("  read back: %llu records by partition, %llu in one merged query\n",
                static_cast<unsigned long long>(read), static_cast<unsigned long long>(in_query));
    contiguous = contiguous && in_query == read;
  } else {
    auto reader = chronicle::TimeSeriesReader::open(target).value();
    read = count_records(reader, contiguous, middle_ts);
    const auto seek = reader.seek_timestamp(middle_ts).value();
    chronicle::RecordView rec;
    const bool found = reader.next(rec) == chronicle::Step::Record;
    std::printf("  read back: %llu records; seek to the middle of their time range: %s, seq %llu\n",
                static_cast<unsigned long long>(read), std::string(chronicle::seek_result_name(seek)).c_str(),
                found ? static_cast<unsigned long long>(rec.seq) : 0ull);
  }
  return read == report.records && contiguous;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  std::vector<std::string> sources;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else {
      sources.push_back(argv[i]);
    }
  }
#ifdef CHRONICLE_V1_TEST_DATA
  if (sources.empty()) sources = {CHRONICLE_V1_TEST_DATA "/log_hot", CHRONICLE_V1_TEST_DATA "/table"};
#endif
  if (sources.empty()) {
    std::fprintf(stderr, "usage: ipc_migration [--out DIR] V1_DIR...\n");
    return 2;
  }
  const bool keep = !out.empty();
  if (!keep) {
    out = (fs::temp_directory_path() / "chronicle-ipc_migration-XXXXXX").string();
    if (::mkdtemp(out.data()) == nullptr) return 1;
  }
  bool ok = true;
  try {
    fs::create_directories(out);
    for (const std::string& source : sources) {
      fs::path name = fs::path(source);
      if (!name.has_filename()) name = name.parent_path();  // "…/log_hot/"
      ok = migrate(source, out + "/" + name.filename().string()) && ok;
    }
  } catch (const std::exception& e) {  // value() of a failed Result throws BadResultAccess
    std::fprintf(stderr, "ipc_migration: %s\n", e.what());
    ok = false;
  }
  if (!keep) fs::remove_all(out);
  std::printf("%s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
