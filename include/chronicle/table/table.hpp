#pragma once
// A partitioned time-series table: a root directory with `_table.json` (the
// scheme and the config) and one log per partition in Hive-style
// directories, e.g. `root/venue=XNAS/symbol=AAPL/date=2026-01-29/`.
//
// A Table object is a cheap handle (copyable); the writers and readers it
// creates carry what they need. Any number of processes may open a table;
// each partition has at most one writer at a time (its log's lock).
//
// Thread safety: const member functions may be called from any number of
// threads at once; each writer or reader it returns belongs to one thread at
// a time.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/table/partition/partition_filter.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/partition/partition_values.hpp>
#include <chronicle/table/partition_info.hpp>
#include <chronicle/table/read_observer.hpp>
#include <chronicle/table/reader/table_reader.hpp>
#include <chronicle/table/reader/time_series_reader.hpp>
#include <chronicle/table/roller/partition_roller.hpp>
#include <chronicle/table/segment_info.hpp>
#include <chronicle/table/table_config.hpp>
#include <chronicle/table/writer/partition_writer.hpp>
#include <chronicle/table/writer/rolling_writer.hpp>

namespace chronicle {

inline constexpr std::string_view kTableMetadataFile = "_table.json";
inline constexpr std::uint32_t kTableFormatVersion = 1;

struct ListOptions {
  // Fill segment counts, sizes, record counts and time ranges (reads each
  // segment's index or header; scans only live segments). Off: values and
  // paths only.
  bool stats = true;
  // If set, receives one line per directory entry that was skipped because it
  // is not a partition of this scheme (bad name, symlink, file), escaped.
  std::vector<std::string>* skipped = nullptr;
};

class Table {
 public:
  // Creates a table at `root` (created if absent; its parent must exist).
  // Refuses, touching nothing, if `root` already holds a _table.json, or if
  // the scheme or config is invalid, or the config's policy is Custom
  // (it cannot be stored). _table.json is written atomically.
  // `fs` is the filesystem seam for every cold-path call of this table and
  // the writers it creates (tests inject faults through it).
  static Result<Table> create(std::string root, PartitionScheme scheme, TableConfig config = {},
                              FileSystem& fs = FileSystem::system());
  // Opens an existing table. A missing, damaged, truncated or newer-version
  // _table.json is an error naming the file and the offset or JSON field;
  // the file is never rewritten by open.
  static Result<Table> open(std::string root, FileSystem& fs = FileSystem::system());

  const std::string& root() const noexcept { return root_; }
  const PartitionScheme& scheme() const noexcept { return scheme_; }
  const TableConfig& config() const noexcept { return config_; }
  std::uint64_t created_ns() const noexcept { return created_ns_; }

  // The readers this table creates report segment reads to `observer`
  // (the lifecycle's AccessTracker). Only used when config().track_access.
  void set_read_observer(std::shared_ptr<ReadObserver> observer) { observer_ = std::move(observer); }

  // Absolute directory of a partition (not created).
  Result<std::string> partition_dir(const PartitionValues& values) const;
  // The same for a partition that exists, every directory below the root on
  // the way checked to be a real one: NotFound if absent, InvalidArgument
  // naming a symlink or file found in its place (never followed).
  Result<std::string> existing_partition_dir(const PartitionValues& values) const;
  // Partitions matching `filter`, in PartitionValues order. Only real
  // directories named `key=value` in the canonical spelling of this scheme
  // are partitions; any other entry under the root (a symlink, even to a
  // directory or in a loop; a file; a bad or non-canonical escape such as
  // `%ZZ` or `%2E%2E`; `venue=A=B`; junk) is skipped, never followed or
  // opened, and named in options.skipped. A partition removed while it is
  // listed (by retention, say) is left out. Listing reads each directory of
  // the tree once: its cost grows with the number of entries, whatever they
  // are.
  Result<std::vector<PartitionInfo>> partitions(const PartitionFilter& filter = PartitionFilter::all(),
                                                const ListOptions& options = {}) const;
  // Every segment of one partition, described for policies and tools.
  // Errors as existing_partition_dir().
  Result<std::vector<SegmentInfo>> segments(const PartitionValues& values) const;

  // A writer for one partition (its directories are created). `spare` (may
  // be null): a segment file taken from another writer about to finish on
  // the same filesystem (PartitionWriter::take_spare()); a new partition
  // starts with it instead of allocating one (LogOptions::spare).
  Result<PartitionWriter> partition_writer(const PartitionValues& values,
                                           SpareSegment* spare = nullptr) const;
  // A writer that picks the partition per record: `base` gives every key but
  // the roller's, whose value comes from each record's timestamp.
  Result<RollingWriter> rolling_writer(std::unique_ptr<PartitionRoller> roller,
                                       const PartitionValues& base,
                                       RollingWriter::RollCallback on_roll = {}) const;

  // A reader of one partition. Errors as existing_partition_dir(), and
  // InvalidArgument for options out of range.
  Result<TimeSeriesReader> reader(const PartitionValues& values,
                                  TimeSeriesReaderOptions options = {}) const;
  // Records of the partitions matching `filter` within `range`, merged in
  // timestamp order or read partition after partition. Each partition's
  // reader seeks once, to range.from_ns if set, and keeps open only the
  // segment it reads from, not those that seek opened on its way. A
  // partition removed (by retention, say) between the listing and the
  // opening of its reader is left out, as partitions() leaves out one
  // removed while it lists.
  Result<TableReader> query(const PartitionFilter& filter, TimeRange range = {},
                            MergeStrategy strategy = MergeStrategy::TimestampOrder) const;

  // Options for the TimeSeriesWriter of a partition, from the config.
  TimeSeriesOptions writer_options() const;
  FileSystem& file_system() const noexcept { return *fs_; }

 private:
  Table(std::string root, PartitionScheme scheme, TableConfig config, std::uint64_t created_ns,
        FileSystem& fs)
      : root_(std::move(root)), scheme_(std::move(scheme)), config_(std::move(config)),
        created_ns_(created_ns), fs_(&fs) {}
  std::shared_ptr<ReadObserver> active_observer() const;

  std::string root_;
  PartitionScheme scheme_;
  TableConfig config_;
  std::uint64_t created_ns_ = 0;
  FileSystem* fs_;
  std::shared_ptr<ReadObserver> observer_;
};

}  // namespace chronicle
