#include "powerloss/power_loss_fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "powerloss/power_loss_util.hpp"

namespace chronicle::powerloss {

using util::base_name;
using util::dir_name;
using util::kPage;
using util::list_dir;
using util::node_of;
using util::node_of_fd;
using util::read_all;

namespace {

// What inject() learnt before the call, for observe() after it (same thread).
thread_local bool t_existed = false;
thread_local std::size_t t_barrier = 0;
thread_local NodeId t_barrier_dir{};

}  // namespace

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

}  // namespace chronicle::powerloss
