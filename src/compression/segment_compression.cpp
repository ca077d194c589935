#include <chronicle/compression/segment_compression.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <chronicle/compression/cold_segment.hpp>
#include <chronicle/compression/seekable_reader.hpp>
#include <chronicle/core/crash_point.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/core/temp_name.hpp>
#include <chronicle/segment/hot_segment.hpp>
#include <chronicle/segment/memory_segment.hpp>
#include <chronicle/segment/segment_cursor.hpp>

namespace chronicle {

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// Walks every record of a sealed segment held in memory; the segment is
// intact when the walk reaches its end marker.
Status verify_records(const std::string& path, std::uint64_t id, const std::byte* data,
                      std::uint64_t size) {
  SegmentCursor cursor(std::make_unique<MemorySegment>(path, id, data, size));
  RecordView view;
  for (;;) {
    switch (cursor.next(view)) {
      case CursorStep::Record: continue;
      case CursorStep::EndOfSegment: return {};
      case CursorStep::Failed: return cursor.error();
      case CursorStep::NothingYet:
        return corruption(path, cursor.offset(), "sealed segment ends without its end marker");
    }
  }
}

// Decompresses every frame of the seekable file at `path` and compares it
// with `expected`, byte for byte.
Status verify_seekable_matches(FileSystem& fs, const std::string& path,
                               std::span<const std::byte> expected) {
  auto reader = SeekableReader::open(fs, path, kMaxColdFrameSize);
  if (!reader) return std::move(reader).error();
  if (reader->size() != expected.size()) {
    return corruption(path, 0, "compressed file holds {} bytes: expected {}", reader->size(),
                      expected.size());
  }
  auto z = ZstdDecompressor::create();
  if (!z) return std::move(z).error();
  std::vector<std::byte> frame;
  const SeekTable& t = reader->table();
  for (std::size_t i = 0; i < t.frame_count(); ++i) {
    frame.resize(t.frame_size(i));
    if (auto st = reader->read_frame(i, frame, *z); !st) return st;
    if (std::memcmp(frame.data(), expected.data() + t.decompressed_offset[i], frame.size()) != 0) {
      return corruption(path, t.compressed_offset[i],
                        "frame {} does not decompress to the source bytes", i);
    }
  }
  return {};
}

// Writes `data` to `path` under a temp name as a seekable zstd file, syncs it
// and verifies it. On failure the temp file is gone.
Result<std::string> write_verified_cold(FileSystem& fs, const std::string& final_path,
                                        std::span<const std::byte> data,
                                        const SegmentCompressionOptions& options,
                                        std::uint64_t* frames, std::uint64_t* file_size) {
  const std::string tmp = temp_path_for(final_path);
  auto fd = fs.open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, options.file_mode);
  if (!fd) return std::move(fd).error();
  auto fail = [&](Error e) -> Result<std::string> {
    fd->reset();
    (void)fs.unlink(tmp);
    return e;
  };
  auto writer = SeekableWriter::create(fs, fd->get(), tmp, options.seekable);
  if (!writer) return fail(std::move(writer).error());
  const std::uint64_t block = options.seekable.block_size;
  for (std::uint64_t off = 0; off < data.size(); off += block) {
    const std::uint64_t n = std::min<std::uint64_t>(block, data.size() - off);
    if (auto st = writer->write_frame(data.subspan(off, n)); !st) return fail(std::move(st).error());
    if (options.on_frame) {
      if (auto st = options.on_frame(n); !st) return fail(std::move(st).error());
    }
  }
  auto size = writer->finish();
  if (!size) return fail(std::move(size).error());
  if (auto st = fs.fsync(fd->get(), tmp); !st) return fail(std::move(st).error());
  CHRONICLE_CRASH_POINT("compress.after_tmp_fsync");
  if (auto st = verify_seekable_matches(fs, tmp, data); !st) return fail(std::move(st).error());
  CHRONICLE_CRASH_POINT("compress.after_verify");
  *frames = writer->frames();
  *file_size = *size;
  return tmp;
}

// The same rule as LogOptions' file_mode: no world-writable segment files.
Status check_file_mode(mode_t mode) {
  if ((mode & 0002) != 0) {
    return invalid_argument("file_mode {:o} is world-writable: refused (expected no 0002 bit)",
                            mode);
  }
  return {};
}

}  // namespace

Result<SegmentCompressionResult> compress_segment(const std::string& dir, std::uint64_t id,
                                                  const SegmentCompressionOptions& options) {
  FileSystem& fs = options.fs ? *options.fs : FileSystem::system();
  if (auto ok = validate(options.seekable); !ok) return std::move(ok).error();
  if (auto ok = check_file_mode(options.file_mode); !ok) return std::move(ok).error();
  const std::string hot_path = segment_path(dir, id, SegmentTier::Hot);
  const std::string cold_path = segment_path(dir, id, SegmentTier::Cold);
  auto hot = HotSegment::open(fs, hot_path, id);
  if (!hot) return std::move(hot).error();
  const SegmentHeader h = (*hot)->header();
  if (!is_sealed(h)) {
    return file_error(Errc::InvalidArgument, hot_path,
                      "segment is live (not sealed): only sealed segments are compressed");
  }
  if (auto st = verify_records(hot_path, id, (*hot)->data(), (*hot)->size()); !st) {
    return std::move(st).error();
  }
  const std::span<const std::byte> used((*hot)->data(), h.end_of_data);
  SegmentCompressionResult result;
  result.used_bytes = h.end_of_data;
  result.bytes_before = (*hot)->size();

  // A .q.zst next to the .q is left by a run that crashed after its rename.
  // It is trusted only if it verifies against the .q; otherwise it goes.
  bool have_cold = false;
  if (exists(cold_path)) {
    if (verify_seekable_matches(fs, cold_path, used)) {
      have_cold = true;
      result.finished_earlier_run = true;
    } else if (auto st = fs.unlink(cold_path); !st) {
      return std::move(st).error();
    }
  }
  if (!have_cold) {
    auto tmp = write_verified_cold(fs, cold_path, used, options, &result.frames, &result.bytes_after);
    if (!tmp) return std::move(tmp).error();
    if (auto st = fs.rename_noreplace(*tmp, cold_path); !st) {
      (void)fs.unlink(*tmp);
      return std::move(st).error();
    }
    CHRONICLE_CRASH_POINT("compress.after_rename");
  }
  if (auto st = fs.sync_dir(dir); !st) return std::move(st).error();
  if (auto st = fs.unlink(hot_path); !st) return std::move(st).error();
  CHRONICLE_CRASH_POINT("compress.after_unlink");
  if (auto st = fs.sync_dir(dir); !st) return std::move(st).error();
  if (result.finished_earlier_run) {
    struct stat st {};
    if (::stat(cold_path.c_str(), &st) == 0) result.bytes_after = static_cast<std::uint64_t>(st.st_size);
  }
  return result;
}

Result<SegmentCompressionResult> decompress_segment(const std::string& dir, std::uint64_t id,
                                                    const SegmentCompressionOptions& options) {
  FileSystem& fs = options.fs ? *options.fs : FileSystem::system();
  if (auto ok = check_file_mode(options.file_mode); !ok) return std::move(ok).error();
  const std::string hot_path = segment_path(dir, id, SegmentTier::Hot);
  const std::string cold_path = segment_path(dir, id, SegmentTier::Cold);
  auto cold = ColdSegment::open(fs, cold_path, id, ColdReadOptions{.read_ahead_frames = 0});
  if (!cold) return std::move(cold).error();
  SegmentCompressionResult result;
  result.used_bytes = (*cold)->size();
  result.bytes_before = (*cold)->seekable().file_size();
  result.frames = (*cold)->seekable().table().frame_count();

  // Decompress into memory once: a segment is at most 1 GiB, usually 64 MiB.
  std::vector<std::byte> content(result.used_bytes);
  if (auto st = (*cold)->read_at(0, content); !st) return std::move(st).error();
  if (auto st = verify_records(cold_path, id, content.data(), content.size()); !st) {
    return std::move(st).error();
  }

  if (exists(hot_path)) {
    // Left by a run that crashed after its rename (or by a compression that
    // crashed before removing its source): it must hold the same bytes.
    auto hot = HotSegment::open(fs, hot_path, id);
    if (!hot) return std::move(hot).error();
    if ((*hot)->size() < content.size() ||
        std::memcmp((*hot)->data(), content.data(), content.size()) != 0) {
      return corruption(hot_path, 0, "both {} and {} exist and differ: refusing to choose",
                        segment_file_name(id, SegmentTier::Hot),
                        segment_file_name(id, SegmentTier::Cold));
    }
    result.finished_earlier_run = true;
    result.bytes_after = (*hot)->size();
  } else {
    const std::string tmp = temp_path_for(hot_path);
    auto fd = fs.open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, options.file_mode);
    if (!fd) return std::move(fd).error();
    auto fail = [&](Error e) -> Result<SegmentCompressionResult> {
      fd->reset();
      (void)fs.unlink(tmp);
      return e;
    };
    if (auto st = fs.pwrite_all(fd->get(), tmp, content.data(), content.size(), 0); !st) {
      return fail(std::move(st).error());
    }
    if (auto st = fs.fsync(fd->get(), tmp); !st) return fail(std::move(st).error());
    CHRONICLE_CRASH_POINT("decompress.after_tmp_fsync");
    {
      auto written = HotSegment::open(fs, tmp, id);
      if (!written) return fail(std::move(written).error());
      if ((*written)->size() != content.size() ||
          std::memcmp((*written)->data(), content.data(), content.size()) != 0) {
        return fail(corruption(tmp, 0, "restored segment does not read back as written"));
      }
    }
    if (auto st = fs.rename_noreplace(tmp, hot_path); !st) return fail(std::move(st).error());
    CHRONICLE_CRASH_POINT("decompress.after_rename");
    result.bytes_after = content.size();
  }
  if (auto st = fs.sync_dir(dir); !st) return std::move(st).error();
  if (auto st = fs.unlink(cold_path); !st) return std::move(st).error();
  CHRONICLE_CRASH_POINT("decompress.after_unlink");
  if (auto st = fs.sync_dir(dir); !st) return std::move(st).error();
  return result;
}

Result<std::uint64_t> remove_stale_temp_files(const std::string& dir, FileSystem& fs) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return io_error("opendir", dir, errno);
  std::vector<std::string> stale;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    const auto marker = name.find(kTempMarker);
    if (marker == std::string_view::npos) continue;
    auto parsed = parse_segment_file_name(name.substr(0, marker));
    if (parsed && parsed->suffix != kPrepSuffix) stale.emplace_back(dir + "/" + std::string(name));
  }
  ::closedir(d);
  std::uint64_t removed = 0;
  for (const auto& path : stale) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
    if (auto r = fs.unlink(path); !r && r.error().code() != Errc::NotFound) {
      return std::move(r).error();
    }
    ++removed;
  }
  return removed;
}

}  // namespace chronicle
