#pragma once
// The seal blocks of sealed hot segments that earlier lifecycle runs read,
// so that a run over an unchanged table stats each segment instead of
// opening it and reading its header (one lstat instead of open, fstat,
// pread and close). A sealed segment is never written again, and an entry
// is used only while the file at its path has the same device, inode, size
// and modification time as when its header was read; a file changed or
// replaced since is read again. Thread-safe: runs may overlap (run_once()
// beside the background mode).

#include <sys/stat.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace chronicle::detail {

// What the seal block of a sealed segment says.
struct SegmentSeal {
  std::uint64_t record_count = 0;
  std::uint64_t min_timestamp_ns = 0;
  std::uint64_t max_timestamp_ns = 0;
  std::uint64_t used_bytes = 0;
};

class SealCache {
 public:
  // Whether `path` has an entry, valid or not: only then is an lstat worth
  // its cost before the open.
  bool has(const std::string& path) const;
  // The seal read from the file that `st` (an lstat or fstat of `path`)
  // describes, if it is cached for that very file.
  std::optional<SegmentSeal> find(const std::string& path, const struct stat& st);
  void put(const std::string& path, const struct stat& st, const SegmentSeal& seal);

  // A scan of the whole table begins; end_scan() with its number then drops
  // the entries no scan has used since, so removed segments do not pile up.
  std::uint64_t begin_scan();
  void end_scan(std::uint64_t scan);

 private:
  struct Entry {
    dev_t dev;
    ino_t ino;
    off_t size;
    std::int64_t mtime_sec;
    std::int64_t mtime_nsec;
    SegmentSeal seal;
    std::uint64_t last_scan;
  };
  static bool same_file(const Entry& e, const struct stat& st);

  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::uint64_t scan_ = 0;                          // guarded by mu_
};

}  // namespace chronicle::detail
