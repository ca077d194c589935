#include <chronicle/table/table.hpp>

#include <limits.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/core/clock.hpp>
#include <chronicle/core/detail/trailing_slashes.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/table/partition/partition_path.hpp>

#include "partition_dirs.hpp"
#include "segment_describe.hpp"
#include "table_metadata.hpp"

namespace chronicle {

namespace {

// Runs `attempt` on the partition in `dir` (describing it, opening a reader
// of it). A partition removed since it was listed (by retention, say) fails
// it with NotFound: nothing is returned if the directory is gone, as if the
// partition had been listed a moment later; if it is there again (removed
// and written anew), the attempt is repeated, a bounded number of times.
template <class Attempt>
auto in_listed_partition(const std::string& dir, Attempt&& attempt)
    -> std::optional<decltype(attempt())> {
  constexpr int kAttempts = 3;
  for (int i = 1;; ++i) {
    auto result = attempt();
    if (result || result.error().code() != Errc::NotFound) return result;
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 && errno == ENOENT) return std::nullopt;
    if (i == kAttempts) return result;
  }
}

}  // namespace

Result<Table> Table::create(std::string root, PartitionScheme scheme, TableConfig config,
                            FileSystem& fs) {
  root = detail::without_trailing_slashes(std::move(root));
  if (root.empty()) return invalid_argument("table root path is empty");
  if (scheme.size() == 0) return invalid_argument("a table needs a scheme with at least one key");
  if (auto ok = config.validate(); !ok) return std::move(ok).error();
  if (config.compression_policy.kind() == CompressionPolicy::Kind::Custom) {
    return invalid_argument("compression policy {} cannot be stored in _table.json: pass it to "
                            "the lifecycle manager instead",
                            config.compression_policy.to_string());
  }
  struct stat st {};
  if (::stat(root.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return file_error(Errc::InvalidArgument, root, "exists and is not a directory");
    }
    if (::stat((root + "/" + std::string(kTableMetadataFile)).c_str(), &st) == 0) {
      return file_error(Errc::InvalidArgument, root,
                        "already holds a table (_table.json exists): open it instead");
    }
  } else if (auto made = fs.mkdir(root, config.dir_mode); !made) {
    return std::move(made).error();
  } else {
    // The table's own name is durable before create() returns.
    const auto slash = root.find_last_of('/');
    const std::string parent = slash == std::string::npos ? "." : root.substr(0, slash ? slash : 1);
    if (auto synced = fs.sync_dir(parent); !synced) return std::move(synced).error();
  }
  detail::TableMetadata meta{scheme, config, Clock::system().now_ns()};
  if (auto st2 = detail::write_table_metadata(fs, root, meta, config.file_mode, false); !st2) {
    return std::move(st2).error();
  }
  return Table(std::move(root), std::move(scheme), std::move(config), meta.created_ns, fs);
}

Result<Table> Table::open(std::string root, FileSystem& fs) {
  root = detail::without_trailing_slashes(std::move(root));
  if (root.empty()) return invalid_argument("table root path is empty");
  auto meta = detail::read_table_metadata(fs, root);
  if (!meta) return std::move(meta).error();
  return Table(std::move(root), std::move(meta->scheme), std::move(meta->config), meta->created_ns,
               fs);
}

std::shared_ptr<ReadObserver> Table::active_observer() const {
  return config_.track_access ? observer_ : nullptr;
}

TimeSeriesOptions Table::writer_options() const {
  TimeSeriesOptions o;
  o.log.segment_size = config_.segment_size;
  o.log.sync_on_seal = config_.sync_on_seal;
  o.log.file_mode = config_.file_mode;
  o.log.dir_mode = config_.dir_mode;
  o.log.opener = &UnifiedSegmentOpener::instance();
  o.log.fs = fs_;
  o.index_stride = config_.index_stride;
  o.timestamp_order = config_.timestamp_order;
  return o;
}

Result<std::string> Table::partition_dir(const PartitionValues& values) const {
  auto rel = partition_path(scheme_, values);
  if (!rel) return std::move(rel).error();
  std::string dir = root_ + "/" + *rel;
  // Refused, never truncated: the system could not open it anyway.
  if (dir.size() >= PATH_MAX) {
    return invalid_argument("partition directory of {} bytes exceeds PATH_MAX ({}): {}",
                            dir.size(), PATH_MAX, escape_bytes(dir.substr(0, 200)) + "...");
  }
  return dir;
}

Result<std::string> Table::existing_partition_dir(const PartitionValues& values) const {
  auto dir = partition_dir(values);
  if (!dir) return std::move(dir).error();
  if (auto ok = detail::check_partition_dirs(root_, dir->substr(root_.size() + 1)); !ok) {
    return std::move(ok).error();
  }
  return dir;
}

Result<std::vector<PartitionInfo>> Table::partitions(const PartitionFilter& filter,
                                                     const ListOptions& options) const {
  if (auto ok = filter.validate(scheme_); !ok) return std::move(ok).error();
  auto found = detail::walk_partitions(root_, scheme_, options.skipped);
  if (!found) return std::move(found).error();
  std::vector<PartitionInfo> out;
  for (auto& [values, rel] : *found) {
    if (!filter.matches(scheme_, values)) continue;
    PartitionInfo info;
    info.values = values;
    info.path = rel;
    if (options.stats) {
      std::uint64_t index_bytes = 0;
      const std::string dir = root_ + "/" + rel;
      auto described = in_listed_partition(dir, [&] {
        return detail::describe_segments(*fs_, dir, info.path, &index_bytes);
      });
      if (!described) continue;
      auto& segs = *described;
      if (!segs) return std::move(segs).error();
      info.bytes_on_disk = index_bytes;
      for (const SegmentInfo& s : *segs) {
        ++info.segment_count;
        ++(s.tier == SegmentTier::Hot ? info.hot_segments : info.cold_segments);
        info.bytes_on_disk += s.size_on_disk;
        if (s.record_count == 0) continue;
        if (info.record_count == 0 || s.min_timestamp_ns < info.min_timestamp_ns) {
          info.min_timestamp_ns = s.min_timestamp_ns;
        }
        info.max_timestamp_ns = std::max(info.max_timestamp_ns, s.max_timestamp_ns);
        info.record_count += s.record_count;
      }
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::vector<SegmentInfo>> Table::segments(const PartitionValues& values) const {
  auto dir = existing_partition_dir(values);
  if (!dir) return std::move(dir).error();
  return detail::describe_segments(*fs_, *dir, dir->substr(root_.size() + 1), nullptr);
}

Result<PartitionWriter> Table::partition_writer(const PartitionValues& values,
                                                SpareSegment* spare) const {
  if (auto dir = partition_dir(values); !dir) return std::move(dir).error();
  auto rel = partition_path(scheme_, values);
  if (!rel) return std::move(rel).error();
  if (auto st = detail::make_partition_dirs(*fs_, root_, *rel, config_.dir_mode); !st) {
    return std::move(st).error();
  }
  TimeSeriesOptions options = writer_options();
  options.log.spare = spare;
  auto writer = TimeSeriesWriter::open(root_ + "/" + *rel, options);
  if (!writer) return std::move(writer).error();
  return PartitionWriter(values, *rel, std::move(*writer));
}

Result<RollingWriter> Table::rolling_writer(std::unique_ptr<PartitionRoller> roller,
                                            const PartitionValues& base,
                                            RollingWriter::RollCallback on_roll) const {
  if (!roller) return invalid_argument("rolling_writer(): no roller");
  if (auto ok = roller->bind(scheme_); !ok) return std::move(ok).error();
  const std::size_t key = *scheme_.index_of(roller->key());
  if (base.size() != scheme_.size()) {
    return invalid_argument("rolling_writer(): base values have {} keys, the scheme {}",
                            base.size(), scheme_.size());
  }
  return RollingWriter(std::make_shared<const Table>(*this), std::move(roller), key, base,
                       std::move(on_roll));
}

Result<TimeSeriesReader> Table::reader(const PartitionValues& values,
                                       TimeSeriesReaderOptions options) const {
  if (auto ok = validate(options); !ok) return std::move(ok).error();
  auto dir = existing_partition_dir(values);
  if (!dir) return std::move(dir).error();
  return TimeSeriesReader::open(*dir, active_observer(), options);
}

// A query's readers seek at most once, to the range's start, and then read
// forward: segments that seek opened on its way would not be visited again,
// and a query over thousands of partitions holds a reader each. Two per tier
// keep the segment a seek summarized for the scan that follows; after the
// seek the reader keeps none.
constexpr TimeSeriesReaderOptions kQueryReaderOptions{2, 2};

Result<TableReader> Table::query(const PartitionFilter& filter, TimeRange range,
                                 MergeStrategy strategy) const {
  if (strategy != MergeStrategy::TimestampOrder && strategy != MergeStrategy::PartitionOrder) {
    return invalid_argument("merge strategy {} is invalid: expected timestamp order (0) or "
                            "partition order (1)",
                            static_cast<unsigned>(strategy));
  }
  if (range.from_ns && range.to_ns && *range.from_ns > *range.to_ns) {
    return invalid_argument("time range [{}, {}) is empty: from is after to", *range.from_ns,
                            *range.to_ns);
  }
  ListOptions list;
  list.stats = false;
  auto parts = partitions(filter, list);
  if (!parts) return std::move(parts).error();
  std::vector<PartitionInfo> opened;
  std::vector<TimeSeriesReader> readers;
  opened.reserve(parts->size());
  readers.reserve(parts->size());
  for (PartitionInfo& p : *parts) {
    const std::string dir = root_ + "/" + p.path;
    auto reader = in_listed_partition(dir, [&]() -> Result<TimeSeriesReader> {
      auto r = TimeSeriesReader::open(dir, active_observer(), kQueryReaderOptions);
      if (!r || !range.from_ns) return r;
      if (auto s = r->seek_timestamp(*range.from_ns); !s) return std::move(s).error();
      r->release_kept_segments();
      return r;
    });
    if (!reader) continue;
    if (!*reader) return std::move(*reader).error();
    opened.push_back(std::move(p));
    readers.push_back(std::move(**reader));
  }
  return TableReader(std::move(opened), std::move(readers), range, strategy,
                     config_.timestamp_order);
}

}  // namespace chronicle
