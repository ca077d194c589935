#include <chronicle/ipc/v1/v1_table.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include <chronicle/core/detail/trailing_slashes.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/core/file_system.hpp>

#include "../../table/json_util.hpp"

namespace chronicle::ipc::v1 {

namespace {

namespace fs = std::filesystem;

struct Walk {
  const PartitionScheme& scheme;
  std::vector<V1Skipped>* skipped;
  std::vector<V1Partition> out;

  void skip(const fs::path& p, bool dir, std::string reason) {
    if (skipped != nullptr) skipped->push_back({escape_bytes(p.string()), dir, std::move(reason)});
  }

  // Entries of `dir` (relative `rel`) for key `level`; `values` so far.
  Status run(const std::string& dir, const std::string& rel, std::size_t level,
             std::vector<std::pair<std::string, PartitionValue>>& values) {
    const PartitionKey& key = scheme.keys()[level];
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) return io_error("opendir", dir, ec.value());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) return io_error("readdir", dir, ec.value());
      const std::string name = it->path().filename().string();
      if (level == 0 && name == "_table") continue;
      const fs::file_status st = it->symlink_status(ec);
      if (ec) return io_error("lstat", it->path().string(), ec.value());
      const bool is_dir = fs::is_directory(st);
      if (!is_dir) {
        skip(it->path(), false, fs::is_symlink(st) ? "a symlink" : "not a directory");
        continue;
      }
      const auto eq = name.find('=');
      if (eq == std::string::npos || std::string_view(name).substr(0, eq) != key.name) {
        skip(it->path(), true, fmt::format("not a \"{}=...\" partition directory", key.name));
        continue;
      }
      auto value = parse_v1_partition_value(key.type, std::string_view(name).substr(eq + 1));
      if (!value) {
        return file_error(Errc::Corruption, it->path().string(), "is not a partition of key {}: {}",
                          key.name, value.error().message());
      }
      const std::string child_rel = rel.empty() ? name : rel + "/" + name;
      values.emplace_back(key.name, std::move(*value));
      if (level + 1 < scheme.size()) {
        if (auto r = run(it->path().string(), child_rel, level + 1, values); !r) return r;
      } else {
        auto made = PartitionValues::create(scheme, values);
        if (!made) return std::move(made).error();
        out.push_back({std::move(*made), child_rel, it->path().string()});
      }
      values.pop_back();
    }
    return {};
  }
};

}  // namespace

Result<V1Table> V1Table::open(std::string root) {
  root = detail::without_trailing_slashes(std::move(root));
  if (root.empty()) return invalid_argument("v1 table root path is empty");
  const std::string path = root + "/" + std::string(kV1MetadataPath);
  FileSystem& fsys = FileSystem::system();
  auto fd = fsys.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (!fd) {
    if (fd.error().code() == Errc::NotFound) {
      return file_error(Errc::NotFound, root, "is not a v1 table: no {}", kV1MetadataPath);
    }
    return std::move(fd).error();
  }
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", path, errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (!S_ISREG(st.st_mode)) return file_error(Errc::Corruption, path, "is not a regular file");
  if (size > chronicle::detail::kMaxJsonBytes) {
    return file_error(Errc::Corruption, path, "is {} bytes: metadata is limited to {} bytes", size,
                      chronicle::detail::kMaxJsonBytes);
  }
  std::string text(size, '\0');
  if (auto r = fsys.pread_exact(fd->get(), path, text.data(), size, 0); !r) {
    return std::move(r).error();
  }
  auto meta = parse_v1_metadata(text, path);
  if (!meta) return std::move(meta).error();
  return V1Table(std::move(root), std::move(meta->scheme), meta->created_ns);
}

Result<std::vector<V1Partition>> V1Table::partitions(std::vector<V1Skipped>* skipped) const {
  Walk walk{scheme_, skipped, {}};
  std::vector<std::pair<std::string, PartitionValue>> values;
  if (auto st = walk.run(root_, "", 0, values); !st) return std::move(st).error();
  std::sort(walk.out.begin(), walk.out.end(),
            [](const V1Partition& a, const V1Partition& b) { return a.values < b.values; });
  return std::move(walk.out);
}

}  // namespace chronicle::ipc::v1
