#pragma once
// The progress bar of `chronicle compress` and `chronicle lifecycle run`.
// StorageLifecycleManager reports nothing until a run ends, so progress is
// measured from outside: a thread lists the partitions' directories every
// kPollInterval and counts the segments that were hot (.q) when the run
// started and are cold (.q.zst) now, out of the number a dry run found
// eligible just before. Bytes are those of the hot files that went.
//
// Draws on stderr only: the caller creates a monitor only when stderr is a
// terminal, so scripts and pipes never see a '\r'.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace chronicle::cli {

class ProgressMonitor {
 public:
  // Takes a snapshot of the hot segments in `dirs` and starts drawing.
  ProgressMonitor(std::vector<std::string> dirs, std::uint64_t total);
  ProgressMonitor(const ProgressMonitor&) = delete;
  ProgressMonitor& operator=(const ProgressMonitor&) = delete;
  ~ProgressMonitor() { finish(); }

  // Stops the thread, draws the final state and ends the line. Idempotent.
  void finish();

 private:
  static constexpr auto kPollInterval = std::chrono::milliseconds(250);

  void run();
  void draw(bool final);

  std::vector<std::string> dirs_;
  std::uint64_t total_;
  // (dir index, segment id) -> bytes of the hot file, at the start.
  std::map<std::pair<std::size_t, std::uint64_t>, std::uint64_t> hot_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace chronicle::cli
