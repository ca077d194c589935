// libFuzzer target: a chronicle-rs v1 log directory holding one segment, hot
// or cold, with or without its seek index, read through V1LogReader: the
// segment header and records, the .idx seek index, the .q.zst.idx frame
// index and the frames it points to. The reader must read it to the end and
// seek in it without crashing, hanging or allocating beyond the format's
// limits; a failure is sticky and is Corruption or Unsupported naming the
// file. When the whole log reads cleanly and its timestamps do not decrease,
// every seek must land where a linear scan says: the seek index may make a
// seek faster, never wrong.
//
// Input: a layout byte, then the files of the log in the order below, each
// but the last preceded by its length (u32, little-endian); an empty file is
// left out. A layout byte below 0x80 is one segment, 0, of layout byte % 3:
//   0  hot    000000000.q, 000000000.idx
//   1  cold   000000000.q.zst.idx, 000000000.q.zst, 000000000.idx
//   2  both   000000000.q, 000000000.q.zst.idx, 000000000.q.zst, 000000000.idx
//             (a compression interrupted before it deleted the .q)
// From 0x80 up it is two segments, so that what lies between segments is
// reached (a seq that opens a segment, seeks across segments, a missing
// segment): with v = byte - 0x80, segment 0 has layout v % 3 and the second
// segment layout (v / 3) % 3, the second segment is 1, or 2 (a gap) when
// (v / 9) is odd, and when (v / 18) is odd the directory also holds names
// that are not part of the log (kept out of it and reported, but for .tmp).
// What the reader lists is checked against the files written: segments(),
// ignored_files(), or the refusal of a cold segment without its frame index
// and of a gap.
// The files are written to a private directory in /dev/shm. The seeds in
// tests/fuzz/corpus/v1_log/ are made by fuzz_seeds.cpp from the vectors in
// tests/data/chronicle-rs-v1/.
#include <chronicle/ipc/v1/v1_log_reader.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "fuzz_check.hpp"

namespace {

using namespace chronicle;
using Bytes = std::span<const std::uint8_t>;

const std::vector<std::vector<std::string>> kLayouts = {
    {".q", ".idx"}, {".q.zst.idx", ".q.zst", ".idx"}, {".q", ".q.zst.idx", ".q.zst", ".idx"}};

// The log directory, emptied for each input and removed when the fuzzer exits.
struct Scratch {
  std::string dir = "/dev/shm/chronicle-fuzz-v1-" + std::to_string(::getpid());
  Scratch() { ::mkdir(dir.c_str(), 0700); }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void clear() const {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    ::mkdir(dir.c_str(), 0700);
  }
};

// Names in the directory that are not the log's: ignored, and reported but
// for the .tmp (a file being written), as list_v1_segments documents.
const std::vector<std::string> kForeignFiles = {"notes.txt", "00000000x.q", "000000007.q.bak",
                                                "12345.q", "000000000.q.tmp"};
constexpr const char* kForeignDir = "000000008.q";
constexpr const char* kForeignLink = "000000009.q";

bool write_file(const std::string& path, Bytes bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return false;
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  return ok;
}

// `n` files: each but the last after a u32 length, cut short at the end.
std::vector<Bytes> split(Bytes in, std::size_t n) {
  std::vector<Bytes> parts;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    std::uint32_t len = 0;
    if (in.size() >= 4) std::memcpy(&len, in.data(), 4);
    in = in.subspan(std::min<std::size_t>(in.size(), 4));
    parts.push_back(in.first(std::min<std::size_t>(len, in.size())));
    in = in.subspan(parts.back().size());
  }
  parts.push_back(in);
  return parts;
}

struct Rec {
  std::uint64_t seq;
  std::uint64_t timestamp_ns;
  bool operator==(const Rec&) const = default;
};

void check_error(const Error& e, const std::string& dir) {
  CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(e, Errc::Corruption, Errc::Unsupported));
  CHRONICLE_FUZZ_CHECK(e.message().find(dir) != std::string::npos);
}

// Seeks to `ts` and checks where the reader lands. `all` holds the log's
// records when it read cleanly and in timestamp order (`exact`); otherwise
// only what holds for any log is checked.
void check_seek(ipc::v1::V1LogReader& reader, std::uint64_t ts, const std::vector<Rec>& all,
                bool exact, const std::string& dir) {
  auto result = reader.seek_timestamp(ts);
  if (!result) {
    CHRONICLE_FUZZ_CHECK(!exact);
    check_error(result.error(), dir);
    return;
  }
  RecordView v;
  const Step step = reader.next(v);
  if (*result == SeekResult::EndOfLog) {
    CHRONICLE_FUZZ_CHECK(step == Step::NothingYet);
  } else {
    CHRONICLE_FUZZ_CHECK(step == Step::Record && v.timestamp_ns >= ts);
    if (*result == SeekResult::BeforeStart) CHRONICLE_FUZZ_CHECK(v.timestamp_ns > ts);
  }
  if (!exact) return;
  std::size_t k = 0;
  while (k < all.size() && all[k].timestamp_ns < ts) ++k;
  if (k == all.size()) {
    CHRONICLE_FUZZ_CHECK(*result == SeekResult::EndOfLog);
    return;
  }
  CHRONICLE_FUZZ_CHECK(*result ==
                       (ts < all[0].timestamp_ns ? SeekResult::BeforeStart : SeekResult::Found));
  // The reader continues with exactly the records after the one found.
  CHRONICLE_FUZZ_CHECK((Rec{v.seq, v.timestamp_ns} == all[k]));
  for (++k; k < all.size(); ++k) {
    CHRONICLE_FUZZ_CHECK(reader.next(v) == Step::Record);
    CHRONICLE_FUZZ_CHECK((Rec{v.seq, v.timestamp_ns} == all[k]));
  }
  CHRONICLE_FUZZ_CHECK(reader.next(v) == Step::NothingYet);
}

// What list_v1_segments must make of the files written: the segments in
// id order, and the names it ignores (sorted).
struct Listing {
  bool refused = false;  // a cold segment without its frame index, or a gap
  std::vector<ipc::v1::V1SegmentFile> segments;
  std::vector<std::string> ignored;
};

Listing expected_listing(const std::string& dir, const std::vector<std::uint64_t>& ids,
                         const std::vector<std::set<std::string>>& written, bool foreign) {
  Listing out;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const std::set<std::string>& has = written[k];
    const std::string stem = dir + "/" + ipc::v1::v1_segment_stem(ids[k]);
    const bool hot = has.contains(".q"), cold = has.contains(".q.zst");
    if (!hot && !cold) {
      if (has.contains(".idx")) out.ignored.push_back(stem + ".idx");
      if (has.contains(".q.zst.idx")) out.ignored.push_back(stem + ".q.zst.idx");
      continue;
    }
    ipc::v1::V1SegmentFile f;
    f.id = ids[k];
    if (has.contains(".idx")) f.seek_index_path = stem + ".idx";
    if (hot) {
      f.path = stem + ".q";
      if (cold) f.cold_copy = stem + ".q.zst";
    } else {
      f.tier = ipc::v1::SegmentTier::Cold;
      f.path = stem + ".q.zst";
      f.frame_index_path = stem + ".q.zst.idx";
      out.refused = out.refused || !has.contains(".q.zst.idx");
    }
    if (!out.segments.empty() && out.segments.back().id + 1 != f.id) out.refused = true;
    out.segments.push_back(f);
  }
  if (foreign) {
    for (const std::string& name : kForeignFiles) {
      if (!name.ends_with(".tmp")) out.ignored.push_back(dir + "/" + name);
    }
    out.ignored.push_back(dir + "/" + kForeignDir);
    out.ignored.push_back(dir + "/" + kForeignLink);
  }
  std::sort(out.ignored.begin(), out.ignored.end());
  return out;
}

bool same_files(const std::vector<ipc::v1::V1SegmentFile>& a,
                const std::vector<ipc::v1::V1SegmentFile>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].tier != b[i].tier || a[i].path != b[i].path ||
        a[i].frame_index_path != b[i].frame_index_path ||
        a[i].seek_index_path != b[i].seek_index_path || a[i].cold_copy != b[i].cold_copy) {
      return false;
    }
  }
  return true;
}

// A directory that is not there, and a file where the directory should be.
void check_not_a_log(const std::string& dir) {
  auto missing = ipc::v1::V1LogReader::open(dir + "/missing");
  CHRONICLE_FUZZ_CHECK(!missing && fuzz::is_input_error(missing.error(), Errc::NotFound));
  CHRONICLE_FUZZ_CHECK(missing.error().message().find(dir + "/missing") != std::string::npos);
  const std::string file = dir + "/notes.txt";
  if (!write_file(file, Bytes())) return;
  auto not_dir = ipc::v1::V1LogReader::open(file);
  CHRONICLE_FUZZ_CHECK(!not_dir && fuzz::is_input_error(not_dir.error(), Errc::InvalidArgument));
  CHRONICLE_FUZZ_CHECK(not_dir.error().message().find(file) != std::string::npos);
  ::unlink(file.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Scratch scratch;
  const std::string& dir = scratch.dir;
  if (size == 0) return 0;
  scratch.clear();
  static const bool checked_not_a_log = (check_not_a_log(dir), true);
  (void)checked_not_a_log;

  std::vector<std::uint64_t> ids = {0};
  std::vector<const std::vector<std::string>*> layouts = {&kLayouts[data[0] % kLayouts.size()]};
  bool foreign = false;
  if (data[0] >= 0x80) {
    const unsigned v = data[0] - 0x80u;
    layouts = {&kLayouts[v % 3], &kLayouts[(v / 3) % 3]};
    ids = {0, (v / 9) % 2 == 1 ? 2u : 1u};
    foreign = (v / 18) % 2 == 1;
  }
  std::size_t count = 0;
  for (const auto* layout : layouts) count += layout->size();
  const std::vector<Bytes> files = split(Bytes(data + 1, size - 1), count);
  std::vector<std::set<std::string>> written(ids.size());
  std::size_t at = 0;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const std::string stem = dir + "/" + ipc::v1::v1_segment_stem(ids[k]);
    for (const std::string& suffix : *layouts[k]) {
      const Bytes file = files[at++];
      if (file.empty()) continue;
      if (!write_file(stem + suffix, file)) return 0;
      written[k].insert(suffix);
    }
  }
  if (foreign) {
    for (const std::string& name : kForeignFiles) {
      if (!write_file(dir + "/" + name, Bytes(data, std::min<std::size_t>(size, 64)))) return 0;
    }
    if (::mkdir((dir + "/" + kForeignDir).c_str(), 0700) != 0) return 0;
    if (::symlink("000000000.q", (dir + "/" + kForeignLink).c_str()) != 0) return 0;
  }
  const Listing listing = expected_listing(dir, ids, written, foreign);

  auto opened = ipc::v1::V1LogReader::open(dir);
  if (!opened) {
    CHRONICLE_FUZZ_CHECK(listing.refused);
    check_error(opened.error(), dir);
    return 0;
  }
  CHRONICLE_FUZZ_CHECK(!listing.refused);
  // Read through a reader moved into another one.
  auto reader = ipc::v1::V1LogReader::open(dir);
  CHRONICLE_FUZZ_CHECK(reader.has_value());
  *reader = std::move(*opened);
  CHRONICLE_FUZZ_CHECK(reader->dir() == dir);
  CHRONICLE_FUZZ_CHECK(same_files(reader->segments(), listing.segments));
  std::vector<std::string> ignored = reader->ignored_files();
  std::sort(ignored.begin(), ignored.end());
  CHRONICLE_FUZZ_CHECK(ignored == listing.ignored);

  std::vector<Rec> all;
  RecordView v;
  Step step;
  while ((step = reader->next(v)) == Step::Record) all.push_back({v.seq, v.timestamp_ns});
  const bool clean = step == Step::NothingYet;
  if (clean) {
    CHRONICLE_FUZZ_CHECK(reader->segment_position() == reader->segments().size());
  } else {
    CHRONICLE_FUZZ_CHECK(step == Step::Failed && !reader->status().has_value());
    CHRONICLE_FUZZ_CHECK(reader->segment_position() < reader->segments().size());
    check_error(reader->status().error(), dir);
    CHRONICLE_FUZZ_CHECK(reader->next(v) == Step::Failed);
  }
  bool ordered = true;
  for (std::size_t i = 1; i < all.size(); ++i) {
    ordered = ordered && all[i - 1].timestamp_ns <= all[i].timestamp_ns;
  }
  const bool exact = clean && ordered;

  std::vector<std::uint64_t> targets = {0, UINT64_MAX};
  for (std::size_t i : {std::size_t{0}, all.size() / 3, all.size() / 2, all.size()}) {
    if (all.empty()) break;
    i = std::min(i, all.size() - 1);
    const std::uint64_t ts = all[i].timestamp_ns;
    targets.push_back(ts);
    if (ts > 0) targets.push_back(ts - 1);
    if (ts < UINT64_MAX) targets.push_back(ts + 1);
  }
  for (std::uint64_t ts : targets) check_seek(*reader, ts, all, exact, dir);
  return 0;
}
