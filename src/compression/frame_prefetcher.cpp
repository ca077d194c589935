#include "frame_prefetcher.hpp"

#include <algorithm>
#include <exception>

namespace chronicle::detail {

Result<std::unique_ptr<FramePrefetcher>> FramePrefetcher::create(const SeekableReader& reader,
                                                                 std::size_t ahead) {
  auto mine = ZstdDecompressor::create();
  if (!mine) return std::move(mine).error();
  return std::unique_ptr<FramePrefetcher>(new FramePrefetcher(reader, ahead, std::move(*mine)));
}

FramePrefetcher::FramePrefetcher(const SeekableReader& reader, std::size_t ahead,
                                 ZstdDecompressor mine)
    : reader_(reader), ahead_(ahead), z_(std::move(mine)) {}

Status FramePrefetcher::start_worker() {
  auto worker = ZstdDecompressor::create();
  if (!worker) return std::move(worker).error();
  try {
    worker_ = std::thread([this, z = std::move(*worker)]() mutable { run(std::move(z)); });
  } catch (const std::exception&) {
    // No thread to be had (system_error: a thread or address-space limit;
    // bad_alloc for its state): the reader decompresses every frame itself,
    // without read-ahead, until trim() lets it try again.
    no_thread_ = true;
  }
  return {};
}

FramePrefetcher::~FramePrefetcher() { stop_worker(); }

void FramePrefetcher::stop_worker() noexcept {
  if (!worker_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();  // after the frame it is on, if any
  std::lock_guard lock(mu_);
  stop_ = false;
}

std::vector<std::byte> FramePrefetcher::take_buffer() {
  if (free_.empty()) return {};
  std::vector<std::byte> b = std::move(free_.back());
  free_.pop_back();
  return b;
}

void FramePrefetcher::work_on(Slot& slot, ZstdDecompressor& z, std::unique_lock<std::mutex>& lock) {
  slot.state = State::Working;
  std::vector<std::byte> bytes = std::move(slot.bytes);
  const std::size_t frame = slot.frame;
  lock.unlock();
  bytes.resize(reader_.table().frame_size(frame));
  Status st = reader_.read_frame(frame, bytes, z);
  lock.lock();
  slot.bytes = std::move(bytes);
  slot.status = std::move(st);
  slot.state = State::Ready;
  cv_.notify_all();
}

void FramePrefetcher::run(ZstdDecompressor z) {
  std::unique_lock lock(mu_);
  for (;;) {
    auto queued = slots_.end();
    cv_.wait(lock, [&] {
      queued = std::find_if(slots_.begin(), slots_.end(),
                            [](const Slot& s) { return s.state == State::Queued; });
      return stop_ || queued != slots_.end();
    });
    if (stop_) return;
    work_on(*queued, z, lock);
  }
}

void FramePrefetcher::trim() noexcept {
  // A reader may keep many trimmed segments: none keeps a thread or a zstd
  // context. The next sequential read starts them again.
  stop_worker();
  no_thread_ = false;
  z_.release();
  std::lock_guard lock(mu_);
  current_ = {};
  current_frame_ = SIZE_MAX;
  free_.clear();
  slots_.clear();
}

Result<std::span<const std::byte>> FramePrefetcher::get(std::size_t i) {
  if (i == current_frame_) return std::span<const std::byte>(current_);
  const std::size_t frames = reader_.table().frame_count();
  // Read ahead only once the reader moves on to the next frame: a seek reads
  // one frame, and decompressing more for it is wasted work.
  const bool sequential = current_frame_ != SIZE_MAX && i == current_frame_ + 1;
  if (sequential && ahead_ > 0 && !worker_.joinable() && !no_thread_) {
    if (auto st = start_worker(); !st) return std::move(st).error();
  }
  const std::size_t ahead = sequential && !no_thread_ ? ahead_ : 0;
  std::unique_lock lock(mu_);
  if (!current_.empty() || current_.capacity() > 0) free_.push_back(std::move(current_));
  current_frame_ = SIZE_MAX;
  // Frames outside [i, i + ahead] are of no more use (the reader jumped):
  // recycle them unless a thread is still decompressing them.
  for (auto it = slots_.begin(); it != slots_.end();) {
    if (it->state != State::Working && (it->frame < i || it->frame > i + ahead)) {
      free_.push_back(std::move(it->bytes));
      it = slots_.erase(it);
    } else {
      ++it;
    }
  }
  auto find = [&](std::size_t f) {
    return std::find_if(slots_.begin(), slots_.end(), [&](const Slot& s) { return s.frame == f; });
  };
  // Queue the frames after i before working, so the background thread starts
  // on them while this thread handles frame i.
  for (std::size_t j = i + 1; j <= i + ahead && j < frames; ++j) {
    if (find(j) == slots_.end()) slots_.push_back(Slot{j, State::Queued, take_buffer(), {}});
  }
  cv_.notify_all();
  Status status;
  auto slot = find(i);
  if (slot == slots_.end()) {
    std::vector<std::byte> bytes = take_buffer();
    lock.unlock();
    bytes.resize(reader_.table().frame_size(i));
    status = reader_.read_frame(i, bytes, z_);
    lock.lock();
    current_ = std::move(bytes);
  } else {
    while (slot->state != State::Ready) {
      if (slot->state == State::Queued) {
        work_on(*slot, z_, lock);
        continue;
      }
      // The background thread is on frame i: take a queued frame meanwhile.
      auto other = std::find_if(slots_.begin(), slots_.end(),
                                [](const Slot& s) { return s.state == State::Queued; });
      if (other != slots_.end()) {
        work_on(*other, z_, lock);
      } else {
        cv_.wait(lock);
      }
    }
    current_ = std::move(slot->bytes);
    status = std::move(slot->status);
    slots_.erase(slot);
  }
  if (!status) return std::move(status).error();
  current_frame_ = i;
  return std::span<const std::byte>(current_);
}

}  // namespace chronicle::detail
