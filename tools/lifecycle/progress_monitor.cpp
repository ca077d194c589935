#include "lifecycle/progress_monitor.hpp"

#include <sys/stat.h>

#include <cstdio>

#include <fmt/format.h>

#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_store.hpp>

#include "format/progress_line.hpp"
#include "support/console.hpp"

namespace chronicle::cli {

ProgressMonitor::ProgressMonitor(std::vector<std::string> dirs, std::uint64_t total)
    : dirs_(std::move(dirs)), total_(total) {
  for (std::size_t i = 0; i < dirs_.size(); ++i) {
    auto listed = list_segments(dirs_[i]);
    if (!listed) continue;
    for (const SegmentEntry& e : *listed) {
      if (!e.hot) continue;
      struct stat st {};
      const std::string path = segment_path(dirs_[i], e.id, SegmentTier::Hot);
      hot_[{i, e.id}] = ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
    }
  }
  start_ = std::chrono::steady_clock::now();
  draw(false);
  thread_ = std::thread([this] { run(); });
}

void ProgressMonitor::finish() {
  if (finished_) return;
  finished_ = true;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  draw(true);
}

void ProgressMonitor::run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, kPollInterval, [this] { return stop_; })) {
    lock.unlock();
    draw(false);
    lock.lock();
  }
}

void ProgressMonitor::draw(bool final) {
  Progress p;
  p.total = total_;
  p.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  for (std::size_t i = 0; i < dirs_.size(); ++i) {
    auto listed = list_segments(dirs_[i]);
    if (!listed) continue;
    for (const SegmentEntry& e : *listed) {
      if (e.hot) continue;
      if (const auto it = hot_.find({i, e.id}); it != hot_.end()) {
        ++p.done;
        p.bytes += it->second;
      }
    }
  }
  draw_progress_line(progress_line(p), final);
}

}  // namespace chronicle::cli
