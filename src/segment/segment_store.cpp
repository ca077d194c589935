#include <chronicle/segment/segment_store.hpp>

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include <chronicle/core/errors.hpp>

namespace chronicle {

Result<std::vector<SegmentEntry>> list_segments(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return io_error("opendir", dir, errno);
  std::map<std::uint64_t, SegmentEntry> by_id;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    auto parsed = parse_segment_file_name(e->d_name);
    if (!parsed || parsed->suffix == kPrepSuffix) continue;
    SegmentEntry& entry = by_id[parsed->id];
    entry.id = parsed->id;
    if (parsed->suffix == kHotSuffix) entry.hot = true;
    if (parsed->suffix == kColdSuffix) entry.cold = true;
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) return io_error("readdir", dir, err);
  std::vector<SegmentEntry> out;
  out.reserve(by_id.size());
  for (auto& [id, entry] : by_id) out.push_back(entry);
  return out;
}

}  // namespace chronicle
