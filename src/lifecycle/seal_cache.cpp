#include "seal_cache.hpp"

#include <iterator>

namespace chronicle::detail {

bool SealCache::same_file(const Entry& e, const struct stat& st) {
  return e.dev == st.st_dev && e.ino == st.st_ino && e.size == st.st_size &&
         e.mtime_sec == st.st_mtim.tv_sec && e.mtime_nsec == st.st_mtim.tv_nsec;
}

bool SealCache::has(const std::string& path) const {
  std::lock_guard lock(mu_);
  return entries_.contains(path);
}

std::optional<SegmentSeal> SealCache::find(const std::string& path, const struct stat& st) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end() || !same_file(it->second, st)) return std::nullopt;
  it->second.last_scan = scan_;
  return it->second.seal;
}

void SealCache::put(const std::string& path, const struct stat& st, const SegmentSeal& seal) {
  std::lock_guard lock(mu_);
  entries_.insert_or_assign(path, Entry{st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec,
                                        st.st_mtim.tv_nsec, seal, scan_});
}

std::uint64_t SealCache::begin_scan() {
  std::lock_guard lock(mu_);
  return ++scan_;
}

void SealCache::end_scan(std::uint64_t scan) {
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [scan](const auto& kv) { return kv.second.last_scan < scan; });
}

}  // namespace chronicle::detail
