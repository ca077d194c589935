// Compression benchmarks (issue 3) over logs of realistic market-data records
// (bench_support.hpp's RecordPool, built from examples/market_data.hpp), each
// beside its plain-zstd baseline in the same run (STYLE.md §7). Every log is
// written once per process: 4 full 64 MiB segments, closed (sealed), kept hot
// in hot/ and compressed with compress_segment's defaults (level 3, 1 MiB
// frames) in cold/. Segment 0 holds no repeated payload: the pool has a
// distinct entry for each of its records.
//
// Compression of segment 0's used bytes [0, end_of_data), 64-byte payloads:
//   BM_PlainZstd/level/input      baseline: one ZSTD_compress() call over one
//                                 input as a single stream. input 0: the
//                                 segment's bytes as stored (the throughput
//                                 baseline); 1: the same bytes with every
//                                 record's checksum field zeroed; 2: only the
//                                 8-byte timestamp and the payload of each
//                                 record, back to back (what the records say,
//                                 without the framing)
//   BM_SeekableWrite/level/block  SeekableWriter: the same bytes as frames of
//                                 `block` bytes, written to a new file with
//                                 the seek table (what compress_segment does,
//                                 without verification and fsync)
//   BM_SeekableVsPlain/level      the two above (1 MiB frames, input 0) and
//                                 plain zstd over the same 1 MiB frames
//                                 (ZSTD_compress2, no checksum, no file),
//                                 rotating within each iteration;
//                                 speed_ratio = plain time / seekable time;
//                                 frames_ratio = frames time / seekable time
//   BM_CompressSegment/level      compress_segment() end to end: record
//                                 walk, frames, fsync, decompress-and-compare,
//                                 rename, directory fsyncs, unlink of the .q
//   Counters: ratio (input bytes / compressed bytes), B_per_record (compressed
//   bytes per record), vs_stream (compressed size / the one-stream size of
//   input 0 at the same level: the ratio lost to independent frames). The
//   rows for inputs 1 and 2 and for 256 KiB / 64 KiB frames make one pass:
//   they are there for their sizes. Every row also reports other_cores, the
//   CPU time other processes took during it (in cores; the machine has 2).
//
// Sequential reads of all records (64 B and 1 KiB payloads); bytes/s counts
// decompressed (used) bytes in every row, so rows compare directly:
//   BM_SeqRead/payload/mode       LogReader with both_tiers(), fresh per pass;
//                                 mode 0: hot log; 1: cold log without
//                                 read-ahead; 2: cold log with the default
//                                 read-ahead (2 frames, background thread)
//   BM_PlainDecompress/payload/mode  baseline, one thread: mode 0: one
//                                 ZSTD_decompress() of each whole .q.zst file
//                                 (the same bytes) into a 64 MiB buffer; 1: the
//                                 same frames one by one (ZSTD_decompressDCtx)
//                                 into a reused 1 MiB buffer, as a reader would
//
// Random access to segment 0 (64 B payloads), 4 KiB at uniformly random offsets:
//   BM_ReadAt/mode/block          mode 0: UnifiedSegmentReader::read_at on the
//                                 hot segment (block unused); 1: on the cold
//                                 segment (frames of `block` bytes); 2:
//                                 baseline, plain zstd: decompress the
//                                 frame(s) holding the range and copy it out
//                                 (no cache, no checksum). Every page or frame
//                                 is touched once before timing.
//   BM_SeekSeq/tier/segment_start seek_seq() + next() on the 64 B log, hot or
//                                 cold; a random seq, or a segment's first one

#include <benchmark/benchmark.h>
#include <zstd.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <chronicle/compression/seekable_writer.hpp>
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/segment/log_options.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "bench_support.hpp"

namespace {

using namespace chronicle;
using namespace chronicle::bench;

constexpr std::uint64_t kSegmentSize = kDefaultSegmentSize;  // 64 MiB
constexpr std::uint64_t kSegments = 4;
constexpr std::size_t kReadAtBytes = 4096;

// The first `limit` bytes of a file (all of it by default).
std::vector<std::byte> read_file(const std::string& path, std::uint64_t limit = UINT64_MAX) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("open " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) die("fstat " + path);
  std::vector<std::byte> out(
      std::min<std::uint64_t>(limit, static_cast<std::uint64_t>(st.st_size)));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n <= 0) die("pread " + path, n < 0 ? errno : EIO);
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return out;
}

SegmentHeader header_of(std::span<const std::byte> segment) {
  SegmentHeader h;
  std::memcpy(&h, segment.data(), sizeof h);
  return h;
}

// Calls f(record, payload_len) for each record of a sealed segment's bytes.
template <class F>
void for_each_record(std::span<std::byte> segment, F&& f) {
  std::size_t off = kSegmentHeaderSize;
  while (off + kRecordHeaderSize <= segment.size()) {
    std::uint32_t commit;
    std::memcpy(&commit, segment.data() + off, sizeof commit);
    if (commit == kCommitNone || commit == kEndOfSegment) break;
    f(segment.data() + off, commit - 1);
    off += record_size(commit - 1);
  }
}

using DCtxPtr = std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx*)>;
DCtxPtr make_dctx() { return DCtxPtr(ZSTD_createDCtx(), &ZSTD_freeDCtx); }

// The zstd frames of a seekable file, found with zstd's own API (the seek
// table, a skippable frame, is skipped).
struct PlainFrame {
  std::uint64_t src_offset, src_size, dst_offset, dst_size;
};
std::vector<PlainFrame> zstd_frames(std::span<const std::byte> file) {
  std::vector<PlainFrame> frames;
  std::uint64_t src = 0, dst = 0;
  while (src < file.size()) {
    const std::size_t n = ZSTD_findFrameCompressedSize(file.data() + src, file.size() - src);
    if (ZSTD_isError(n))
      die(std::string("ZSTD_findFrameCompressedSize: ") + ZSTD_getErrorName(n), 0);
    std::uint32_t magic;
    std::memcpy(&magic, file.data() + src, sizeof magic);
    if ((magic & ZSTD_MAGIC_SKIPPABLE_MASK) != ZSTD_MAGIC_SKIPPABLE_START) {
      const unsigned long long c = ZSTD_getFrameContentSize(file.data() + src, n);
      if (c == ZSTD_CONTENTSIZE_ERROR || c == ZSTD_CONTENTSIZE_UNKNOWN)
        die("frame without size", 0);
      frames.push_back({src, n, dst, c});
      dst += c;
    }
    src += n;
  }
  return frames;
}

// A log of 64 MiB segments written once, hot in hot/ and compressed with
// compress_segment's defaults in cold/.
struct Dataset {
  explicit Dataset(std::size_t payload_size) : root("compression") {
    hot_dir = root.path() + "/hot";
    cold_dir = root.path() + "/cold";
    const std::uint64_t per_segment = records_per_segment(kSegmentSize, payload_size);
    records = kSegments * per_segment;
    {
      const RecordPool pool(payload_size, std::bit_ceil(per_segment));
      auto writer = SegmentWriter::open(hot_dir).value();
      for (std::uint64_t i = 0; i < records; ++i) {
        const auto& e = pool[i];
        writer.append(e.type_id, e.timestamp_ns, e.payload).value();
      }
      writer.close().value();
    }
    std::filesystem::create_directory(cold_dir);
    const std::vector<SegmentEntry> segments = list_segments(hot_dir).value();
    for (const SegmentEntry& s : segments) {
      if (!s.hot) continue;
      ids.push_back(s.id);
      const std::string hot = segment_path(hot_dir, s.id);
      std::filesystem::copy_file(hot, segment_path(cold_dir, s.id));
      compress_segment(cold_dir, s.id).value();
      cold_files.push_back(read_file(segment_path(cold_dir, s.id, SegmentTier::Cold)));
      const SegmentHeader h = header_of(read_file(hot, kSegmentHeaderSize));
      used_bytes += h.end_of_data;
      base_seqs.push_back(h.base_seq);
      if (h.record_count != per_segment) die("a segment holds an unexpected number of records", 0);
    }
    if (ids.size() != kSegments) die("the log has an unexpected number of segments", 0);
    for (const auto& f : cold_files) cold_bytes += f.size();
  }
  ScratchDir root;
  std::string hot_dir, cold_dir;
  std::uint64_t records = 0;
  std::vector<std::uint64_t> ids, base_seqs;
  std::uint64_t used_bytes = 0;  // sum of end_of_data
  std::uint64_t cold_bytes = 0;  // sum of .q.zst sizes
  std::vector<std::vector<std::byte>> cold_files;
};

const Dataset& dataset(std::size_t payload_size) {
  static std::map<std::size_t, std::unique_ptr<Dataset>> sets;
  auto& d = sets[payload_size];
  if (!d) d = std::make_unique<Dataset>(payload_size);
  return *d;
}

// Segment 0 of the 64 B log: its used bytes, the same with checksums zeroed,
// and its timestamps + payloads alone.
struct CompressionInputs {
  CompressionInputs() {
    const Dataset& d = dataset(64);
    hot_path = segment_path(d.hot_dir, d.ids.front());
    const SegmentHeader h = header_of(read_file(hot_path, kSegmentHeaderSize));
    stored = read_file(hot_path, h.end_of_data);
    records = h.record_count;
    no_checksum = stored;
    for_each_record(no_checksum, [&](std::byte* rec, std::uint32_t len) {
      std::memset(rec + offsetof(RecordHeader, checksum), 0, sizeof(std::uint32_t));
      const std::byte* ts = rec + offsetof(RecordHeader, timestamp_ns);
      payload_ts.insert(payload_ts.end(), ts, ts + sizeof(std::uint64_t));
      payload_ts.insert(payload_ts.end(), rec + kRecordHeaderSize, rec + kRecordHeaderSize + len);
    });
  }
  std::string hot_path;
  std::uint64_t records = 0;
  std::vector<std::byte> stored, no_checksum, payload_ts;
};

const CompressionInputs& inputs() {
  static const CompressionInputs in;
  return in;
}

// Size of one ZSTD_compress() of segment 0's stored bytes, per level.
std::size_t stream_size(int level) {
  static std::map<int, std::size_t> sizes;
  auto& n = sizes[level];
  if (n == 0) {
    const auto& src = inputs().stored;
    std::vector<std::byte> dst(ZSTD_compressBound(src.size()));
    n = ZSTD_compress(dst.data(), dst.size(), src.data(), src.size(), level);
    if (ZSTD_isError(n)) die(std::string("ZSTD_compress: ") + ZSTD_getErrorName(n), 0);
  }
  return n;
}

void size_counters(benchmark::State& state, std::uint64_t compressed, int level) {
  const CompressionInputs& in = inputs();
  state.counters["ratio"] = static_cast<double>(in.stored.size()) / static_cast<double>(compressed);
  state.counters["B_per_record"] =
      static_cast<double>(compressed) / static_cast<double>(in.records);
  state.counters["vs_stream"] =
      static_cast<double>(compressed) / static_cast<double>(stream_size(level));
}

void BM_PlainZstd(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const CompressionInputs& in = inputs();
  const std::vector<std::byte>& src = state.range(1) == 0   ? in.stored
                                      : state.range(1) == 1 ? in.no_checksum
                                                            : in.payload_ts;
  std::vector<std::byte> dst(ZSTD_compressBound(src.size()), std::byte{1});  // faulted in
  std::size_t n = 0;
  const OtherLoad load;
  for (auto _ : state) {
    n = ZSTD_compress(dst.data(), dst.size(), src.data(), src.size(), level);
    if (ZSTD_isError(n)) {
      state.SkipWithError(ZSTD_getErrorName(n));
      return;
    }
    benchmark::ClobberMemory();
  }
  // bytes/s counts the segment's bytes in every row, so throughputs compare.
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.stored.size()));
  size_counters(state, n, level);
  state.counters["ratio"] = static_cast<double>(src.size()) / static_cast<double>(n);
  state.counters["other_cores"] = load.cores();
}

// Writes `src` to a new seekable file at `path` as frames of
// `options.block_size` bytes; returns the file's size.
std::uint64_t write_seekable(std::span<const std::byte> src, const std::string& path,
                             const SeekableOptions& options) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) die("open " + path);
  auto writer = SeekableWriter::create(FileSystem::system(), fd, path, options).value();
  for (std::uint64_t off = 0; off < src.size(); off += options.block_size) {
    writer.write_frame(src.subspan(off, std::min<std::uint64_t>(options.block_size, src.size() - off)))
        .value();
  }
  const std::uint64_t size = writer.finish().value();
  ::close(fd);
  return size;
}

void BM_SeekableWrite(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const CompressionInputs& in = inputs();
  const ScratchDir dir("seekable");
  SeekableOptions options;
  options.codec.level = level;
  options.block_size = static_cast<std::uint64_t>(state.range(1));
  std::uint64_t size = 0;
  const OtherLoad load;
  for (auto _ : state) size = write_seekable(in.stored, dir.path() + "/out.q.zst", options);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.stored.size()));
  size_counters(state, size, level);
  state.counters["other_cores"] = load.cores();
}

// The two rows above, alternating within each iteration with a third
// baseline (the order rotates too), so that all see the same machine: a
// frequency change or another process between two separate rows moved their
// ratio by up to 30 % here. The third is plain zstd over the same 1 MiB
// frames, one ZSTD_compress2 each with a reused context into a reused
// buffer, no checksum, no file: what the format's independent frames cost
// by themselves. The iteration time is SeekableWriter's; speed_ratio = plain
// zstd's time / SeekableWriter's (the "≥ 0.9× of plain zstd");
// frames_ratio = the frames' time / SeekableWriter's (chronicle's own cost).
void BM_SeekableVsPlain(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const CompressionInputs& in = inputs();
  const ScratchDir dir("seekable-vs-plain");
  const std::string out = dir.path() + "/out.q.zst";
  SeekableOptions options;
  options.codec.level = level;
  options.block_size = 1 << 20;
  std::vector<std::byte> dst(ZSTD_compressBound(in.stored.size()), std::byte{1});  // faulted in
  std::vector<std::byte> frame(ZSTD_compressBound(options.block_size), std::byte{1});
  const std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level);
  double seekable_s = 0, plain_s = 0, frames_s = 0;
  std::uint64_t iter = 0;
  const OtherLoad load;
  for (auto _ : state) {
    double t_seekable = 0;
    // As compress_segment writes a new file: the last output's truncation
    // (a discard on this disk) is not part of the timing.
    ::unlink(out.c_str());
    for (int k = 0; k < 3; ++k) {
      const std::uint64_t t0 = now_ns();
      std::size_t n = 0;
      switch ((k + iter) % 3) {
        case 0:
          write_seekable(in.stored, out, options);
          t_seekable = static_cast<double>(now_ns() - t0) * 1e-9;
          seekable_s += t_seekable;
          break;
        case 1:
          n = ZSTD_compress(dst.data(), dst.size(), in.stored.data(), in.stored.size(), level);
          benchmark::ClobberMemory();
          plain_s += static_cast<double>(now_ns() - t0) * 1e-9;
          break;
        default:
          for (std::size_t off = 0; off < in.stored.size() && !ZSTD_isError(n); off += options.block_size) {
            n = ZSTD_compress2(cctx.get(), frame.data(), frame.size(), in.stored.data() + off,
                               std::min<std::size_t>(options.block_size, in.stored.size() - off));
            benchmark::ClobberMemory();
          }
          frames_s += static_cast<double>(now_ns() - t0) * 1e-9;
      }
      if (ZSTD_isError(n)) {
        state.SkipWithError(ZSTD_getErrorName(n));
        return;
      }
    }
    ++iter;
    state.SetIterationTime(t_seekable);
  }
  const double bytes = static_cast<double>(in.stored.size() * iter);
  state.counters["MB_per_s"] = bytes / seekable_s / 1e6;
  state.counters["plain_MB_per_s"] = bytes / plain_s / 1e6;
  state.counters["frames_MB_per_s"] = bytes / frames_s / 1e6;
  state.counters["speed_ratio"] = plain_s / seekable_s;
  state.counters["frames_ratio"] = frames_s / seekable_s;
  state.counters["frames_vs_plain"] = plain_s / frames_s;
  state.counters["other_cores"] = load.cores();
}

void BM_CompressSegment(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const CompressionInputs& in = inputs();
  const ScratchDir dir("compress");
  const std::string hot = segment_path(dir.path(), 0);
  const std::string cold = segment_path(dir.path(), 0, SegmentTier::Cold);
  SegmentCompressionOptions options;
  options.seekable.codec.level = level;
  std::uint64_t size = 0;
  const OtherLoad load;
  for (auto _ : state) {
    // A hard link to the hot log's segment 0: compress_segment removes only
    // the link, and no 64 MiB copy is dirty in the page cache meanwhile.
    state.PauseTiming();
    ::unlink(cold.c_str());
    if (::link(in.hot_path.c_str(), hot.c_str()) != 0) die("link " + hot);
    state.ResumeTiming();
    auto r = compress_segment(dir.path(), 0, options);
    if (!r) {
      state.SkipWithError(r.error().to_string().c_str());
      return;
    }
    size = r->bytes_after;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.stored.size()));
  size_counters(state, size, level);
  state.counters["other_cores"] = load.cores();
}

const UnifiedSegmentOpener& opener_without_read_ahead() {
  static const UnifiedSegmentOpener opener(FileSystem::system(),
                                           ColdReadOptions{.read_ahead_frames = 0});
  return opener;
}

void BM_SeqRead(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const int mode = static_cast<int>(state.range(1));
  const Dataset& d = dataset(len);
  const std::string& dir = mode == 0 ? d.hot_dir : d.cold_dir;
  const ReaderOptions options =
      mode == 1 ? ReaderOptions{&opener_without_read_ahead()} : both_tiers();
  std::uint64_t sum = 0;
  const OtherLoad load;
  for (auto _ : state) {
    auto reader = LogReader::open(dir, options);
    if (!reader) {
      state.SkipWithError(reader.error().to_string().c_str());
      return;
    }
    RecordView v;
    std::uint64_t n = 0;
    Step step;
    while ((step = reader->next(v)) == Step::Record) {
      std::uint64_t x;
      std::memcpy(&x, v.payload.data(), sizeof x);
      sum += x;
      ++n;
    }
    if (step == Step::Failed || n != d.records) {
      state.SkipWithError(step == Step::Failed ? reader->status().error().to_string().c_str()
                                               : "short read");
      return;
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.used_bytes));
  state.counters["other_cores"] = load.cores();
}

void BM_PlainDecompress(benchmark::State& state) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const bool per_frame = state.range(1) != 0;
  const Dataset& d = dataset(len);
  std::vector<std::vector<PlainFrame>> frames;
  std::uint64_t largest = 0;
  for (const auto& f : d.cold_files) {
    frames.push_back(zstd_frames(f));
    largest = std::max(largest,
                       per_frame ? frames.back().front().dst_size
                                 : frames.back().back().dst_offset + frames.back().back().dst_size);
  }
  std::vector<std::byte> dst(largest, std::byte{1});  // faulted in
  const DCtxPtr dctx = make_dctx();
  std::uint64_t total = 0;
  const OtherLoad load;
  for (auto _ : state) {
    total = 0;
    for (std::size_t s = 0; s < d.cold_files.size(); ++s) {
      const std::byte* file = d.cold_files[s].data();
      if (!per_frame) {
        const std::size_t n = ZSTD_decompress(dst.data(), dst.size(), file, d.cold_files[s].size());
        if (ZSTD_isError(n)) die(std::string("ZSTD_decompress: ") + ZSTD_getErrorName(n), 0);
        total += n;
      } else {
        for (const PlainFrame& f : frames[s]) {
          const std::size_t n = ZSTD_decompressDCtx(dctx.get(), dst.data(), f.dst_size,
                                                    file + f.src_offset, f.src_size);
          if (ZSTD_isError(n)) die(std::string("ZSTD_decompressDCtx: ") + ZSTD_getErrorName(n), 0);
          total += n;
        }
      }
      benchmark::ClobberMemory();
    }
  }
  if (total != d.used_bytes) state.SkipWithError("decompressed size differs from the log's");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.used_bytes));
  state.counters["ratio"] = static_cast<double>(d.used_bytes) / static_cast<double>(d.cold_bytes);
  state.counters["other_cores"] = load.cores();
}

// Segment 0 of the 64 B log compressed with frames of `block` bytes, in a
// log directory of its own (the default 1 MiB is the dataset's cold/).
const std::string& cold_dir_with_block(std::uint64_t block) {
  static std::map<std::uint64_t, std::pair<std::unique_ptr<ScratchDir>, std::string>> dirs;
  const Dataset& d = dataset(64);
  if (block == kDefaultBlockSize) return d.cold_dir;
  auto& e = dirs[block];
  if (!e.first) {
    e.first = std::make_unique<ScratchDir>("cold-block");
    e.second = e.first->path();
    std::filesystem::copy_file(inputs().hot_path, segment_path(e.second, d.ids.front()));
    SegmentCompressionOptions options;
    options.seekable.block_size = block;
    compress_segment(e.second, d.ids.front(), options).value();
  }
  return e.second;
}

void BM_ReadAt(benchmark::State& state) {
  const int mode = static_cast<int>(state.range(0));
  const auto block = static_cast<std::uint64_t>(state.range(1));
  const Dataset& d = dataset(64);
  const std::string& dir = mode == 0 ? d.hot_dir : cold_dir_with_block(block);
  std::vector<std::byte> file;  // the cold file, for the baseline
  std::vector<PlainFrame> frames;
  std::vector<std::byte> frame_buf;
  DCtxPtr dctx(nullptr, &ZSTD_freeDCtx);
  if (mode == 2) {
    file = read_file(segment_path(dir, d.ids.front(), SegmentTier::Cold));
    frames = zstd_frames(file);
    frame_buf.resize(frames.front().dst_size);
    dctx = make_dctx();
  }
  auto reader = UnifiedSegmentReader::open(dir, d.ids.front());
  if (!reader) {
    state.SkipWithError(reader.error().to_string().c_str());
    return;
  }
  const std::uint64_t size = reader->size();
  alignas(64) std::byte out[kReadAtBytes];
  // Not timed: fault in the whole mapping (hot) or decompress every frame
  // once (cold), as a reader that has been open for a while would have.
  for (std::uint64_t off = 0; off + 8 <= size; off += 4096) {
    if (auto st = reader->read_at(off, std::span(out, 8)); !st) {
      state.SkipWithError(st.error().to_string().c_str());
      return;
    }
  }
  std::mt19937_64 rng(11);
  std::uint64_t sum = 0;
  const OtherLoad load;
  for (auto _ : state) {
    const std::uint64_t offset = rng() % (size - kReadAtBytes + 1);
    if (mode != 2) {
      if (auto st = reader->read_at(offset, out); !st) {
        state.SkipWithError(st.error().to_string().c_str());
        return;
      }
    } else {
      // The frames holding [offset, offset + 4 KiB), decompressed and copied.
      auto f =
          std::upper_bound(frames.begin(), frames.end(), offset,
                           [](std::uint64_t o, const PlainFrame& p) { return o < p.dst_offset; }) -
          1;
      std::size_t done = 0;
      for (; done < kReadAtBytes; ++f) {
        const std::size_t n = ZSTD_decompressDCtx(dctx.get(), frame_buf.data(), f->dst_size,
                                                  file.data() + f->src_offset, f->src_size);
        if (ZSTD_isError(n)) die(std::string("ZSTD_decompressDCtx: ") + ZSTD_getErrorName(n), 0);
        const std::uint64_t from = offset + done - f->dst_offset;
        const std::size_t m = std::min<std::uint64_t>(kReadAtBytes - done, f->dst_size - from);
        std::memcpy(out + done, frame_buf.data() + from, m);
        done += m;
      }
    }
    benchmark::ClobberMemory();
    std::uint64_t x;
    std::memcpy(&x, out, sizeof x);
    sum += x;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kReadAtBytes));
  state.counters["other_cores"] = load.cores();
}

void BM_SeekSeq(benchmark::State& state) {
  const bool cold = state.range(0) != 0;
  const bool segment_start = state.range(1) != 0;
  const Dataset& d = dataset(64);
  auto reader = LogReader::open(cold ? d.cold_dir : d.hot_dir, both_tiers());
  if (!reader) {
    state.SkipWithError(reader.error().to_string().c_str());
    return;
  }
  std::mt19937_64 rng(7);
  std::vector<double> ns;
  RecordView v;
  const OtherLoad load;
  for (auto _ : state) {
    const std::uint64_t target =
        segment_start ? d.base_seqs[rng() % d.base_seqs.size()] : rng() % d.records;
    const std::uint64_t t0 = now_ns();
    auto sought = reader->seek_seq(target);
    const Step step = reader->next(v);
    ns.push_back(static_cast<double>(now_ns() - t0));
    if (!sought || step != Step::Record || v.seq != target) {
      state.SkipWithError(!sought ? sought.error().to_string().c_str() : "seek missed");
      return;
    }
  }
  const Percentiles p = percentiles(ns);
  state.counters["p50_us"] = p.p50 / 1e3;
  state.counters["p99_us"] = p.p99 / 1e3;
  state.counters["max_us"] = p.max / 1e3;
  state.counters["other_cores"] = load.cores();
}

// Throughput rows run long enough for several passes (a level-9 pass takes
// about 2 s); the rows kept for their size counters make one pass.
BENCHMARK(BM_PlainZstd)
    ->ArgNames({"level", "input"})
    ->Args({1, 0})
    ->Args({3, 0})
    ->MinTime(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlainZstd)
    ->ArgNames({"level", "input"})
    ->Args({9, 0})
    ->MinTime(4)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlainZstd)
    ->ArgNames({"level", "input"})
    ->ArgsProduct({{1, 3, 9}, {1, 2}})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeekableVsPlain)
    ->ArgName("level")
    ->Args({1})
    ->Args({3})
    ->Args({9})
    ->Iterations(6)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeekableWrite)
    ->ArgNames({"level", "block"})
    ->Args({1, 1 << 20})
    ->Args({3, 1 << 20})
    ->MinTime(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeekableWrite)
    ->ArgNames({"level", "block"})
    ->Args({9, 1 << 20})
    ->MinTime(4)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeekableWrite)
    ->ArgNames({"level", "block"})
    ->ArgsProduct({{1, 3, 9}, {256 << 10, 64 << 10}})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CompressSegment)
    ->ArgNames({"level"})
    ->Arg(1)
    ->Arg(3)
    ->MinTime(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CompressSegment)
    ->ArgNames({"level"})
    ->Arg(9)
    ->MinTime(4)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeqRead)
    ->ArgNames({"payload", "mode"})
    ->ArgsProduct({{64, 1024}, {0, 1, 2}})
    ->MinTime(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlainDecompress)
    ->ArgNames({"payload", "per_frame"})
    ->ArgsProduct({{64, 1024}, {0, 1}})
    ->MinTime(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadAt)
    ->ArgNames({"mode", "block"})
    ->Args({0, 1 << 20})
    ->Args({1, 1 << 20})
    ->Args({2, 1 << 20})
    ->Args({1, 64 << 10})
    ->Args({2, 64 << 10})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
// Fixed sample counts: a random cold seek takes tens of ms.
BENCHMARK(BM_SeekSeq)
    ->ArgNames({"cold", "segment_start"})
    ->Args({0, 0})
    ->Args({1, 1})
    ->Iterations(100)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SeekSeq)
    ->ArgNames({"cold", "segment_start"})
    ->Args({1, 0})
    ->Iterations(40)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SeekSeq)
    ->ArgNames({"cold", "segment_start"})
    ->Args({0, 1})
    ->Iterations(1000)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
