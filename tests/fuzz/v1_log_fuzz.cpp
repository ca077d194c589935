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
// Input: a layout byte (modulo 3), then the files of segment 0 in the order
// below, each but the last preceded by its length (u32, little-endian); an
// empty file is left out.
//   0  hot    000000000.q, 000000000.idx
//   1  cold   000000000.q.zst.idx, 000000000.q.zst, 000000000.idx
//   2  both   000000000.q, 000000000.q.zst.idx, 000000000.q.zst, 000000000.idx
//             (a compression interrupted before it deleted the .q)
// The files are written to a private directory in /dev/shm. The seeds in
// tests/fuzz/corpus/v1_log/ are made by fuzz_seeds.cpp from the vectors in
// tests/data/chronicle-rs-v1/.
#include <chronicle/ipc/v1/v1_log_reader.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
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

// The log directory, removed when the fuzzer exits.
struct Scratch {
  std::string dir = "/dev/shm/chronicle-fuzz-v1-" + std::to_string(::getpid());
  Scratch() { ::mkdir(dir.c_str(), 0700); }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Scratch scratch;
  const std::string& dir = scratch.dir;
  if (size == 0) return 0;
  const std::vector<std::string>& layout = kLayouts[data[0] % kLayouts.size()];
  for (const char* suffix : {".q", ".idx", ".q.zst", ".q.zst.idx"}) {
    ::unlink((dir + "/000000000" + suffix).c_str());
  }
  const std::vector<Bytes> files = split(Bytes(data + 1, size - 1), layout.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!files[i].empty() && !write_file(dir + "/000000000" + layout[i], files[i])) return 0;
  }

  auto reader = ipc::v1::V1LogReader::open(dir);
  if (!reader) {
    check_error(reader.error(), dir);
    return 0;
  }
  std::vector<Rec> all;
  RecordView v;
  Step step;
  while ((step = reader->next(v)) == Step::Record) all.push_back({v.seq, v.timestamp_ns});
  const bool clean = step == Step::NothingYet;
  if (!clean) {
    CHRONICLE_FUZZ_CHECK(step == Step::Failed && !reader->status().has_value());
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
