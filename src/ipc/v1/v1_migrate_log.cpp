#include <chronicle/core/errors.hpp>
#include <chronicle/ipc/v1/v1_migration.hpp>
#include <chronicle/table/writer/time_series_writer.hpp>

#include "v1_migration_copy.hpp"
#include "v1_migration_target.hpp"

namespace chronicle::ipc::v1 {

MigrationReport migrate_log(const std::string& v1_dir, const std::string& new_dir,
                            const MigrationOptions& options) {
  MigrationReport report;
  // Everything that can be checked without writing is checked first, so a
  // refusal leaves the target untouched.
  if (auto ok = validate(options.log); !ok) {
    report.status = std::move(ok).error();
    return report;
  }
  auto reader = V1LogReader::open(v1_dir);
  if (!reader) {
    report.status = std::move(reader).error();
    return report;
  }
  for (const std::string& f : reader->ignored_files()) {
    report.notes.push_back(fmt::format("{}: not part of the v1 log, not migrated", f));
  }
  const mode_t dir_mode = options.log.log.dir_mode;
  auto target = detail::begin_target(new_dir, v1_dir, dir_mode);
  if (!target) {
    report.status = std::move(target).error();
    return report;
  }
  MigratedLog log;
  log.source = v1_dir;
  log.target = new_dir;
  auto fail = [&](Error e) {
    report.logs.push_back(log);
    report.status = std::move(e);
    report.target = detail::abandon_target(*target, report.notes);
    return report;
  };

  // The writer (and its background segment preparer) must be gone before
  // a failure removes the target.
  Status written;
  {
    auto writer = TimeSeriesWriter::open(new_dir, options.log);
    if (!writer) {
      written = std::move(writer).error();
    } else {
      detail::ProgressReporter progress(options, reader->segments().size());
      written = detail::copy_records(*reader, *writer, log, progress);
      if (written) written = writer->sync();
      if (written) written = writer->close();
    }
  }
  if (!written) return fail(std::move(written).error());
  if (options.verify) {
    auto fresh = TimeSeriesReader::open(new_dir);
    if (!fresh) return fail(std::move(fresh).error());
    if (auto st = detail::verify_records(*fresh, log); !st) return fail(std::move(st).error());
    log.verified = true;
  }
  if (auto st = detail::complete_target(*target); !st) return fail(std::move(st).error());
  report.records = log.records;
  report.payload_bytes = log.payload_bytes;
  report.logs.push_back(std::move(log));
  report.target = TargetState::Complete;
  return report;
}

}  // namespace chronicle::ipc::v1
