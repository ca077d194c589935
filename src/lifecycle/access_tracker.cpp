#include <chronicle/lifecycle/access_tracker.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <vector>

#include <chronicle/core/errors.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/core/temp_name.hpp>

#include "access_file.hpp"

namespace chronicle {

namespace {

// Reads a whole small file; NotFound if absent.
Result<std::vector<std::byte>> read_small_file(const std::string& path) {
  auto fd = FileSystem::system().open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", path, errno);
  if (!S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
    return corruption(path, 0, "not a regular file of at most 64 MiB");
  }
  std::vector<std::byte> bytes(static_cast<std::size_t>(st.st_size));
  if (auto r = FileSystem::system().pread_exact(fd->get(), path, bytes.data(), bytes.size(), 0); !r) {
    return std::move(r).error();
  }
  return bytes;
}

// Temp files of flushes whose process died (a pid that no longer runs).
void remove_dead_temp_files(FileSystem& fs, const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> dead;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    constexpr std::string_view prefix = ".access.tmp-";
    if (!name.starts_with(prefix)) continue;
    const long pid = std::strtol(std::string(name.substr(prefix.size())).c_str(), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      dead.emplace_back(dir + "/" + std::string(name));
    }
  }
  ::closedir(d);
  for (const auto& path : dead) (void)fs.unlink(path);
}

// Merges `updates` into dir/.access under the partition's access lock.
Status merge_into_file(FileSystem& fs, const std::string& dir,
                       const std::map<std::uint64_t, SegmentAccess>& updates) {
  const std::string lock_path = dir + "/.access.lock";
  auto lock = fs.open(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
  if (!lock) return std::move(lock).error();
  // A blocking flock returns EINTR when a signal arrives while it waits.
  while (::flock(lock->get(), LOCK_EX) != 0) {
    if (errno != EINTR) return io_error("flock", lock_path, errno);
  }
  remove_dead_temp_files(fs, dir);
  const std::string path = detail::access_path(dir);
  std::map<std::uint64_t, SegmentAccess> merged;
  if (auto bytes = read_small_file(path)) {
    // A damaged file is replaced by what this process knows.
    if (auto old = detail::decode_access(*bytes, path)) merged = std::move(*old);
  } else if (bytes.error().code() != Errc::NotFound) {
    return std::move(bytes).error();
  }
  for (const auto& [id, a] : updates) {
    SegmentAccess& m = merged[id];
    m.last_read_ns = std::max(m.last_read_ns, a.last_read_ns);
    m.read_count += a.read_count;
  }
  const auto bytes = detail::encode_access(merged);
  // A random temp name created with O_EXCL: a file (or a hard link to one
  // outside the table) planted at a guessable name is never truncated or
  // written through. The name still starts `.access.tmp-<pid>`, which
  // remove_dead_temp_files reads.
  const std::string tmp = temp_path_for(path);
  auto fd = fs.open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
  if (!fd) return std::move(fd).error();
  Status st = fs.pwrite_all(fd->get(), tmp, bytes.data(), bytes.size(), 0);
  fd->reset();
  if (st) st = fs.rename_replace(tmp, path);
  if (!st) (void)fs.unlink(tmp);
  return st;
}

}  // namespace

Status validate(const AccessTrackerOptions& options) {
  const auto ms = options.flush_interval.count();
  if (ms < 0 || options.flush_interval > AccessTrackerOptions::kMaxFlushInterval) {
    return invalid_argument("access tracker flush_interval {} ms is invalid: expected 0 (no "
                            "background flush) to {} ms",
                            ms, AccessTrackerOptions::kMaxFlushInterval.count());
  }
  return {};
}

Result<std::shared_ptr<AccessTracker>> AccessTracker::create(AccessTrackerOptions options) {
  if (auto ok = validate(options); !ok) return std::move(ok).error();
  return std::shared_ptr<AccessTracker>(new AccessTracker(options));
}

AccessTracker::AccessTracker(AccessTrackerOptions options)
    : options_(options), clock_(options.clock ? *options.clock : Clock::system()) {
  if (options_.flush_interval.count() == 0) return;
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::exception&) {  // system_error, or bad_alloc for its state
    // No thread to be had (thread or address-space limit): reads are still
    // recorded, and flushed by flush() and the destructor.
  }
}

AccessTracker::~AccessTracker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  (void)flush();
}

void AccessTracker::segment_opened(const std::string& dir, std::uint64_t segment_id) noexcept {
  const std::uint64_t now = clock_.now_ns();
  try {
    std::lock_guard lock(mu_);
    SegmentAccess& a = pending_[dir][segment_id];
    a.last_read_ns = std::max(a.last_read_ns, now);
    ++a.read_count;
  } catch (...) {
    // Out of memory: tracking is advisory, the read goes on.
  }
}

Status AccessTracker::flush() {
  std::lock_guard one_at_a_time(flush_mu_);
  std::map<std::string, std::map<std::uint64_t, SegmentAccess>> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
  }
  Status first;
  for (const auto& [dir, updates] : batch) {
    if (auto st = merge_into_file(options_.fs ? *options_.fs : FileSystem::system(), dir, updates);
        !st) {
      std::lock_guard lock(mu_);
      ++flush_errors_;
      if (first) first = std::move(st);
    }
  }
  return first;
}

std::uint64_t AccessTracker::flush_errors() const {
  std::lock_guard lock(mu_);
  return flush_errors_;
}

Result<std::map<std::uint64_t, SegmentAccess>> AccessTracker::load(const std::string& partition_dir) {
  const std::string path = detail::access_path(partition_dir);
  auto bytes = read_small_file(path);
  if (!bytes) {
    if (bytes.error().code() == Errc::NotFound) return std::map<std::uint64_t, SegmentAccess>{};
    return std::move(bytes).error();
  }
  return detail::decode_access(*bytes, path);
}

void AccessTracker::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, options_.flush_interval, [&] { return stop_; });
    if (stop_) return;
    lock.unlock();
    (void)flush();
    lock.lock();
  }
}

}  // namespace chronicle
