#include "partition_dirs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

#include <chronicle/core/errors.hpp>
#include <chronicle/table/partition/partition_path.hpp>

namespace chronicle::detail {

Status make_partition_dirs(FileSystem& fs, const std::string& root, const std::string& relative,
                           mode_t mode) {
  std::string path = root;
  std::size_t start = 0;
  while (start <= relative.size()) {
    const std::size_t slash = relative.find('/', start);
    const std::size_t end = slash == std::string::npos ? relative.size() : slash;
    const std::string parent = path;
    path += "/" + relative.substr(start, end - start);
    if (auto st = fs.mkdir(path, mode); !st) return st;
    struct stat s {};
    if (::lstat(path.c_str(), &s) != 0) return io_error("lstat", path, errno);
    if (!S_ISDIR(s.st_mode)) {
      return file_error(Errc::InvalidArgument, path,
                        "is {} where a partition directory belongs: refusing to follow or replace it",
                        S_ISLNK(s.st_mode) ? "a symlink" : "not a directory");
    }
    if (auto st = fs.sync_dir(parent); !st) return st;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return {};
}

Status check_partition_dirs(const std::string& root, const std::string& relative) {
  std::string path = root;
  for (std::size_t start = 0; start <= relative.size();) {
    const std::size_t slash = std::min(relative.find('/', start), relative.size());
    path += "/" + relative.substr(start, slash - start);
    struct stat s {};
    if (::lstat(path.c_str(), &s) != 0) {
      if (errno == ENOENT) {
        return file_error(Errc::NotFound, path, "does not exist: not a partition of this table");
      }
      return io_error("lstat", path, errno);
    }
    if (!S_ISDIR(s.st_mode)) {
      return file_error(Errc::InvalidArgument, path,
                        "is {} where a partition directory belongs: never followed",
                        S_ISLNK(s.st_mode) ? "a symlink" : "not a directory");
    }
    start = slash + 1;
  }
  return {};
}

namespace {
struct Walk {
  const PartitionScheme& scheme;
  std::vector<std::string>* skipped;
  std::vector<std::pair<PartitionValues, std::string>> out;

  Status visit(const std::string& dir, const std::string& relative, std::size_t level,
               std::vector<PartitionValue>& values) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      // A partition, or a level above one, removed since its parent was
      // read: retention deletes whole partitions while tables are listed.
      if (errno == ENOENT && level > 0) return {};
      return io_error("opendir", dir, errno);
    }
    std::vector<std::pair<std::string, unsigned char>> entries;
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      entries.emplace_back(name, e->d_type);
    }
    ::closedir(d);
    for (auto& [name, type] : entries) {
      if (level == 0 && (name == "_table.json" || name.rfind("_table.json.tmp-", 0) == 0)) continue;
      const std::string path = dir + "/" + name;
      if (type == DT_UNKNOWN) {
        struct stat s {};
        if (::lstat(path.c_str(), &s) != 0) continue;
        type = S_ISDIR(s.st_mode) ? DT_DIR : S_ISLNK(s.st_mode) ? DT_LNK : DT_REG;
      }
      auto value = parse_partition_component(scheme, level, name);
      if (!value || type != DT_DIR) {
        if (skipped) {
          skipped->push_back(fmt::format(
              "{}: {}", escape_bytes(relative.empty() ? name : relative + "/" + name),
              type == DT_LNK ? "a symlink (never followed)"
              : type != DT_DIR ? "not a directory"
                               : value.error().message()));
        }
        continue;
      }
      values.push_back(std::move(*value));
      const std::string rel = relative.empty() ? name : relative + "/" + name;
      if (level + 1 == scheme.size()) {
        std::vector<std::pair<std::string, PartitionValue>> named;
        for (std::size_t i = 0; i < values.size(); ++i) named.emplace_back(scheme.keys()[i].name, values[i]);
        auto pv = PartitionValues::create(scheme, std::move(named));
        if (pv) out.emplace_back(std::move(*pv), rel);
      } else if (auto st = visit(path, rel, level + 1, values); !st) {
        return st;
      }
      values.pop_back();
    }
    return {};
  }
};
}  // namespace

Result<std::vector<std::pair<PartitionValues, std::string>>> walk_partitions(
    const std::string& root, const PartitionScheme& scheme, std::vector<std::string>* skipped) {
  Walk walk{scheme, skipped, {}};
  std::vector<PartitionValue> values;
  if (auto st = walk.visit(root, "", 0, values); !st) return std::move(st).error();
  std::sort(walk.out.begin(), walk.out.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return std::move(walk.out);
}

}  // namespace chronicle::detail
