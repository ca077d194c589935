#include "partition_plan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <chronicle/core/dir_lock.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/lifecycle/access_tracker.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/segment_index.hpp>

#include "../core/retry_eintr.hpp"
#include "partition_files.hpp"

namespace chronicle::detail {

namespace {

std::uint64_t mtime_ns(const struct stat& st) {
  return static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
}

// What describe_quickly found at a segment's name.
enum class Found { Segment, Gone, NotAFile };

void take_seal(const SegmentSeal& seal, SegmentInfo& s) {
  s.sealed = true;
  s.record_count = seal.record_count;
  s.min_timestamp_ns = seal.min_timestamp_ns;
  s.max_timestamp_ns = seal.max_timestamp_ns;
  s.used_bytes = seal.used_bytes;
}

void take_stat(const struct stat& st, SegmentInfo& s) {
  s.size_on_disk = static_cast<std::uint64_t>(st.st_size);
  s.modified_ns = mtime_ns(st);
}

// Size and modification time of segment `s` (its file `name` in the
// directory open as `dir_fd`), and, with `seal_block`, the sealed flag,
// record count and time range from its header (nothing when the header is
// unreadable), from `seals` when the file is unchanged since a run read it.
// One open and fstat rather than an lstat and an open: the name is looked
// up once (twice when `seals` knows it). Gone if the file is (replaced since
// the listing); NotAFile for a symlink, directory or anything else planted
// under a segment's name, which is never opened.
Found describe_quickly(FileSystem& fs, int dir_fd, const std::string& dir, const std::string& name,
                       bool seal_block, SealCache& seals, SegmentInfo& s) {
  const std::string& path = s.path;
  struct stat st {};
  if (!seal_block || seals.has(path)) {
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Found::Gone;
    if (!S_ISREG(st.st_mode)) return Found::NotAFile;
    take_stat(st, s);
    if (!seal_block) return Found::Segment;
    if (auto seal = seals.find(path, st)) {
      take_seal(*seal, s);
      return Found::Segment;
    }
  }
  auto fd = fs.open_at(dir_fd, dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  // O_NOFOLLOW fails a symlink with ELOOP; any other failure is treated
  // as before the check, as a segment gone since the listing.
  if (!fd) return fd.error().sys_errno() == ELOOP ? Found::NotAFile : Found::Gone;
  if (::fstat(fd->get(), &st) != 0) return Found::Gone;
  if (!S_ISREG(st.st_mode)) return Found::NotAFile;
  take_stat(st, s);
  SegmentHeader h;
  if (fs.pread_exact(fd->get(), path, &h, sizeof h, 0) && h.magic == kSegmentMagic &&
      is_sealed(h)) {
    const SegmentSeal seal{h.record_count, h.min_timestamp_ns, h.max_timestamp_ns, h.end_of_data};
    take_seal(seal, s);
    seals.put(path, st, seal);
  }
  return Found::Segment;
}

// Whether the decisions look at record times, which only the seal blocks
// hold; the built-in policies otherwise need sizes and modification times.
bool needs_record_times(const PlanInput& in) {
  return in.policy.kind() == CompressionPolicy::Kind::AgeAfter || in.retention.max_age_days ||
         in.retention.delete_partitions_after_days;
}

// What policies need, cheaply: a stat per segment and, for hot segments,
// the seal block (sealed, count, time range) when `record_times` asks for
// it; the newest segment's always, since only it may be unsealed. An older
// segment counts as sealed (a writer has rolled past it);
// compress_segment checks again before it acts.
// Names that are not regular files are left out and added to `not_files`.
Result<std::vector<SegmentInfo>> quick_segments(FileSystem& fs, const std::string& dir,
                                                const std::string& rel, bool record_times,
                                                SealCache& seals,
                                                std::vector<std::string>& not_files) {
  // Looked up relative to the directory, which is resolved once (not
  // through a symlink: the listing skips those).
  const UniqueFd dir_fd(
      retry_eintr([&] { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC); }));
  if (!dir_fd) return io_error("open(dir)", dir, errno);
  auto entries = list_segments_at(dir_fd.get(), dir);
  if (!entries) return std::move(entries).error();
  std::vector<SegmentInfo> out;
  const std::uint64_t newest = entries->empty() ? 0 : entries->back().id;
  for (const SegmentEntry& e : *entries) {
    SegmentInfo s;
    s.partition = rel;
    s.segment_id = e.id;
    s.tier = e.hot ? SegmentTier::Hot : SegmentTier::Cold;
    s.path = segment_path(dir, e.id, s.tier);
    const bool seal_block = s.tier == SegmentTier::Hot && (record_times || e.id == newest);
    const Found found = describe_quickly(fs, dir_fd.get(), dir, segment_file_name(e.id, s.tier),
                                         seal_block, seals, s);
    if (found == Found::NotAFile) not_files.push_back(s.path);
    if (found != Found::Segment) continue;
    s.sealed = s.sealed || s.tier == SegmentTier::Cold || e.id < newest;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<PartitionLock>> try_lock_partition(FileSystem& fs, const std::string& dir) {
  const std::string path = dir + "/.lifecycle.lock";
  auto fd = fs.open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
  if (!fd) return std::move(fd).error();
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return std::shared_ptr<PartitionLock>();
    return io_error("flock", path, errno);
  }
  return std::make_shared<PartitionLock>(PartitionLock{std::move(*fd)});
}

Result<std::vector<SegmentJob>> plan_partition(const PlanInput& in, const PartitionInfo& partition,
                                               const std::shared_ptr<PartitionLock>& lock,
                                               LifecycleStats& stats, bool* delete_partition) {
  const std::string dir = in.table.root() + "/" + partition.path;
  *delete_partition = false;
  // Custom predicates may look at record counts and time ranges: describe
  // fully for them; the built-in policies need one stat per segment.
  std::vector<std::string> not_files;
  auto segments = in.policy.kind() == CompressionPolicy::Kind::Custom
                      ? in.table.segments(partition.values)
                      : quick_segments(in.table.file_system(), dir, partition.path,
                                       needs_record_times(in), in.seals, not_files);
  if (!segments) return std::move(segments).error();
  for (const std::string& path : not_files) {
    stats.errors.push_back({path, "not a regular file where a segment belongs (a symlink or "
                                  "directory?): never opened, compressed or deleted"});
  }
  if (in.policy.kind() == CompressionPolicy::Kind::IdleAfter && in.policy.track_reads()) {
    // A damaged access file counts as "never read": the seal time decides.
    if (auto access = AccessTracker::load(dir)) {
      for (SegmentInfo& s : *segments) {
        if (auto it = access->find(s.segment_id); it != access->end()) {
          s.last_read_ns = it->second.last_read_ns;
          s.read_count = it->second.read_count;
        }
      }
    } else {
      stats.errors.push_back({dir + "/.access", access.error().message() + " (treated as never read)"});
    }
  }
  stats.segments_scanned += segments->size();
  std::vector<SegmentJob> jobs;
  const RetentionRules& r = in.retention;
  const std::uint64_t newest = segments->empty() ? 0 : segments->back().segment_id;
  const bool all_sealed = std::all_of(segments->begin(), segments->end(),
                                      [](const SegmentInfo& s) { return s.sealed; });
  // Whole partition: everything sealed and the newest segment old enough.
  auto old_enough = [&](const SegmentInfo& s, std::uint32_t days) {
    const std::uint64_t ref = s.age_reference_ns();
    return in.now_ns >= ref && in.now_ns - ref >= static_cast<std::uint64_t>(days) * kNanosPerDay;
  };
  if (r.delete_partitions_after_days && all_sealed && !segments->empty() &&
      old_enough(segments->back(), *r.delete_partitions_after_days)) {
    *delete_partition = true;
    stats.retention_eligible += segments->size();
    return jobs;
  }
  // Segments, oldest first; never the newest (the next writer continues the
  // sequence from it).
  std::uint64_t bytes = 0;
  for (const SegmentInfo& s : *segments) bytes += s.size_on_disk;
  std::vector<bool> deleted(segments->size(), false);
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const SegmentInfo& s = (*segments)[i];
    if (!s.sealed || s.segment_id == newest) break;
    const bool too_old = r.max_age_days && old_enough(s, *r.max_age_days);
    const bool over_budget = r.max_partition_bytes && bytes > *r.max_partition_bytes;
    if (!too_old && !over_budget) continue;
    deleted[i] = true;
    bytes -= s.size_on_disk;
    ++stats.retention_eligible;
    jobs.push_back({SegmentJob::Kind::Delete, dir, s, lock});
  }
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const SegmentInfo& s = (*segments)[i];
    if (deleted[i]) continue;
    if (s.tier == SegmentTier::Cold) {
      ++stats.skipped["cold"];
    } else if (!s.sealed) {
      ++stats.skipped["live"];
    } else if (in.compress_all || in.policy.eligible(s, in.now_ns)) {
      ++stats.eligible;
      jobs.push_back({SegmentJob::Kind::Compress, dir, s, lock});
    } else {
      ++stats.skipped["not_eligible"];
    }
  }
  return jobs;
}

namespace {

// The names in the directory open as `dir_fd`, without "." and "..".
Result<std::vector<std::string>> read_names(int dir_fd, const std::string& dir) {
  const int own = ::dup(dir_fd);
  DIR* d = own < 0 ? nullptr : ::fdopendir(own);
  if (d == nullptr) {
    const int err = errno;
    if (own >= 0) ::close(own);
    return io_error("opendir", dir, err);
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  return names;
}

}  // namespace

Result<bool> delete_partition_dir(const Table& table, const PartitionInfo& partition,
                                  std::uint64_t* bytes, std::vector<std::string>* kept) {
  const std::string dir = table.root() + "/" + partition.path;
  FileSystem& fs = table.file_system();
  // Holding the writer lock keeps writers out while the files go.
  auto writer_lock = DirLock::acquire(fs, dir);
  if (!writer_lock) {
    if (writer_lock.error().code() == Errc::Locked) return false;
    return std::move(writer_lock).error();
  }
  // Entries are looked up and removed relative to the directory's own
  // descriptor, opened without following a symlink: only this directory's
  // entries go, whatever its path leads to meanwhile.
  UniqueFd dir_fd(
      retry_eintr([&] { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC); }));
  if (!dir_fd) return io_error("open(dir)", dir, errno);
  auto names = read_names(dir_fd.get(), dir);
  if (!names) return std::move(names).error();
  // Index files go first: one left behind by a crash would otherwise sit
  // beside no segment, and be taken for the index of the next segment of
  // that id when the partition is written again.
  std::stable_partition(names->begin(), names->end(), [](const std::string& name) {
    return parse_segment_index_name(name).has_value();
  });
  for (const std::string& name : *names) {
    struct stat st {};
    if (::fstatat(dir_fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    // Only names chronicle creates, and never a directory (nothing is
    // recursed into): anything else stays, and so does the partition.
    if (S_ISDIR(st.st_mode) || !is_partition_file_name(name)) {
      kept->push_back(escape_bytes(name));
      continue;
    }
    // A symlink at one of those names is removed itself (unlinkat never
    // follows it); its target is not counted and never touched.
    if (S_ISREG(st.st_mode)) *bytes += static_cast<std::uint64_t>(st.st_size);
    if (auto gone = fs.unlink_at(dir_fd.get(), dir, name);
        !gone && gone.error().code() != Errc::NotFound) {
      return std::move(gone).error();
    }
  }
  writer_lock->release();
  std::sort(kept->begin(), kept->end());
  if (!kept->empty()) return true;
  // Remove the partition directory and its now-empty parents, up to the root.
  std::string path = dir;
  while (path.size() > table.root().size()) {
    if (!fs.remove_dir(path)) break;
    path = path.substr(0, path.find_last_of('/'));
  }
  return true;
}

}  // namespace chronicle::detail
