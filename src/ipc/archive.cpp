#include <chronicle/ipc/archive.hpp>

#include <sys/stat.h>

#include <chronicle/core/errors.hpp>

namespace chronicle::ipc {

TableConfig default_archive_config() {
  TableConfig c;
  c.compression_policy = CompressionPolicy::idle_after(7, true);
  c.track_access = true;
  return c;
}

namespace {
// Opens the archive table at `root`, creating it on first use. Two processes
// creating it at once: one wins, the other opens what it created.
Result<Table> open_archive_table(const std::string& root, const TableConfig& config) {
  struct stat st {};
  if (::stat((root + "/_table.json").c_str(), &st) != 0) {
    auto created = Table::create(root, ArchiveLayout::scheme(), config);
    if (created) return created;
    if (::stat((root + "/_table.json").c_str(), &st) != 0) return created;
  }
  auto table = Table::open(root);
  if (!table) return table;
  if (!(table->scheme() == ArchiveLayout::scheme())) {
    return file_error(Errc::InvalidArgument, root,
                      "holds a table whose scheme is not the archive scheme "
                      "venue/symbol/date/stream");
  }
  return table;
}
}  // namespace

Result<Archive> Archive::open(std::string root, const StreamId& id, const TableConfig& config) {
  auto values = ArchiveLayout::values(id);
  if (!values) return std::move(values).error();
  auto table = open_archive_table(root, config);
  if (!table) return std::move(table).error();
  auto writer = table->partition_writer(*values);
  if (!writer) return std::move(writer).error();
  return Archive(std::move(*table), id, std::move(*writer));
}

}  // namespace chronicle::ipc
