#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/lifecycle/rate_limiter.hpp>
#include <chronicle/table/partition/partition_path.hpp>
#include <chronicle/table/segment_index.hpp>

#include "partition_plan.hpp"

namespace chronicle {

struct StorageLifecycleManager::Impl {
  Table table;
  LifecycleConfig config;
  CompressionPolicy policy;
  SegmentCompressionOptions compression;
  const Clock* clock;
  detail::SealCache seals;

  std::mutex bg_mu;
  std::condition_variable bg_cv;
  bool bg_stop = false;  // guarded by bg_mu
  // Set by stop_background(): the background run in progress starts no
  // more jobs, and the frames being compressed are the last ones.
  std::atomic<bool> bg_cancel{false};
  std::thread bg_thread;

  Impl(Table t, LifecycleConfig c)
      : table(std::move(t)),
        config(std::move(c)),
        policy(config.policy ? *config.policy : table.config().compression_policy),
        clock(config.clock ? config.clock : &Clock::system()) {
    compression.seekable.codec.level = config.compression_level.value_or(table.config().compression_level);
    compression.seekable.block_size = config.block_size.value_or(table.config().compression_block_size);
    compression.file_mode = table.config().file_mode;
    compression.fs = &table.file_system();
  }

  // One pass over the table (run_once); `cancel` as in run().
  Result<LifecycleStats> scan(const std::atomic<bool>* cancel);
  // Once `*cancel` is set (null: never), no further partition is planned and
  // no further job started; compressions in progress stop after their frame
  // (skipped "stopped").
  Result<LifecycleStats> run(const std::vector<PartitionInfo>& partitions, bool compress_all,
                             const std::atomic<bool>* cancel);
  void execute(detail::SegmentJob& job, RateLimiter& limiter, const std::atomic<bool>* cancel,
               LifecycleStats& stats);
};

namespace {

// Runs jobs on `workers` threads; the producer blocks while `limit` jobs wait,
// so a run over many partitions holds few partition locks at a time. When
// fewer threads can be started (thread or address-space limit), the ones
// that did run every job; when none did, push() runs each job itself.
class JobQueue {
 public:
  JobQueue(unsigned workers, std::size_t limit, std::function<void(detail::SegmentJob&)> run)
      : limit_(limit), run_(std::move(run)) {
    threads_.reserve(workers);  // so that only the threads' own start can fail below
    try {
      for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
    } catch (const std::exception&) {  // system_error, or bad_alloc for a thread's state
    }
  }
  ~JobQueue() { finish(); }

  void push(detail::SegmentJob job) {
    if (threads_.empty()) {
      run_(job);
      return;
    }
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return jobs_.size() < limit_; });
    jobs_.push_back(std::move(job));
    ready_.notify_one();
  }
  // Waits until every job has run and stops the threads.
  void finish() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void work() {
    for (;;) {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [&] { return done_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      detail::SegmentJob job = std::move(jobs_.front());
      jobs_.pop_front();
      space_.notify_one();
      lock.unlock();
      run_(job);
    }
  }

  const std::size_t limit_;
  std::function<void(detail::SegmentJob&)> run_;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<detail::SegmentJob> jobs_;
  bool done_ = false;
  std::vector<std::thread> threads_;
};

// Why a partition retention deleted stays: the entries it left alone.
std::string kept_message(const std::vector<std::string>& kept) {
  constexpr std::size_t kNamed = 5;
  std::string names;
  for (std::size_t i = 0; i < kept.size() && i < kNamed; ++i) names += (i ? ", " : "") + kept[i];
  if (kept.size() > kNamed) names += fmt::format(" and {} more", kept.size() - kNamed);
  return fmt::format("partition files deleted, directory kept: {} entries chronicle did not create "
                     "(or directories) were left alone: {}",
                     kept.size(), names);
}

}  // namespace

void StorageLifecycleManager::Impl::execute(detail::SegmentJob& job, RateLimiter& limiter,
                                            const std::atomic<bool>* cancel, LifecycleStats& stats) {
  const auto cancelled = [cancel] { return cancel != nullptr && cancel->load(); };
  if (cancelled()) {
    ++stats.skipped["stopped"];
    return;
  }
  const SegmentInfo& s = job.segment;
  if (job.kind == detail::SegmentJob::Kind::Delete) {
    FileSystem& fs = table.file_system();
    // The index goes first, and the segment only once it is gone: an index
    // outliving its segment would be taken for the index of a later segment
    // of the same id.
    const std::string index = segment_index_path(job.dir, s.segment_id);
    std::string failed = index;
    Status st = fs.unlink(index);
    if (st || st.error().code() == Errc::NotFound) {
      failed = s.path;
      st = fs.unlink(s.path);
    }
    if (st || st.error().code() == Errc::NotFound) {
      ++stats.deleted_segments;
      stats.bytes_deleted += s.size_on_disk;
    } else {
      stats.errors.push_back({failed, st.error().message()});
    }
    return;
  }
  SegmentCompressionOptions options = compression;
  options.on_frame = [&limiter, cancel](std::uint64_t bytes) -> Status {
    if (limiter.acquire(bytes, cancel)) return {};
    return Error(Errc::Closed, "the lifecycle manager is stopping");
  };
  auto r = compress_segment(job.dir, s.segment_id, options);
  if (r) {
    ++stats.compressed;
    stats.bytes_before += r->bytes_before;
    stats.bytes_after += r->bytes_after;
  } else if (r.error().code() == Errc::Closed && cancelled()) {
    ++stats.skipped["stopped"];
  } else if (r.error().code() == Errc::InvalidArgument) {
    ++stats.skipped["unsealed"];  // sealed only in the listing's view; a writer's roll is in flight
  } else if (r.error().code() == Errc::NotFound) {
    ++stats.skipped["cold"];  // compressed meanwhile (another manager)
  } else {
    stats.errors.push_back({s.path, r.error().message()});
  }
}

Result<LifecycleStats> StorageLifecycleManager::Impl::run(const std::vector<PartitionInfo>& partitions,
                                                          bool compress_all,
                                                          const std::atomic<bool>* cancel) {
  const auto start = std::chrono::steady_clock::now();
  LifecycleStats total;
  total.dry_run = config.dry_run;
  std::mutex stats_mu;
  RateLimiter limiter(config.max_bytes_per_second);
  {
    JobQueue queue(config.parallel_workers, 2 * config.parallel_workers,
                   [&](detail::SegmentJob& job) {
                     LifecycleStats one;
                     execute(job, limiter, cancel, one);
                     job.lock.reset();  // the partition lock goes with the partition's last job
                     std::lock_guard lock(stats_mu);
                     total.merge(one);
                   });
    const detail::PlanInput in{table, policy, config.retention, clock->now_ns(), compress_all,
                               seals};
    for (const PartitionInfo& p : partitions) {
      if (cancel != nullptr && cancel->load()) break;
      LifecycleStats part;
      ++part.partitions_scanned;
      const std::string dir = table.root() + "/" + p.path;
      // A dry run only reads: it takes no lock, so it creates no lock file.
      auto lock = config.dry_run ? Result<std::shared_ptr<detail::PartitionLock>>(
                                       std::make_shared<detail::PartitionLock>())
                                 : detail::try_lock_partition(table.file_system(), dir);
      std::vector<detail::SegmentJob> jobs;
      bool delete_partition = false;
      if (!lock) {
        part.errors.push_back({dir, lock.error().message()});
      } else if (!*lock) {
        ++part.skipped["busy"];
      } else {
        if (!config.dry_run) {
          // Leftovers of crashed runs; safe while this run holds the lock.
          if (auto n = remove_stale_temp_files(dir, table.file_system())) {
            part.temp_files_removed += *n;
          } else {
            part.errors.push_back({dir, n.error().message()});
          }
        }
        auto planned = detail::plan_partition(in, p, *lock, part, &delete_partition);
        if (planned) {
          jobs = std::move(*planned);
        } else {
          part.errors.push_back({dir, planned.error().message()});
        }
      }
      if (delete_partition && !config.dry_run) {
        std::uint64_t bytes = 0;
        std::vector<std::string> kept;
        if (auto gone = detail::delete_partition_dir(table, p, &bytes, &kept); !gone) {
          part.errors.push_back({dir, gone.error().message()});
        } else if (*gone) {
          part.bytes_deleted += bytes;
          if (kept.empty()) {
            ++part.deleted_partitions;
          } else {
            part.errors.push_back({dir, kept_message(kept)});
          }
        } else {
          ++part.skipped["writer_active"];
        }
      }
      {
        std::lock_guard guard(stats_mu);
        total.merge(part);
      }
      if (!config.dry_run) {
        for (auto& job : jobs) queue.push(std::move(job));
      }
    }
    queue.finish();
  }
  total.duration = std::chrono::steady_clock::now() - start;
  return total;
}

StorageLifecycleManager::StorageLifecycleManager(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StorageLifecycleManager::StorageLifecycleManager(StorageLifecycleManager&&) noexcept = default;
StorageLifecycleManager& StorageLifecycleManager::operator=(StorageLifecycleManager&& other) noexcept {
  if (this != &other) {
    if (impl_) stop_background();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
StorageLifecycleManager::~StorageLifecycleManager() {
  if (impl_) stop_background();
}

Result<StorageLifecycleManager> StorageLifecycleManager::open(std::string table_root,
                                                              LifecycleConfig config) {
  if (auto ok = config.validate(); !ok) return std::move(ok).error();
  auto table = Table::open(std::move(table_root), config.fs ? *config.fs : FileSystem::system());
  if (!table) return std::move(table).error();
  return StorageLifecycleManager(std::make_unique<Impl>(std::move(*table), std::move(config)));
}

const Table& StorageLifecycleManager::table() const noexcept { return impl_->table; }
const CompressionPolicy& StorageLifecycleManager::policy() const noexcept { return impl_->policy; }

Result<LifecycleStats> StorageLifecycleManager::Impl::scan(const std::atomic<bool>* cancel) {
  ListOptions list;
  list.stats = false;
  auto partitions = table.partitions(PartitionFilter::all(), list);
  if (!partitions) return std::move(partitions).error();
  const std::uint64_t id = seals.begin_scan();
  auto stats = run(*partitions, false, cancel);
  seals.end_scan(id);
  return stats;
}

Result<LifecycleStats> StorageLifecycleManager::run_once() { return impl_->scan(nullptr); }

Result<LifecycleStats> StorageLifecycleManager::compress_partition(const std::string& relative_path) {
  auto values = parse_partition_path(impl_->table.scheme(), relative_path);
  if (!values) return std::move(values).error();
  // A symlink in the way is refused, never followed (as run_once skips it).
  if (auto dir = impl_->table.existing_partition_dir(*values); !dir) return std::move(dir).error();
  PartitionInfo p;
  p.values = std::move(*values);
  p.path = relative_path;
  return impl_->run({p}, true, nullptr);
}

Result<LifecycleStats> StorageLifecycleManager::decompress_segment(const std::string& relative_path,
                                                                   std::uint64_t id) {
  auto values = parse_partition_path(impl_->table.scheme(), relative_path);
  if (!values) return std::move(values).error();
  auto checked = impl_->table.existing_partition_dir(*values);
  if (!checked) return std::move(checked).error();
  const std::string& dir = *checked;
  auto lock = detail::try_lock_partition(impl_->table.file_system(), dir);
  if (!lock) return std::move(lock).error();
  if (!*lock) {
    return file_error(Errc::Locked, dir, "another lifecycle run is working on this partition");
  }
  LifecycleStats stats;
  stats.dry_run = impl_->config.dry_run;
  const auto start = std::chrono::steady_clock::now();
  if (!impl_->config.dry_run) {
    auto r = chronicle::decompress_segment(dir, id, impl_->compression);
    if (!r) return std::move(r).error();
    ++stats.decompressed;
    stats.bytes_before += r->bytes_before;
    stats.bytes_after += r->bytes_after;
  }
  stats.duration = std::chrono::steady_clock::now() - start;
  return stats;
}

Status StorageLifecycleManager::start_background(std::chrono::milliseconds interval, RunCallback on_run) {
  if (interval.count() <= 0) {
    return invalid_argument("background interval {} ms is invalid: expected at least 1 ms",
                            interval.count());
  }
  Impl& impl = *impl_;
  if (impl.bg_thread.joinable()) return invalid_argument("the background mode is already running");
  impl.bg_stop = false;
  impl.bg_cancel = false;
  try {
    impl.bg_thread = std::thread([this, interval, on_run = std::move(on_run)] {
      Impl& i = *impl_;
      std::unique_lock lock(i.bg_mu);
      while (!i.bg_stop) {
        lock.unlock();
        auto stats = i.scan(&i.bg_cancel);
        if (on_run) on_run(stats);
        lock.lock();
        i.bg_cv.wait_for(lock, interval, [&] { return i.bg_stop; });
      }
    });
  } catch (const std::system_error& e) {
    return Error(Errc::Io,
                 fmt::format("cannot start the background lifecycle thread for {}: {}",
                             impl.table.root(), e.what()),
                 e.code().value());
  } catch (const std::bad_alloc&) {
    return Error(Errc::Io, fmt::format("cannot start the background lifecycle thread for {}: "
                                       "out of memory",
                                       impl.table.root()),
                 ENOMEM);
  }
  return {};
}

void StorageLifecycleManager::stop_background() {
  Impl& impl = *impl_;
  {
    std::lock_guard lock(impl.bg_mu);
    impl.bg_stop = true;
    impl.bg_cancel = true;
  }
  impl.bg_cv.notify_all();
  if (impl.bg_thread.joinable()) impl.bg_thread.join();
}

}  // namespace chronicle
