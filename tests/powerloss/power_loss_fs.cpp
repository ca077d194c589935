#include "powerloss/power_loss_fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace chronicle::powerloss {

namespace {

constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kSector = 512;

// What inject() learnt before the call, for observe() after it (same thread).
thread_local bool t_existed = false;
thread_local std::size_t t_barrier = 0;
thread_local NodeId t_barrier_dir{};

bool node_of(const std::string& path, NodeId* id, bool* is_dir = nullptr) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return false;
  *id = {st.st_dev, st.st_ino};
  if (is_dir != nullptr) *is_dir = S_ISDIR(st.st_mode);
  return true;
}

bool node_of_fd(int fd, NodeId* id) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  *id = {st.st_dev, st.st_ino};
  return true;
}

std::vector<std::byte> read_all(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw std::runtime_error("power-loss model: fstat failed");
  std::vector<std::byte> out(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      out.resize(done);  // shrunk meanwhile
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  return out;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::map<std::string, bool> list_dir(const std::string& path) {
  std::map<std::string, bool> out;
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    out[name] = true;
  }
  ::closedir(d);
  return out;
}

// Bytes [lo, hi) of `v`, zeros past its end.
void slice(const std::vector<std::byte>& v, std::uint64_t lo, std::uint64_t hi, std::byte* out) {
  std::memset(out, 0, hi - lo);
  if (lo < v.size()) std::memcpy(out, v.data() + lo, std::min<std::uint64_t>(hi, v.size()) - lo);
}

bool all_zero(const std::byte* p, std::size_t n) {
  return std::all_of(p, p + n, [](std::byte b) { return b == std::byte{0}; });
}

}  // namespace

void ImageStats::add(const ImageStats& o) {
  files += o.files;
  pages_kept += o.pages_kept;
  pages_reverted += o.pages_reverted;
  pages_zeroed += o.pages_zeroed;
  pages_torn += o.pages_torn;
  names_dropped += o.names_dropped;
  lengths_reverted += o.lengths_reverted;
}

PowerLossFs::PowerLossFs(std::string root) : root_(std::move(root)) {
  bool is_dir = false;
  if (!node_of(root_, &root_id_, &is_dir) || !is_dir) {
    throw std::runtime_error("power-loss model: no directory " + root_);
  }
  scan_tree(root_, root_id_);
}

PowerLossFs::~PowerLossFs() {
  for (auto& [id, f] : files_) {
    if (f.fd >= 0) ::close(f.fd);
  }
}

// Everything that exists when the model starts counts as durable.
void PowerLossFs::scan_tree(const std::string& path, const NodeId& id) {
  Dir& d = dirs_[id];
  d.path = path;
  for (const auto& [name, unused] : list_dir(path)) {
    (void)unused;
    const std::string child = path + "/" + name;
    NodeId cid;
    bool is_dir = false;
    if (!node_of(child, &cid, &is_dir)) continue;
    d.durable[name] = cid;
    d.live[name] = cid;
    if (is_dir) {
      scan_tree(child, cid);
    } else {
      track_file(cid, child, true);
    }
  }
}

PowerLossFs::File* PowerLossFs::file_of(const NodeId& id) {
  auto it = files_.find(id);
  return it == files_.end() ? nullptr : &it->second;
}

PowerLossFs::Dir* PowerLossFs::dir_of(const NodeId& id) {
  auto it = dirs_.find(id);
  return it == dirs_.end() ? nullptr : &it->second;
}

PowerLossFs::Dir* PowerLossFs::parent_of(const std::string& path, std::string* name) {
  NodeId pid;
  if (!node_of(dir_name(path), &pid)) return nullptr;
  *name = base_name(path);
  return dir_of(pid);
}

PowerLossFs::File& PowerLossFs::track_file(const NodeId& id, const std::string& path,
                                           bool durable_now) {
  File& f = files_[id];
  f.path = path;
  if (f.fd < 0) {
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (f.fd < 0) throw std::runtime_error("power-loss model: cannot open " + path);
    if (durable_now) f.durable = read_all(f.fd);
  }
  return f;
}

// The bytes [from, to) of `f` as they are now become durable, and so does
// its length (fdatasync and msync(MS_SYNC) both carry the length along).
void PowerLossFs::sync_file(File& f, std::uint64_t from, std::uint64_t to) {
  std::vector<std::byte> now = read_all(f.fd);
  to = std::min<std::uint64_t>(to, now.size());
  f.durable.resize(now.size());
  if (from < to) std::memcpy(f.durable.data() + from, now.data() + from, to - from);
}

std::map<std::string, NodeId> PowerLossFs::apply(std::map<std::string, NodeId> names,
                                                 const std::vector<Change>& changes,
                                                 std::size_t n) {
  for (std::size_t i = 0; i < n && i < changes.size(); ++i) {
    const Change& c = changes[i];
    switch (c.kind) {
      case Change::Kind::Link:
        names[c.name] = c.node;
        break;
      case Change::Kind::Unlink:
        names.erase(c.name);
        break;
      case Change::Kind::Rename:
        names.erase(c.from);
        names[c.name] = c.node;
        break;
    }
  }
  return names;
}

// A name change: the live names follow it always, the model until the cut.
void PowerLossFs::change(Dir& d, Change c) {
  d.live = apply(std::move(d.live), {c}, 1);
  if (!cut_) d.pending.push_back(std::move(c));
}

void PowerLossFs::cut_power() {
  std::lock_guard lock(mu_);
  cut_locked();
}

void PowerLossFs::cut_locked() {
  if (cut_) return;
  cut_ = true;
  for (auto& [id, f] : files_) f.frozen = read_all(f.fd);
}

void PowerLossFs::cut_power_at_call(std::uint64_t n, bool after) {
  std::lock_guard lock(mu_);
  counted_thread_ = std::this_thread::get_id();
  counted_ = 0;
  cut_at_ = n;
  cut_after_ = after;
}

void PowerLossFs::count_calls_of_this_thread() {
  std::lock_guard lock(mu_);
  counted_thread_ = std::this_thread::get_id();
  counted_ = 0;
  cut_at_ = 0;
}

bool PowerLossFs::power_is_cut() const {
  std::lock_guard lock(mu_);
  return cut_;
}

std::uint64_t PowerLossFs::calls_counted() const {
  std::lock_guard lock(mu_);
  return counted_;
}

std::vector<RecordedCall> PowerLossFs::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

void PowerLossFs::mark(std::string label) {
  std::lock_guard lock(mu_);
  RecordedCall rc;
  rc.index = next_index_++;
  rc.marker = std::move(label);
  calls_.push_back(std::move(rc));
}

void PowerLossFs::clear_calls() {
  std::lock_guard lock(mu_);
  calls_.clear();
}

std::vector<std::string> PowerLossFs::divergences() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out = divergences_;
  for (const auto& [id, d] : dirs_) {
    NodeId now;
    if (!node_of(d.path, &now) || now != id) continue;  // removed or replaced
    const auto real = list_dir(d.path);
    for (const auto& [name, unused] : real) {
      (void)unused;
      if (!d.live.count(name))
        out.push_back(d.path + "/" + name + " exists but the model never saw it made");
    }
    for (const auto& [name, unused] : d.live) {
      (void)unused;
      if (!real.count(name))
        out.push_back(d.path + "/" + name + " is gone but the model never saw it removed");
    }
  }
  return out;
}

int PowerLossFs::inject(FsOp op, std::string_view path_view) {
  std::lock_guard lock(mu_);
  if (std::this_thread::get_id() == counted_thread_) {
    ++counted_;
    if (cut_at_ != 0 && counted_ == cut_at_ && !cut_after_) cut_locked();
  }
  const std::string path(path_view);
  switch (op) {
    case FsOp::Open: {
      struct stat st {};
      t_existed = ::lstat(path.c_str(), &st) == 0;
      break;
    }
    case FsOp::DirSync: {
      // Only the name changes made before the fsync starts are surely covered.
      t_barrier = 0;
      t_barrier_dir = {};
      if (node_of(path, &t_barrier_dir)) {
        if (Dir* d = dir_of(t_barrier_dir)) t_barrier = d->pending.size();
      }
      break;
    }
    default:
      break;
  }
  return 0;
}

void PowerLossFs::record(const FsCall& call, RecordedCall rc) {
  rc.index = next_index_++;
  rc.op = call.op;
  rc.path = std::string(call.path);
  rc.from = std::string(call.from);
  rc.flags = call.flags;
  if (rc.len == 0) rc.len = call.len;
  if (rc.offset == 0) rc.offset = call.offset;
  calls_.push_back(std::move(rc));
}

void PowerLossFs::observe(const FsCall& call) {
  std::lock_guard lock(mu_);
  const std::string path(call.path);
  RecordedCall rc;
  const bool modelled = !cut_;
  switch (call.op) {
    case FsOp::Open: {
      node_of_fd(call.fd, &rc.node);
      rc.created = (call.flags & O_CREAT) != 0 && !t_existed;
      std::string name;
      Dir* parent = parent_of(path, &name);
      if (parent == nullptr) break;
      if (rc.created) {
        track_file(rc.node, path, false);
        change(*parent, {Change::Kind::Link, name, {}, rc.node});
      } else if (file_of(rc.node) == nullptr) {
        divergences_.push_back(path + " was opened but the model never saw it created");
        track_file(rc.node, path, true);
      }
      break;
    }
    case FsOp::Mkdir: {
      node_of(path, &rc.node);
      rc.created = call.flags == 1;
      if (!rc.created) break;
      std::string name;
      Dir* parent = parent_of(path, &name);
      if (parent == nullptr) break;
      dirs_[rc.node].path = path;
      change(*parent, {Change::Kind::Link, name, {}, rc.node});
      break;
    }
    case FsOp::Rename: {
      node_of(path, &rc.node);
      std::string from_name, to_name;
      Dir* from_dir = parent_of(std::string(call.from), &from_name);
      Dir* to_dir = parent_of(path, &to_name);
      if (to_dir == nullptr) break;
      if (File* f = file_of(rc.node)) f->path = path;
      if (Dir* d = dir_of(rc.node)) d->path = path;
      if (from_dir == to_dir) {
        change(*to_dir, {Change::Kind::Rename, to_name, from_name, rc.node});
      } else {
        if (from_dir != nullptr) change(*from_dir, {Change::Kind::Unlink, from_name, {}, {}});
        change(*to_dir, {Change::Kind::Link, to_name, {}, rc.node});
      }
      break;
    }
    case FsOp::Unlink: {
      std::string name;
      if (Dir* parent = parent_of(path, &name))
        change(*parent, {Change::Kind::Unlink, name, {}, {}});
      break;
    }
    case FsOp::DirSync: {
      node_of(path, &rc.node);
      if (!modelled) break;
      if (Dir* d = dir_of(rc.node); d != nullptr && rc.node == t_barrier_dir) {
        const std::size_t n = std::min(t_barrier, d->pending.size());
        d->durable = apply(std::move(d->durable), d->pending, n);
        d->pending.erase(d->pending.begin(), d->pending.begin() + static_cast<std::ptrdiff_t>(n));
      }
      break;
    }
    case FsOp::Mmap: {
      node_of_fd(call.fd, &rc.node);
      if (!modelled) break;
      const auto base = reinterpret_cast<std::uintptr_t>(call.addr);
      // A new mapping at an address means the old one there was unmapped.
      for (auto it = mappings_.begin(); it != mappings_.end();) {
        const Mapping& m = it->second;
        if (m.base < base + call.len && base < m.base + m.len) {
          it = mappings_.erase(it);
        } else {
          ++it;
        }
      }
      mappings_[base] = {base, static_cast<std::size_t>(call.len), rc.node};
      if (File* f = file_of(rc.node)) f->mapped = true;
      break;
    }
    case FsOp::Msync: {
      const auto addr = reinterpret_cast<std::uintptr_t>(call.addr);
      auto it = mappings_.upper_bound(addr);
      if (it == mappings_.begin()) break;
      --it;
      const Mapping& m = it->second;
      if (addr >= m.base + m.len) break;
      rc.node = m.node;
      const std::uint64_t start = addr - m.base;
      rc.offset = start / kPage * kPage;
      const std::uint64_t end = (start + call.len + kPage - 1) / kPage * kPage;
      rc.len = end - rc.offset;
      if (!modelled) break;
      if (File* f = file_of(m.node)) sync_file(*f, rc.offset, end);
      break;
    }
    case FsOp::Fsync: {
      node_of_fd(call.fd, &rc.node);
      if (!modelled) break;
      if (File* f = file_of(rc.node)) sync_file(*f, 0, UINT64_MAX);
      break;
    }
    case FsOp::Ftruncate:
    case FsOp::Fallocate:
    case FsOp::Pwrite:
    case FsOp::Pread:
    case FsOp::SyncRange:
    case FsOp::Lock:
      node_of_fd(call.fd, &rc.node);
      if (File* f = file_of(rc.node)) rc.mapped_before = f->mapped;
      break;
  }
  record(call, std::move(rc));
  if (modelled && std::this_thread::get_id() == counted_thread_ && cut_at_ != 0 &&
      counted_ == cut_at_ && cut_after_) {
    cut_locked();
  }
}

std::vector<std::string> PowerLossFs::not_durable(const std::string& dir,
                                                  bool (*ignore)(const std::string& name),
                                                  std::uint64_t ignore_from,
                                                  std::uint64_t ignore_to) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  NodeId id, pid;
  if (!node_of(dir, &id) || !node_of(dir_name(dir), &pid)) return {dir + ": does not exist"};
  if (auto p = dirs_.find(pid); p != dirs_.end()) {
    auto named = p->second.durable.find(base_name(dir));
    if (named == p->second.durable.end() || named->second != id) {
      out.push_back(dir + ": its name in " + dir_name(dir) + " is not durable");
    }
  }
  auto d = dirs_.find(id);
  if (d == dirs_.end()) return {dir + ": not modelled"};
  for (const auto& [name, node] :
       apply(d->second.durable, d->second.pending, d->second.pending.size())) {
    if (ignore != nullptr && ignore(name)) continue;
    auto durable = d->second.durable.find(name);
    if (durable == d->second.durable.end() || durable->second != node) {
      out.push_back(dir + "/" + name + ": name not durable");
    }
    auto f = files_.find(node);
    if (f == files_.end()) continue;
    const std::vector<std::byte> now = read_all(f->second.fd);
    const std::vector<std::byte>& was = f->second.durable;
    if (now.size() != was.size()) {
      out.push_back(dir + "/" + name + ": length " + std::to_string(now.size()) +
                    ", durable length " + std::to_string(was.size()));
      continue;
    }
    for (std::uint64_t i = 0; i < now.size(); ++i) {
      if (i >= ignore_from && i < ignore_to) continue;
      if (now[i] != was[i]) {
        out.push_back(dir + "/" + name + ": byte " + std::to_string(i) +
                      " differs from its durable value");
        break;
      }
    }
  }
  return out;
}

ImageStats PowerLossFs::build_image(const std::string& dest, std::mt19937_64& rng,
                                    const ImageOptions& options) const {
  std::lock_guard lock(mu_);
  if (!cut_) throw std::runtime_error("build_image() before cut_power()");
  ImageStats stats;
  write_dir(dest, root_id_, rng, options, stats);
  return stats;
}

void PowerLossFs::write_dir(const std::string& dest, const NodeId& id, std::mt19937_64& rng,
                            const ImageOptions& options, ImageStats& stats) const {
  if (::mkdir(dest.c_str(), 0755) != 0) {
    throw std::runtime_error("build_image: cannot create " + dest + ": " + std::strerror(errno));
  }
  const Dir& d = dirs_.at(id);
  std::size_t n = 0;
  switch (options.names) {
    case ImageOptions::Names::Durable:
      n = 0;
      break;
    case ImageOptions::Names::All:
      n = d.pending.size();
      break;
    case ImageOptions::Names::Prefix:
      n = rng() % (d.pending.size() + 1);
      break;
  }
  stats.names_dropped += d.pending.size() - n;
  for (const auto& [name, node] : apply(d.durable, d.pending, n)) {
    const std::string path = dest + "/" + name;
    if (dirs_.count(node)) {
      write_dir(path, node, rng, options, stats);
      continue;
    }
    auto f = files_.find(node);
    if (f == files_.end()) continue;
    const std::vector<std::byte> bytes = image_bytes(f->second, rng, options, stats);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("build_image: cannot create " + path);
    bool ok = ::ftruncate(fd, static_cast<off_t>(bytes.size())) == 0;
    // Only non-zero pages are written: the rest reads as zeros, as an
    // unwritten extent would.
    for (std::uint64_t lo = 0; ok && lo < bytes.size(); lo += kPage) {
      const std::uint64_t hi = std::min<std::uint64_t>(lo + kPage, bytes.size());
      if (all_zero(bytes.data() + lo, hi - lo)) continue;
      ok = ::pwrite(fd, bytes.data() + lo, hi - lo, static_cast<off_t>(lo)) ==
           static_cast<ssize_t>(hi - lo);
    }
    ::close(fd);
    if (!ok) throw std::runtime_error("build_image: cannot write " + path);
    ++stats.files;
  }
}

std::vector<std::byte> PowerLossFs::image_bytes(const File& f, std::mt19937_64& rng,
                                                const ImageOptions& options,
                                                ImageStats& stats) const {
  const std::vector<std::byte>& now = f.frozen;
  const std::vector<std::byte>& was = f.durable;
  std::uint64_t size = now.size();
  if (now.size() != was.size() && rng() % 2 == 0) {
    size = was.size();
    ++stats.lengths_reverted;
  }
  std::vector<std::byte> out(size);
  std::byte cur[kPage], old[kPage];
  std::uniform_real_distribution<double> fate(0, options.keep + options.revert + options.tear);
  for (std::uint64_t lo = 0; lo < size; lo += kPage) {
    const std::uint64_t hi = std::min<std::uint64_t>(lo + kPage, size);
    const std::uint64_t n = hi - lo;
    slice(now, lo, hi, cur);
    slice(was, lo, hi, old);
    if (std::memcmp(cur, old, n) == 0) {
      std::memcpy(out.data() + lo, cur, n);
      continue;
    }
    double x = fate(rng);
    const std::uint64_t sectors = (n + kSector - 1) / kSector;
    if (x >= options.keep + options.revert && sectors < 2) x = 0;  // too short to tear: keep
    if (x < options.keep) {
      std::memcpy(out.data() + lo, cur, n);
      ++stats.pages_kept;
    } else if (x < options.keep + options.revert) {
      std::memcpy(out.data() + lo, old, n);
      ++(all_zero(old, n) ? stats.pages_zeroed : stats.pages_reverted);
    } else {
      const std::uint64_t cut = (1 + rng() % (sectors - 1)) * kSector;
      const bool new_first = rng() % 2 == 0;
      std::memcpy(out.data() + lo, new_first ? cur : old, cut);
      std::memcpy(out.data() + lo + cut, (new_first ? old : cur) + cut, n - cut);
      ++stats.pages_torn;
    }
  }
  return out;
}

}  // namespace chronicle::powerloss
