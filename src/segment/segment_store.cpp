#include <chronicle/segment/segment_store.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include <chronicle/core/errors.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/core/unique_fd.hpp>

#include "../core/retry_eintr.hpp"

namespace chronicle {
namespace {

bool name_exists(int dir_fd, std::uint64_t id, SegmentTier tier) {
  struct stat st {};
  return ::fstatat(dir_fd, segment_file_name(id, tier).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

// Looks the segment up by name. A tier swap creates the new form before it
// removes the old one, so hot, cold, hot again misses a segment only if it
// changed tier twice between the three lookups.
std::optional<SegmentEntry> probe_segment(int dir_fd, std::uint64_t id) {
  for (const SegmentTier tier : {SegmentTier::Hot, SegmentTier::Cold, SegmentTier::Hot}) {
    if (name_exists(dir_fd, id, tier)) {
      return SegmentEntry{id, tier == SegmentTier::Hot, tier == SegmentTier::Cold};
    }
  }
  return std::nullopt;
}

// readdir may skip a name that is renamed or unlinked while it runs (POSIX
// leaves it unspecified), and the lifecycle renames a segment's new form into
// place and unlinks the old one while readers list. Ids are contiguous from
// the first segment to the last, so the listing is repaired by probing: every
// hole between listed ids, the ids below the first (retention removes from
// the front, so the first absent one ends the walk) and above the last.
// More holes than a race could make mean a damaged directory: they are left
// for the readers to report.
constexpr std::uint64_t kMaxProbedHoles = 64;

std::uint64_t holes_in(const std::map<std::uint64_t, SegmentEntry>& by_id) {
  if (by_id.empty()) return 0;
  return by_id.rbegin()->first - by_id.begin()->first + 1 - by_id.size();
}

void fill_missed_segments(int dir_fd, std::map<std::uint64_t, SegmentEntry>& by_id) {
  if (by_id.empty()) return;
  const std::uint64_t first = by_id.begin()->first, last = by_id.rbegin()->first;
  const std::uint64_t holes = holes_in(by_id);
  if (holes > 0 && holes <= kMaxProbedHoles) {
    for (std::uint64_t id = first + 1; id < last; ++id) {
      if (by_id.count(id) != 0) continue;
      if (auto found = probe_segment(dir_fd, id)) by_id.emplace(id, *found);
    }
  }
  for (std::uint64_t id = first; id > 0;) {
    auto found = probe_segment(dir_fd, --id);
    if (!found) break;
    by_id.emplace(id, *found);
  }
  for (std::uint64_t id = last; id < kMaxSegmentId;) {
    auto found = probe_segment(dir_fd, ++id);
    if (!found) break;
    by_id.emplace(id, *found);
  }
}

}  // namespace

Result<bool> is_named_ahead_on_disk(int dir_fd, const std::string& dir, std::uint64_t id) {
  const std::string name = segment_file_name(id, SegmentTier::Hot);
  const UniqueFd fd(detail::retry_eintr(
      [&] { return ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK); }));
  const auto failed = [&](const char* op) { return io_error(op, dir + "/" + name, errno); };
  if (!fd) {
    // Gone since the listing, or not a file we would open (a symlink): not
    // a segment named ahead. Anything else (out of descriptors, no
    // permission) leaves the question open, which must not be taken for
    // "no": the writer's live segment would then look sealed.
    if (errno == ENOENT || errno == ELOOP || errno == ENXIO) return false;
    return failed("open");
  }
  // A directory or FIFO planted under the name is not ours: readers report it.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return failed("fstat");
  if (!S_ISREG(st.st_mode)) return false;
  SegmentHeader h{};
  auto* out = reinterpret_cast<char*>(&h);
  // pread may return less than asked, or EINTR.
  for (std::size_t got = 0; got < sizeof h;) {
    const ssize_t n = ::pread(fd.get(), out + got, sizeof h - got, static_cast<off_t>(got));
    if (n == 0) return false;  // shorter than a header
    if (n < 0 && errno != EINTR) return failed("pread");
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  return is_named_ahead(h);
}

namespace {

// Lists the directory `d` (closed on return).
Result<std::vector<SegmentEntry>> list_open_dir(DIR* d, const std::string& dir) {
  std::map<std::uint64_t, SegmentEntry> by_id;
  // Adds the names of one pass over the directory; errno after it.
  const auto read_pass = [&] {
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
      auto parsed = parse_segment_file_name(e->d_name);
      if (!parsed || parsed->suffix == kPrepSuffix) continue;
      SegmentEntry& entry = by_id[parsed->id];
      entry.id = parsed->id;
      if (parsed->suffix == kHotSuffix) entry.hot = true;
      if (parsed->suffix == kColdSuffix) entry.cold = true;
    }
    return errno;
  };
  int err = read_pass();
  // A pass that raced with many tier changes (a directory of thousands of
  // segments being compressed) may miss more names than are worth probing
  // one by one; the passes after it miss others, and together they leave
  // only a damaged directory's holes.
  constexpr int kMaxPasses = 4;
  for (int pass = 1; err == 0 && pass < kMaxPasses && holes_in(by_id) > kMaxProbedHoles; ++pass) {
    ::rewinddir(d);
    err = read_pass();
  }
  Result<bool> named_ahead = false;
  if (err == 0) {
    fill_missed_segments(::dirfd(d), by_id);
    // The writer's next segment, named ahead of its roll, is not part of the
    // log until the roll starts it.
    if (!by_id.empty() && by_id.rbegin()->second.hot && !by_id.rbegin()->second.cold) {
      named_ahead = is_named_ahead_on_disk(::dirfd(d), dir, by_id.rbegin()->first);
      if (named_ahead && *named_ahead) by_id.erase(std::prev(by_id.end()));
    }
  }
  ::closedir(d);
  if (err != 0) return io_error("readdir", dir, err);
  if (!named_ahead) {
    const Error& e = named_ahead.error();
    return Error(e.code(),
                 fmt::format("{}: cannot tell whether its newest segment is named ahead of a "
                             "roll: {}",
                             escape_bytes(dir), e.message()),
                 e.sys_errno());
  }
  std::vector<SegmentEntry> out;
  out.reserve(by_id.size());
  for (auto& [id, entry] : by_id) out.push_back(entry);
  return out;
}

}  // namespace

Result<std::vector<SegmentEntry>> list_segments(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return io_error("opendir", dir, errno);
  return list_open_dir(d, dir);
}

Result<std::vector<SegmentEntry>> list_segments_at(int dir_fd, const std::string& dir) {
  // readdir needs a descriptor of its own: fdopendir takes it over, and a
  // duplicate shares the caller's position in the directory, hence rewind.
  const int own = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
  DIR* d = own < 0 ? nullptr : ::fdopendir(own);
  if (d == nullptr) {
    const int err = errno;
    if (own >= 0) ::close(own);
    return io_error("opendir", dir, err);
  }
  ::rewinddir(d);
  return list_open_dir(d, dir);
}

}  // namespace chronicle
