#include "v1_migration_target.hpp"

#include <fcntl.h>

#include <filesystem>

#include <chronicle/core/errors.hpp>
#include <chronicle/core/file_system.hpp>

namespace chronicle::ipc::v1 {

std::string_view target_state_name(TargetState state) noexcept {
  switch (state) {
    case TargetState::Untouched: return "untouched";
    case TargetState::Complete: return "complete";
    case TargetState::Removed: return "removed";
    case TargetState::MarkedIncomplete: return "marked incomplete";
  }
  return "?";
}

namespace detail {

namespace {
namespace fs = std::filesystem;

std::string marker_path(const std::string& dir) { return dir + "/" + std::string(kIncompleteMarker); }

std::string parent_of(const std::string& path) {
  const std::string parent = fs::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}
}  // namespace

Result<MigrationTarget> begin_target(const std::string& path, const std::string& source,
                                     mode_t dir_mode) {
  MigrationTarget target{path, false};
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      return file_error(Errc::InvalidArgument, path,
                        "migration target exists and is not a directory: refusing to write into it");
    }
    if (fs::directory_iterator(path, ec) != fs::directory_iterator() || ec) {
      return file_error(Errc::InvalidArgument, path,
                        "migration target is not empty: refusing to write into it{}",
                        ec ? fmt::format(" ({})", ec.message()) : "");
    }
  } else {
    if (auto made = FileSystem::system().mkdir(path, dir_mode); !made) return std::move(made).error();
    target.created = true;
  }
  FileSystem& fsys = FileSystem::system();
  const std::string marker = marker_path(path);
  const std::string text = fmt::format(
      "This directory is an incomplete migration of the chronicle-rs v1 data in\n  {}\n"
      "Its data are not complete. Delete this directory and migrate again.\n",
      escape_bytes(source));
  auto fd = fsys.open(marker, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
  Status written = fd ? fsys.pwrite_all(fd->get(), marker, text.data(), text.size(), 0)
                      : Status(fd.error());
  if (written) written = fsys.fsync(fd->get(), marker);
  if (written) written = fsys.sync_dir(path);
  if (written && target.created) written = fsys.sync_dir(parent_of(path));
  if (!written) {
    std::vector<std::string> ignored;
    (void)abandon_target(target, ignored);
    return written.error();
  }
  return target;
}

Status complete_target(const MigrationTarget& target) {
  FileSystem& fsys = FileSystem::system();
  if (auto st = fsys.unlink(marker_path(target.path)); !st) return st;
  return fsys.sync_dir(target.path);
}

TargetState abandon_target(const MigrationTarget& target, std::vector<std::string>& notes) {
  const std::string marker = marker_path(target.path);
  std::error_code ec;
  bool ok = true;
  fs::directory_iterator it(target.path, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->path().string() == marker) continue;
    std::error_code rm;
    fs::remove_all(it->path(), rm);
    if (rm) {
      notes.push_back(fmt::format("could not remove {}: {}", escape_bytes(it->path().string()),
                                  rm.message()));
      ok = false;
    }
  }
  if (ec) {
    notes.push_back(fmt::format("could not list {}: {}", escape_bytes(target.path), ec.message()));
    ok = false;
  }
  if (!ok) {
    notes.push_back(fmt::format("{} is left marked by {}", escape_bytes(target.path),
                                kIncompleteMarker));
    return TargetState::MarkedIncomplete;
  }
  fs::remove(marker, ec);
  if (ec) {
    notes.push_back(fmt::format("could not remove {}: {}", escape_bytes(marker), ec.message()));
    return TargetState::MarkedIncomplete;
  }
  if (target.created) {
    fs::remove(target.path, ec);
    // Empty now, so a later migration may use it: that counts as removed.
    if (ec) notes.push_back(fmt::format("{} is left empty: {}", escape_bytes(target.path), ec.message()));
  }
  return TargetState::Removed;
}

}  // namespace detail
}  // namespace chronicle::ipc::v1
