#include <chronicle/core/errors.hpp>
#include <chronicle/ipc/v1/v1_migration.hpp>
#include <chronicle/ipc/v1/v1_table.hpp>
#include <chronicle/table/table.hpp>

#include "v1_migration_copy.hpp"
#include "v1_migration_target.hpp"

namespace chronicle::ipc::v1 {

MigrationReport migrate_table(const std::string& v1_root, const std::string& new_root,
                              const MigrationOptions& options) {
  MigrationReport report;
  auto fail_untouched = [&](Error e) {
    report.status = std::move(e);
    return report;
  };
  // Read everything that can be read without writing first: the metadata,
  // the partition list, and every partition's segment list.
  auto v1 = V1Table::open(v1_root);
  if (!v1) return fail_untouched(std::move(v1).error());
  std::vector<V1Skipped> skipped;
  auto parts = v1->partitions(&skipped);
  if (!parts) return fail_untouched(std::move(parts).error());
  for (const V1Skipped& s : skipped) {
    if (s.is_directory) {
      return fail_untouched(Error(
          Errc::InvalidArgument,
          fmt::format("{}: {} under the v1 table root; migrating would leave it behind (move it "
                      "away first)",
                      s.path, s.reason)));
    }
    report.notes.push_back(fmt::format("{}: {}, not migrated", s.path, s.reason));
  }
  std::vector<V1LogReader> readers;
  for (const V1Partition& p : *parts) {
    auto reader = v1->reader(p);
    if (!reader) return fail_untouched(std::move(reader).error());
    for (const std::string& f : reader->ignored_files()) {
      report.notes.push_back(fmt::format("{}: not part of the v1 log, not migrated", f));
    }
    readers.push_back(std::move(*reader));
  }

  if (auto ok = options.table.validate(); !ok) return fail_untouched(std::move(ok).error());
  auto target = detail::begin_target(new_root, v1_root, options.table.dir_mode);
  if (!target) return fail_untouched(std::move(target).error());
  auto fail = [&](Error e) {
    report.status = std::move(e);
    report.target = detail::abandon_target(*target, report.notes);
    return report;
  };
  auto table = Table::create(new_root, v1->scheme(), options.table);
  if (!table) return fail(std::move(table).error());

  std::uint64_t segments_total = 0;
  for (const V1LogReader& r : readers) segments_total += r.segments().size();
  detail::ProgressReporter progress(options, segments_total);
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const V1Partition& p = (*parts)[i];
    MigratedLog log;
    log.source = p.dir;
    log.partition = p.values.to_string(v1->scheme());
    auto dir = table->partition_dir(p.values);
    if (!dir) return fail(std::move(dir).error());
    log.target = *dir;
    // The writer (and its background segment preparer) must be gone before
    // a failure removes the target.
    Status written;
    {
      auto writer = table->partition_writer(p.values);
      if (!writer) {
        written = std::move(writer).error();
      } else {
        written = detail::copy_records(readers[i], *writer, log, progress);
        if (written) written = writer->sync();
        if (written) written = writer->finish();
      }
    }
    if (!written) {
      report.logs.push_back(log);
      return fail(std::move(written).error());
    }
    if (options.verify) {
      auto fresh = table->reader(p.values);
      if (!fresh) return fail(std::move(fresh).error());
      if (auto st = detail::verify_records(*fresh, log); !st) {
        report.logs.push_back(log);
        return fail(std::move(st).error());
      }
      log.verified = true;
    }
    report.records += log.records;
    report.payload_bytes += log.payload_bytes;
    report.logs.push_back(std::move(log));
  }
  if (options.verify) {
    ListOptions list;
    list.stats = false;
    auto listed = table->partitions(PartitionFilter::all(), list);
    if (!listed) return fail(std::move(listed).error());
    if (listed->size() != parts->size()) {
      return fail(file_error(Errc::Corruption, new_root,
                             "verification: the new table lists {} partitions, the v1 table {}",
                             listed->size(), parts->size()));
    }
  }
  if (auto st = detail::complete_target(*target); !st) return fail(std::move(st).error());
  report.target = TargetState::Complete;
  return report;
}

}  // namespace chronicle::ipc::v1
