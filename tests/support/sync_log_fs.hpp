#pragma once
// A FaultFs that also remembers every successful fsync, fdatasync and
// directory fsync, in order, so a test can tell what a call made durable,
// and apart from those the files whose write-back was started
// (sync_file_range), so a test can tell what a flush() covered.

#include <mutex>
#include <string>
#include <vector>

#include "support/fault_fs.hpp"

namespace chronicle::test {

class SyncLogFs : public FaultFs {
 public:
  // Paths synced so far, each prefixed "file " or "dir ".
  std::vector<std::string> synced() const {
    std::lock_guard lock(log_mu_);
    return synced_;
  }
  void forget() {
    std::lock_guard lock(log_mu_);
    synced_.clear();
    written_back_.clear();
  }
  bool wrote_back(const std::string& path) const {
    std::lock_guard lock(log_mu_);
    for (const auto& s : written_back_) {
      if (s == path) return true;
    }
    return false;
  }
  bool synced_file(const std::string& path) const { return contains("file " + path); }
  bool synced_dir(const std::string& path) const { return contains("dir " + path); }

 protected:
  void observe(const FsCall& call) override {
    std::lock_guard lock(log_mu_);
    if (call.op == FsOp::SyncRange) written_back_.emplace_back(call.path);
    if (call.op != FsOp::Fsync && call.op != FsOp::DirSync) return;
    synced_.push_back((call.op == FsOp::Fsync ? "file " : "dir ") + std::string(call.path));
  }

 private:
  bool contains(const std::string& entry) const {
    std::lock_guard lock(log_mu_);
    for (const auto& s : synced_) {
      if (s == entry) return true;
    }
    return false;
  }
  mutable std::mutex log_mu_;
  std::vector<std::string> synced_;
  std::vector<std::string> written_back_;
};

}  // namespace chronicle::test
