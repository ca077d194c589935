#include "commands/migrate.hpp"

#include <sys/stat.h>

#include <chrono>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chronicle/core/errors.hpp>
#include <chronicle/ipc/v1/v1_migration.hpp>
#include <chronicle/ipc/v1/v1_table.hpp>

#include "format/progress_line.hpp"
#include "format/safe_text.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {
namespace {

namespace v1 = ipc::v1;

bool is_v1_table(const std::string& source) {
  struct stat st {};
  return ::stat((source + "/" + std::string(v1::kV1MetadataPath)).c_str(), &st) == 0;
}

void print_text(const v1::MigrationReport& report, bool table) {
  fmt::print("migrated {} -> {}\n", table ? "table" : "log", std::string(v1::target_state_name(report.target)));
  for (const v1::MigratedLog& log : report.logs) {
    fmt::print("  {:<32} {:>10} records {:>12} payload bytes  {} hot + {} cold v1 segments, {} session(s), "
               "verified: {}\n",
               log.partition.empty() ? "(log)" : escape_bytes(log.partition), log.records, log.payload_bytes,
               log.hot_segments, log.cold_segments, log.sessions, log.verified ? "yes" : "no");
  }
  for (const std::string& note : report.notes) fmt::print("  note: {}\n", sanitize_line(note));
  fmt::print("total: {} records, {} payload bytes in {} {}\n", report.records, report.payload_bytes,
             report.logs.size(), table ? "partition(s)" : "log");
}

void print_json(const v1::MigrationReport& report, bool table) {
  nlohmann::json logs = nlohmann::json::array();
  for (const v1::MigratedLog& log : report.logs) {
    logs.push_back({{"source", escape_bytes(log.source)},
                    {"target", escape_bytes(log.target)},
                    {"partition", escape_bytes(log.partition)},
                    {"hot_segments", log.hot_segments},
                    {"cold_segments", log.cold_segments},
                    {"sessions", log.sessions},
                    {"records", log.records},
                    {"payload_bytes", log.payload_bytes},
                    {"verified", log.verified}});
  }
  nlohmann::json notes = nlohmann::json::array();
  for (const std::string& note : report.notes) notes.push_back(sanitize_line(note));
  nlohmann::json out = {{"kind", table ? "table" : "log"},
                        {"target_state", std::string(v1::target_state_name(report.target))},
                        {"ok", report.ok()},
                        {"records", report.records},
                        {"payload_bytes", report.payload_bytes},
                        {"logs", logs},
                        {"notes", notes}};
  if (!report.ok()) out["error"] = sanitize_line(report.status.error().to_string());
  fmt::print("{}\n", out.dump());
}

}  // namespace

int run_migrate(const MigrateOptions& options) {
  const bool table = is_v1_table(options.source);
  v1::MigrationOptions migration;
  if (options.segment_size) {
    migration.log.log.segment_size = *options.segment_size;
    migration.table.segment_size = *options.segment_size;
  }
  if (options.permissive) {
    migration.log.timestamp_order = TimestampOrder::Permissive;
    migration.table.timestamp_order = TimestampOrder::Permissive;
  }
  // A progress line on a terminal, at most four times a second.
  const auto start = std::chrono::steady_clock::now();
  auto last_draw = start - std::chrono::seconds(1);
  std::optional<v1::MigrationProgress> last;
  auto line = [&](const v1::MigrationProgress& p) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return progress_line({p.segments_done, p.segments_total, p.payload_bytes, elapsed, "migrating"});
  };
  if (stderr_is_terminal()) {
    migration.on_progress = [&](const v1::MigrationProgress& p) {
      last = p;
      const auto now = std::chrono::steady_clock::now();
      if (now - last_draw < std::chrono::milliseconds(250) && p.segments_done < p.segments_total) return;
      last_draw = now;
      draw_progress_line(line(p), false);
    };
  }
  const v1::MigrationReport report = table ? v1::migrate_table(options.source, options.target, migration)
                                           : v1::migrate_log(options.source, options.target, migration);
  if (last) draw_progress_line(line(*last), true);
  if (options.json) {
    print_json(report, table);
  } else {
    print_text(report, table);
  }
  const bool written = finish_stdout();
  if (!report.ok() && !options.json) print_error(report.status.error());
  return written && report.ok() ? kExitOk : kExitDataError;
}

}  // namespace chronicle::cli
