#include "segment_preparer.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>
#include <system_error>

#include <chronicle/core/crash_point.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/segment/segment_naming.hpp>

namespace chronicle::detail {

void discard_segment(FileSystem& fs, PreparedSegment& seg) noexcept {
  const bool unlink = still_named(seg);
  seg.map.reset();
  seg.fd.reset();
  if (unlink) (void)fs.unlink(seg.path);
}

bool still_named(const PreparedSegment& seg) noexcept {
  struct stat open_file {}, named {};
  return ::fstat(seg.fd.get(), &open_file) == 0 && ::lstat(seg.path.c_str(), &named) == 0 &&
         open_file.st_dev == named.st_dev && open_file.st_ino == named.st_ino;
}

namespace {

// The temporary name of segment `id` in `dir`, freed of a leftover of a
// crashed preparation; we hold the directory lock, so no one else is
// writing it. unlink removes a planted symlink, not its target.
Result<std::string> free_prep_name(FileSystem& fs, const std::string& dir, std::uint64_t id) {
  std::string path = fmt::format("{}/{:09}{}", dir, id, kPrepSuffix);
  if (auto gone = fs.unlink(path); !gone && gone.error().code() != Errc::NotFound) {
    return std::move(gone).error();
  }
  return path;
}

}  // namespace

Result<PreparedSegment> prepare_segment(FileSystem& fs, const std::string& dir, std::uint64_t id,
                                        const LogOptions& options, std::uint64_t created_ns,
                                        bool prefault) {
  PreparedSegment seg;
  seg.id = id;
  auto path = free_prep_name(fs, dir, id);
  if (!path) return std::move(path).error();
  seg.path = std::move(*path);
  auto fd = fs.open(seg.path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, options.file_mode);
  if (!fd) return std::move(fd).error();
  seg.fd = std::move(*fd);
  auto fail = [&](Error e) -> Result<PreparedSegment> {
    seg.map.reset();
    seg.fd.reset();
    (void)fs.unlink(seg.path);
    return e;
  };
  if (auto st = fs.allocate(seg.fd.get(), seg.path, options.segment_size); !st) {
    return fail(std::move(st).error());
  }
  CHRONICLE_CRASH_POINT("create.after_allocate");
  auto map = MmapFile::map(fs, seg.fd.get(), seg.path, options.segment_size, true);
  if (!map) return fail(std::move(map).error());
  seg.map = std::move(*map);
  SegmentHeader h{};
  h.magic = kSegmentMagic;
  h.format_version = kSegmentFormatVersion;
  h.header_size = kSegmentHeaderSize;
  h.segment_id = id;
  h.capacity = options.segment_size;
  h.created_ns = created_ns;
  h.start_state = kSegmentNamedAhead;
  std::memcpy(seg.map.data(), &h, sizeof h);
  if (prefault) (void)seg.map.prefault_for_write();
  return seg;
}

Result<std::optional<PreparedSegment>> adopt_spare(FileSystem& fs, PreparedSegment& spare,
                                                   const std::string& dir, std::uint64_t id,
                                                   const LogOptions& options,
                                                   std::uint64_t created_ns) {
  const auto not_adopted = [] { return std::optional<PreparedSegment>(); };
  if (spare.map.size() != options.segment_size) return not_adopted();
  auto path = free_prep_name(fs, dir, id);
  if (!path) return not_adopted();
  const std::string from_dir = spare.path.substr(0, spare.path.find_last_of('/'));
  if (!still_named(spare) || !fs.rename_noreplace(spare.path, *path)) return not_adopted();
  PreparedSegment seg = std::move(spare);
  seg.path = std::move(*path);
  // Both names durable before the header changes: no crash may leave the
  // other log's directory with a file that says it is this log's segment.
  Status synced = fs.sync_dir(dir);
  if (synced) synced = fs.sync_dir(from_dir);
  if (!synced) {
    discard_segment(fs, seg);
    return std::move(synced).error();
  }
  CHRONICLE_CRASH_POINT("partition.after_adopt_spare");
  SegmentHeader h = read_segment_header(seg.map.data());
  h.segment_id = id;
  h.created_ns = created_ns;
  std::memcpy(seg.map.data(), &h, sizeof h);
  seg.id = id;
  seg.named_ahead = false;
  return std::optional<PreparedSegment>(std::move(seg));
}

Status name_ahead(FileSystem& fs, const std::string& dir, PreparedSegment& seg) {
  std::string final_path = segment_path(dir, seg.id);
  if (auto st = fs.rename_noreplace(seg.path, final_path); !st) return st;
  seg.path = std::move(final_path);
  seg.named_ahead = true;
  CHRONICLE_CRASH_POINT("create.after_name_ahead");
  return {};
}

Status publish_segment(FileSystem& fs, const std::string& dir, PreparedSegment& seg,
                       std::uint64_t base_seq) {
  start_named_segment(seg.map.data(), base_seq);
  if (seg.named_ahead) return {};
  std::string final_path = segment_path(dir, seg.id);
  if (auto st = fs.rename_noreplace(seg.path, final_path); !st) return st;
  seg.path = std::move(final_path);
  return {};
}

SegmentPreparer::SegmentPreparer(FileSystem& fs, const Clock& clock, std::string dir,
                                 LogOptions options, bool background,
                                 std::function<Status()> dir_in_place)
    : fs_(fs),
      clock_(clock),
      dir_(std::move(dir)),
      options_(options),
      dir_in_place_(std::move(dir_in_place)) {
  if (!background) return;
  for (auto* v : {&retired_maps_, &releasing_maps_}) v->reserve(4);
  for (auto* v : {&retired_fds_, &releasing_fds_}) v->reserve(4);
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::system_error&) {
    // No thread to be had (address space or thread limit): every method has
    // an inline path, taken when the thread is not running, so the writer
    // works, its rolls merely slower.
  }
}

SegmentPreparer::~SegmentPreparer() {
  {
    std::unique_lock lock(mu_);
    // Pending syncs are still done: the descriptors close after them.
    cv_.wait(lock, [&] { return !thread_.joinable() || (to_sync_.empty() && syncing_ == 0); });
    stop_ = true;
    cancel_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (ready_ && ready_->has_value()) discard(**ready_);
}

void SegmentPreparer::discard(PreparedSegment& seg) noexcept { discard_segment(fs_, seg); }

void SegmentPreparer::request(std::uint64_t id) {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    requested_ = id;
    create_first_ = !to_populate_;
  }
  cv_.notify_all();
}

Result<PreparedSegment> SegmentPreparer::in_place(Result<PreparedSegment> prepared) {
  if (!dir_in_place_) return prepared;
  // Also after a failure: "directory removed" explains a failed create.
  if (Status here = dir_in_place_(); !here) {
    if (prepared) discard(*prepared);
    return std::move(here).error();
  }
  return prepared;
}

void SegmentPreparer::populate(std::byte* data, std::size_t len) {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    to_populate_.emplace(data, len);
  }
  cv_.notify_all();
}

Result<PreparedSegment> SegmentPreparer::take(std::uint64_t id) {
  if (thread_.joinable()) {
    std::unique_lock lock(mu_);
    cancel_ = true;
    cv_.wait(lock, [&] { return !busy_ && !(requested_ && *requested_ == id && !ready_); });
    cancel_ = false;
    if (ready_) {
      Result<PreparedSegment> got = std::move(*ready_);
      ready_.reset();
      ready_unfaulted_ = false;
      if (got && got->id == id) return got;
      if (got) discard(*got);
      // A failed background attempt (say, a full disk) is retried inline
      // below, so that an append after space was freed succeeds.
    }
  }
  return in_place(prepare_segment(fs_, dir_, id, options_, clock_.now_ns()));
}

std::optional<PreparedSegment> SegmentPreparer::take_spare() {
  if (!thread_.joinable()) return std::nullopt;
  std::unique_lock lock(mu_);
  // Faulting in stops within a chunk; a requested segment is still created
  // (allocating and naming take about a millisecond), so there is one to take.
  cancel_ = true;
  cv_.wait(lock, [&] { return !busy_ && !requested_; });
  cancel_ = false;
  std::optional<Result<PreparedSegment>> ready = std::exchange(ready_, std::nullopt);
  ready_unfaulted_ = false;
  if (!ready || !ready->has_value()) return std::nullopt;
  return std::move(**ready);
}

void SegmentPreparer::retire_and_request(MmapFile map, UniqueFd fd, std::uint64_t next_id) {
  if (!thread_.joinable()) return;  // released right here by the destructors
  {
    std::lock_guard lock(mu_);
    // The retired segment's populate, if still waiting, is not wanted (and
    // its range is unmapped before it would run).
    if (to_populate_ && to_populate_->first >= map.data() &&
        to_populate_->first < map.data() + map.size()) {
      to_populate_.reset();
    }
    retired_maps_.push_back(std::move(map));
    retired_fds_.push_back(std::move(fd));
    requested_ = next_id;
    create_first_ = !to_populate_;
  }
  cv_.notify_all();
}

void SegmentPreparer::sync_and_close(UniqueFd fd, std::string path) {
  if (!thread_.joinable()) {
    if (auto st = fs_.fdatasync(fd.get(), path); !st && !sync_error_) sync_error_ = st.error();
    return;
  }
  {
    std::lock_guard lock(mu_);
    to_sync_.emplace_back(std::move(fd), std::move(path));
  }
  cv_.notify_all();
}

Error SegmentPreparer::take_sync_error() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return to_sync_.empty() && syncing_ == 0; });
  return std::exchange(sync_error_, Error());
}

void SegmentPreparer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] {
      return stop_ || requested_ || to_populate_ || ready_unfaulted_ || !retired_maps_.empty() ||
             !to_sync_.empty();
    });
    if (!to_sync_.empty()) {
      auto batch = std::move(to_sync_);
      to_sync_.clear();
      syncing_ = batch.size();
      lock.unlock();
      Error first;
      for (auto& [fd, path] : batch) {
        if (auto st = fs_.fdatasync(fd.get(), path); !st && !first) first = st.error();
        fd.reset();
      }
      lock.lock();
      syncing_ = 0;
      if (first && !sync_error_) sync_error_ = std::move(first);
      cv_.notify_all();
      continue;
    }
    if (!retired_maps_.empty()) {
      releasing_maps_.swap(retired_maps_);
      releasing_fds_.swap(retired_fds_);
      lock.unlock();
      releasing_maps_.clear();
      releasing_fds_.clear();
      lock.lock();
      continue;
    }
    if (stop_) return;
    if (requested_ && (create_first_ || !to_populate_)) {
      // Created before it is faulted in. Asked for before the live segment's
      // populate (a RollingWriter's next partition, opened in a segment the
      // left one prepared), it is also created before that populate: the
      // writer's next move hands this one over and would wait for it.
      const std::uint64_t id = *std::exchange(requested_, std::nullopt);
      if (ready_ && ready_->has_value()) discard(**ready_);
      ready_.reset();
      ready_unfaulted_ = false;
      busy_ = true;
      lock.unlock();
      auto prepared =
          in_place(prepare_segment(fs_, dir_, id, options_, clock_.now_ns(), false));
      // Named here, off the appending thread: a rename costs 50-100 us when
      // the kernel's caches are cold, as they are at a roll. If naming fails
      // the segment stays under its temporary name and the roll renames it,
      // reporting any error to the caller that rolled.
      if (prepared) (void)name_ahead(fs_, dir_, *prepared);
      lock.lock();
      busy_ = false;
      ready_unfaulted_ = prepared.has_value();
      ready_.emplace(std::move(prepared));
      cv_.notify_all();
      continue;
    }
    if (to_populate_) {
      const auto [data, len] = *std::exchange(to_populate_, std::nullopt);
      busy_ = true;
      lock.unlock();
      populate_for_write(data, len, &cancel_);
      lock.lock();
      busy_ = false;
      cv_.notify_all();
      continue;
    }
    // Faulted in last, so that a cancel (take(), take_spare(), the writer
    // closing) leaves a whole file, only partly faulted in. take() and
    // take_spare() move ready_ only once busy_ is down.
    if (!ready_unfaulted_ || !ready_ || !ready_->has_value()) continue;
    ready_unfaulted_ = false;
    MmapFile& map = (*ready_)->map;
    busy_ = true;
    lock.unlock();
    (void)map.prefault_for_write(&cancel_);
    lock.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

}  // namespace chronicle::detail
