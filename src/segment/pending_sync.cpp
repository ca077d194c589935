#include <chronicle/segment/pending_sync.hpp>

#include <fcntl.h>

#include <algorithm>
#include <utility>

namespace chronicle {

void PendingSync::add_file(FileSystem& fs, UniqueFd fd, std::string path) {
  if (fd) {
    if (descriptors_ >= kMaxDescriptors) {
      fd.reset();
    } else {
      ++descriptors_;
    }
  }
  files_.push_back({&fs, std::move(fd), std::move(path)});
}

void PendingSync::add_dir(FileSystem& fs, std::string path) {
  const bool known = std::any_of(dirs_.begin(), dirs_.end(),
                                 [&](const Dir& d) { return d.fs == &fs && d.path == path; });
  if (!known) dirs_.push_back({&fs, std::move(path)});
}

void PendingSync::add_error(Error error) {
  if (!error_) error_ = std::move(error);
}

void PendingSync::append(PendingSync&& other) {
  for (File& f : other.files_) add_file(*f.fs, std::move(f.fd), std::move(f.path));
  for (Dir& d : other.dirs_) add_dir(*d.fs, std::move(d.path));
  if (other.error_) add_error(std::move(other.error_));
  other = PendingSync();
}

Status PendingSync::run() {
  Status first = error_ ? Status(std::move(error_)) : Status();
  auto keep = [&](Status st) {
    if (!st && first) first = std::move(st);
  };
  for (File& f : files_) {
    if (!f.fd) {
      auto fd = f.fs->open(f.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
      if (!fd) {
        if (fd.error().code() != Errc::NotFound) keep(std::move(fd).error());
        continue;
      }
      f.fd = std::move(*fd);
    }
    keep(f.fs->fdatasync(f.fd.get(), f.path));
  }
  for (const Dir& d : dirs_) keep(d.fs->sync_dir(d.path));
  *this = PendingSync();
  return first;
}

}  // namespace chronicle
