#include <chronicle/segment/pending_sync.hpp>

#include <fcntl.h>

#include <algorithm>
#include <utility>

#include <chronicle/core/detail/fork_guard.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/core/segment_header.hpp>

namespace chronicle {

Status PendingSync::sync_file(File& f) {
  if (!f.fd) {
    auto fd = f.fs->open(f.path, (f.synced_watermark ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK);
    if (!fd) return fd.error().code() == Errc::NotFound ? Status() : Status(std::move(fd).error());
    f.fd = std::move(*fd);
  }
  if (auto st = f.fs->fdatasync(f.fd.get(), f.path); !st) return st;
  if (f.synced_watermark == 0) return {};
  const std::uint64_t mark = f.synced_watermark;
  if (auto st = f.fs->pwrite_all(f.fd.get(), f.path, &mark, sizeof mark, kSyncedOffsetField); !st) {
    return st;
  }
  return f.fs->fdatasync(f.fd.get(), f.path);
}

void PendingSync::add_file(FileSystem& fs, UniqueFd fd, std::string path,
                           std::uint64_t synced_watermark) {
  fork_gen_ = detail::fork_generation();
  File file{&fs, std::move(fd), std::move(path), synced_watermark};
  if (file.fd && descriptors_ >= kMaxDescriptors) {
    if (auto st = sync_file(file); !st) add_error(std::move(st).error());
    return;
  }
  if (file.fd) ++descriptors_;
  files_.push_back(std::move(file));
}

void PendingSync::add_dir(FileSystem& fs, std::string path) {
  fork_gen_ = detail::fork_generation();
  const bool known = std::any_of(dirs_.begin(), dirs_.end(),
                                 [&](const Dir& d) { return d.fs == &fs && d.path == path; });
  if (!known) dirs_.push_back({&fs, std::move(path)});
}

void PendingSync::add_error(Error error) {
  if (!error_) error_ = std::move(error);
}

Status PendingSync::check_same_process(const char* call) const {
  if (!empty() && fork_gen_ != detail::fork_generation()) {
    return Error(Errc::Closed, fmt::format("{} in a forked child: the parent's writer owns these "
                                           "files and syncs them",
                                           call));
  }
  return {};
}

Status PendingSync::start_writeback() {
  if (auto st = check_same_process("flush()"); !st) return st;
  Status first;
  for (File& f : files_) {
    if (!f.fd) continue;
    Status st = f.fs->start_writeback(f.fd.get(), f.path, 0, 0);
    if (!st && first) first = std::move(st);
  }
  return first;
}

Status PendingSync::run() {
  if (auto st = check_same_process("sync()"); !st) return st;
  Status first = error_ ? Status(std::move(error_)) : Status();
  auto keep = [&](Status st) {
    if (!st && first) first = std::move(st);
  };
  for (File& f : files_) keep(sync_file(f));
  for (const Dir& d : dirs_) keep(d.fs->sync_dir(d.path));
  *this = PendingSync();
  return first;
}

}  // namespace chronicle
