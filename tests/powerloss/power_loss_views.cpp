// What the power-loss model tells (power_loss_fs.hpp): candidate disk images
// written from the state frozen at the cut, what a power loss could still
// take, and where the model and the real directories disagree.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "powerloss/power_loss_fs.hpp"
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

constexpr std::uint64_t kSector = 512;

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

std::vector<std::string> PowerLossFs::not_durable(
    const std::string& dir, const std::function<bool(const std::string& name)>& ignore,
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
    if (ignore && ignore(name)) continue;
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

}  // namespace chronicle::powerloss
