#include <chronicle/ipc/v1/v1_log_dir.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>

#include <chronicle/core/errors.hpp>

namespace chronicle::ipc::v1 {

namespace {

constexpr std::size_t kIdDigits = 9;

enum class Kind : std::uint8_t { Hot, Cold, FrameIndex, SeekIndex };

struct Found {
  bool hot = false;
  bool cold = false;
  bool frame_index = false;
  bool seek_index = false;
};

// The id and kind of a v1 segment file name, if it is one.
std::optional<std::pair<std::uint64_t, Kind>> parse_name(std::string_view name) {
  if (name.size() <= kIdDigits) return std::nullopt;
  const std::string_view digits = name.substr(0, kIdDigits);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const std::string_view suffix = name.substr(kIdDigits);
  Kind kind;
  if (suffix == ".q") kind = Kind::Hot;
  else if (suffix == ".q.zst") kind = Kind::Cold;
  else if (suffix == ".q.zst.idx") kind = Kind::FrameIndex;
  else if (suffix == ".idx") kind = Kind::SeekIndex;
  else return std::nullopt;
  std::uint64_t id = 0;
  for (char c : digits) id = id * 10 + static_cast<std::uint64_t>(c - '0');
  return std::make_pair(id, kind);
}

}  // namespace

std::string v1_segment_stem(std::uint64_t id) { return fmt::format("{:09}", id); }

Result<std::vector<V1SegmentFile>> list_v1_segments(const std::string& dir,
                                                    std::vector<std::string>* ignored) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) {
    return file_error(Errc::NotFound, dir, "v1 log directory does not exist");
  }
  if (!fs::is_directory(st)) return file_error(Errc::InvalidArgument, dir, "is not a directory");

  std::map<std::uint64_t, Found> found;
  fs::directory_iterator it(dir, ec);
  if (ec) return io_error("opendir", dir, ec.value());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return io_error("readdir", dir, ec.value());
    const std::string name = it->path().filename().string();
    if (name.ends_with(".tmp")) continue;
    const auto parsed = parse_name(name);
    const fs::file_status entry = it->symlink_status(ec);
    if (ec) return io_error("lstat", it->path().string(), ec.value());
    if (!parsed || !fs::is_regular_file(entry)) {
      if (ignored != nullptr) ignored->push_back(escape_bytes(it->path().string()));
      continue;
    }
    Found& f = found[parsed->first];
    switch (parsed->second) {
      case Kind::Hot: f.hot = true; break;
      case Kind::Cold: f.cold = true; break;
      case Kind::FrameIndex: f.frame_index = true; break;
      case Kind::SeekIndex: f.seek_index = true; break;
    }
  }

  std::vector<V1SegmentFile> out;
  for (const auto& [id, f] : found) {
    const std::string stem = dir + "/" + v1_segment_stem(id);
    if (!f.hot && !f.cold) {
      // A lone index: left behind by a crashed writer or compressor.
      if (ignored != nullptr) {
        if (f.seek_index) ignored->push_back(escape_bytes(stem + ".idx"));
        if (f.frame_index) ignored->push_back(escape_bytes(stem + ".q.zst.idx"));
      }
      continue;
    }
    V1SegmentFile seg;
    seg.id = id;
    if (f.seek_index) seg.seek_index_path = stem + ".idx";
    if (f.hot) {
      seg.tier = SegmentTier::Hot;
      seg.path = stem + ".q";
      if (f.cold) seg.cold_copy = stem + ".q.zst";
    } else {
      if (!f.frame_index) {
        return file_error(Errc::Corruption, stem + ".q.zst",
                          "cold segment without its frame index {}.q.zst.idx (and no .q)",
                          escape_bytes(v1_segment_stem(id)));
      }
      seg.tier = SegmentTier::Cold;
      seg.path = stem + ".q.zst";
      seg.frame_index_path = stem + ".q.zst.idx";
    }
    if (!out.empty() && out.back().id + 1 != id) {
      return file_error(Errc::Corruption, dir,
                        "segment {} is missing between segments {} and {}: its records are lost",
                        v1_segment_stem(out.back().id + 1), out.back().id, id);
    }
    out.push_back(std::move(seg));
  }
  return out;
}

}  // namespace chronicle::ipc::v1
