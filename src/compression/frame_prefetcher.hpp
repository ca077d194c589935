#pragma once
// Hands out the decompressed frames of a seekable file to one reader, and,
// once the reader goes from one frame to the next, decompresses the frames
// after it ahead of time: a background thread (started then) takes queued
// frames, and the reader itself takes a queued frame instead of waiting idle
// while the thread is busy with the one it needs, so sequential reads use two
// cores. Buffers are recycled: after warm-up no frame allocates. When no
// thread can be started, the reader decompresses each frame itself.

#include <condition_variable>
#include <cstddef>
#include <list>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include <chronicle/compression/seekable_reader.hpp>
#include <chronicle/compression/zstd_codec.hpp>
#include <chronicle/core/error.hpp>

namespace chronicle::detail {

class FramePrefetcher {
 public:
  // `ahead` frames are decompressed in advance; 0 turns read-ahead off (no
  // thread). REQUIRES: `reader` outlives this object.
  static Result<std::unique_ptr<FramePrefetcher>> create(const SeekableReader& reader,
                                                         std::size_t ahead);
  ~FramePrefetcher();
  FramePrefetcher(const FramePrefetcher&) = delete;
  FramePrefetcher& operator=(const FramePrefetcher&) = delete;

  // Frame `i`, decompressed and verified. The span stays valid until the
  // next call. If the previous call asked for frame i-1, queues frames
  // i+1 .. i+ahead.
  Result<std::span<const std::byte>> get(std::size_t i);
  // Frees every decompressed frame, stops the read-ahead thread (once it has
  // finished the frame it is on) and frees the zstd contexts.
  void trim() noexcept;

 private:
  enum class State { Queued, Working, Ready };
  struct Slot {
    std::size_t frame;
    State state;
    std::vector<std::byte> bytes;
    Status status;
  };

  FramePrefetcher(const SeekableReader& reader, std::size_t ahead, ZstdDecompressor mine);
  Status start_worker();
  void stop_worker() noexcept;
  void run(ZstdDecompressor z);
  // Decompresses a Working slot outside the lock, then marks it Ready.
  void work_on(Slot& slot, ZstdDecompressor& z, std::unique_lock<std::mutex>& lock);
  std::vector<std::byte> take_buffer();  // REQUIRES: mu_ held

  const SeekableReader& reader_;
  const std::size_t ahead_;
  ZstdDecompressor z_;  // the reader thread's own
  std::vector<std::byte> current_;
  std::size_t current_frame_ = SIZE_MAX;

  std::mutex mu_;
  std::condition_variable cv_;
  std::list<Slot> slots_;                     // guarded by mu_; nodes are stable
  std::vector<std::vector<std::byte>> free_;  // guarded by mu_
  bool stop_ = false;                         // guarded by mu_
  // The thread could not be started: no read-ahead until trim(). The
  // reader's own, like current_.
  bool no_thread_ = false;
  std::thread worker_;
};

}  // namespace chronicle::detail
