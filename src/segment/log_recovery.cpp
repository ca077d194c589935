#include "log_recovery.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include <chronicle/core/crash_point.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/segment/segment_store.hpp>

#include "recovery_scan.hpp"

namespace chronicle::detail {

namespace {

// Damage below the sync watermark of `h`: bytes sync() had reported durable.
Status below_watermark(const LiveSegment& seg, const SegmentHeader& h, const ScanEnd& end) {
  const std::string what =
      end.step == CursorStep::Failed
          ? end.error.message()
          : fmt::format("{}: records end at offset {}", escape_bytes(seg.path), end.offset);
  return Error(Errc::Corruption,
               fmt::format("{} (below the sync watermark {}: sync() had reported it durable)", what,
                           h.synced_offset));
}

// Makes everything after the last good record of `seg` zero, so that no
// byte of a crashed write can later be read as a record. Refuses when the
// bad record lies below the sync watermark (data sync() reported durable).
// A committed record after the bad one is damage in the middle of the log
// when `synced_log` is false (a process crash never leaves one), refused; in
// a log that sync() covered it is what a power loss leaves above the
// watermark (pages reach the disk in any order), dropped with the tail and
// reported (RELIABILITY B1).
Status settle_tail(LiveSegment& seg, const ScanEnd& end, bool synced_log, RecoveryReport& report) {
  std::byte* base = seg.map.data();
  const std::uint64_t size = seg.map.size();
  const SegmentHeader h = read_segment_header(base);
  if (end.offset < h.synced_offset) return below_watermark(seg, h, end);
  const auto extent = nonzero_extent(base, end.offset, size);
  if (!extent) return {};
  std::string reason = end.step == CursorStep::Failed
                           ? end.error.message()
                           : std::string("bytes of an uncommitted record");
  // A committed record can only lie within the non-zero bytes.
  if (auto later = find_record_after(base, size, end.offset + kRecordAlignment, extent->second,
                                     end.next_seq + 1)) {
    const RecordHeader next = read_record_header(base + *later);
    if (!synced_log) {
      return corruption(
          seg.path, end.offset,
          "{}; committed record seq {} follows at offset {}: refusing to drop it",
          end.step == CursorStep::Failed ? end.error.message() : std::string("uncommitted record"),
          next.seq, *later);
    }
    reason += fmt::format(
        "; dropped with committed records from seq {} at offset {}, above the "
        "sync watermark {}: no sync() had covered them",
        next.seq, *later, h.synced_offset);
  }
  CHRONICLE_CRASH_POINT("recovery.after_scan");
  // Zero front to back: the commit word at end.offset goes first, so an
  // interrupted zeroing leaves a tail that the next recovery handles the same.
  const std::uint64_t mid = extent->first + (extent->second - extent->first) / 2;
  std::memset(base + extent->first, 0, mid - extent->first);
  CHRONICLE_CRASH_POINT("recovery.during_zero");
  std::memset(base + mid, 0, extent->second - mid);
  report.discarded_at = end.offset;
  report.discarded_bytes = extent->second - end.offset;
  report.discard_reason = std::move(reason);
  return {};
}

// Where sync() last covered the log (RELIABILITY B1): the newest segment
// whose header carries a sync watermark. sync() makes every sealed segment
// durable before it stamps the live one, and the first stamp of a segment
// reaches the disk before sync() returns, so that segment and all before it
// were durable. A cold segment was made durable by the compressor, itself
// only: a lifecycle run compresses sealed segments whether or not a sync()
// covered those before them. Reads one header per segment, walking back from
// entries[end - 1].
struct SyncedPoint {
  std::size_t index = 0;  // into the segment entries
  bool cold = false;
};

Result<std::optional<SyncedPoint>> find_synced_point(FileSystem& fs, const std::string& dir,
                                                     const std::vector<SegmentEntry>& entries,
                                                     std::size_t end) {
  for (std::size_t i = end; i-- > 0;) {
    if (!entries[i].hot) return std::optional<SyncedPoint>(SyncedPoint{i, true});
    const std::string path = segment_path(dir, entries[i].id);
    auto fd = fs.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    if (!fd) {
      // Compressed meanwhile by a lifecycle run: the .q.zst is durable.
      if (fd.error().code() == Errc::NotFound && entries[i].cold)
        return std::optional<SyncedPoint>(SyncedPoint{i, true});
      return std::move(fd).error();
    }
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) return io_error("fstat", path, errno);
    if (static_cast<std::uint64_t>(st.st_size) < kSegmentHeaderSize) continue;
    SegmentHeader h;
    if (auto r = fs.pread_exact(fd->get(), path, &h, sizeof h, 0); !r) return std::move(r).error();
    if (h.magic == kSegmentMagic && identity_checksum_of(h) == h.identity_checksum &&
        h.synced_offset >= kSegmentHeaderSize && h.synced_offset <= h.capacity) {
      return std::optional<SyncedPoint>(SyncedPoint{i, false});
    }
  }
  return std::optional<SyncedPoint>();
}

// The unsealed last segment as end_log_at_unsynced_damage opened and scanned
// it, so that recover_log does not map and scan it a second time: the scan
// of a full live segment is most of what a recovery costs.
struct ScannedSegment {
  OpenedSegment opened;
  ScanEnd end;
};

// Power loss can damage any byte written after the last sync() (RELIABILITY
// B1): pages reach the disk in any order, so a segment written since may
// have holes, a lost end marker or no header at all while later segments
// hold records. No sync() covered those records, so the log ends at the
// first damage after the synced point: a sealed segment there becomes live
// again (the caller settles its tail) and the segments after it are removed.
// Damage below a watermark is Corruption. (A log that sync() never covered
// gets the rules of a process crash in recover_log's look at its last two
// segments: nothing was promised for a power loss, and scanning a whole log
// at every open would cost too much.)
Status end_log_at_unsynced_damage(FileSystem& fs, const std::string& dir, const SyncedPoint& point,
                                  std::vector<SegmentEntry>& entries, RecoveryReport& report,
                                  std::optional<ScannedSegment>& last_scanned) {
  std::optional<std::uint64_t> expected_base;  // where the segment before ended
  std::size_t cut = entries.size();            // entries [cut, end) are removed
  for (std::size_t i = point.index + (point.cold ? 1 : 0); i < entries.size(); ++i) {
    auto opened = open_rw(fs, dir, entries[i].id);
    if (!opened) return std::move(opened).error();
    LiveSegment& seg = opened->seg;
    // A header reverted to "named ahead" lost its roll the same way.
    if (opened->blank || opened->headerless ||
        is_named_ahead(read_segment_header(seg.map.data()))) {
      cut = i;
      break;
    }
    const SegmentHeader h = read_segment_header(seg.map.data());
    if (auto ok = validate_segment_header(h, seg.path, entries[i].id, opened->file_size); !ok) {
      return ok;
    }
    if (expected_base && h.base_seq != *expected_base) {
      return corruption(seg.path, offsetof(SegmentHeader, base_seq),
                        "base_seq {} does not continue the previous segment, which ends at seq {}",
                        h.base_seq, *expected_base);
    }
    const ScanEnd end = scan(seg);
    const bool last = i + 1 == entries.size();
    if (end.step == CursorStep::EndOfSegment) {
      // Ended by a roll; the seal block may not have reached the disk.
      if (!is_sealed(h) && !last) {
        seal_at(seg, end);
        report.sealed_previous = true;
      }
      if (last && !is_sealed(h)) last_scanned.emplace(ScannedSegment{std::move(*opened), end});
      expected_base = end.next_seq;
      continue;
    }
    if (end.offset < h.synced_offset) return below_watermark(seg, h, end);
    if (is_sealed(h)) {
      unseal(seg);
    } else if (last) {
      last_scanned.emplace(ScannedSegment{std::move(*opened), end});
    }
    cut = i + 1;
    break;
  }
  if (cut == entries.size()) return {};
  for (std::size_t i = entries.size(); i-- > cut;) {
    const std::string path = segment_path(dir, entries[i].id);
    if (auto st = fs.unlink(path); !st && st.error().code() != Errc::NotFound) return st;
    ++report.dropped_segments;
  }
  // Removed for good before any new record reuses their sequence numbers.
  if (auto st = fs.sync_dir(dir); !st) return st;
  entries.resize(cut);
  return {};
}

// Removes what a writer prepared but never started: `.q.prep` files, and
// newest `.q` files named ahead of a roll that never came. Normally there is
// at most one; a power loss can leave two (the roll's started header of
// segment n lost, and n + 1 named ahead since). Such a segment holds no
// record, unless a power loss reverted its header after the roll (no sync()
// covers a segment before its header is durable); then its records are
// dropped with it and reported.
Status remove_unstarted_segments(FileSystem& fs, const std::string& dir, RecoveryReport& report) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return io_error("opendir", dir, errno);
  std::vector<std::string> stale;
  std::vector<std::uint64_t> hot;
  while (const dirent* e = ::readdir(d)) {
    auto parsed = parse_segment_file_name(e->d_name);
    if (!parsed) continue;
    if (parsed->suffix == kPrepSuffix) stale.push_back(dir + "/" + e->d_name);
    if (parsed->suffix == kHotSuffix) hot.push_back(parsed->id);
  }
  std::sort(hot.begin(), hot.end());
  std::vector<std::uint64_t> unstarted;  // newest first
  Status checked;
  for (auto id = hot.rbegin(); id != hot.rend(); ++id) {
    auto named_ahead = is_named_ahead_on_disk(::dirfd(d), dir, *id);
    if (!named_ahead) {
      checked = std::move(named_ahead).error();
      break;
    }
    if (!*named_ahead) break;
    unstarted.push_back(*id);
  }
  ::closedir(d);
  if (!checked) return checked;
  for (const auto& path : stale) {
    if (auto st = fs.unlink(path); !st && st.error().code() != Errc::NotFound) return st;
  }
  for (const std::uint64_t id : unstarted) {
    auto opened = open_rw(fs, dir, id);
    if (!opened) return std::move(opened).error();
    const LiveSegment& seg = opened->seg;
    if (nonzero_extent(seg.map.data(), kSegmentHeaderSize, seg.map.size())) {
      ++report.dropped_segments;
    }
    opened->seg.map.reset();
    if (auto st = fs.unlink(seg.path); !st) return st;
  }
  return {};
}

// The previous segment of an unsealed last one must be ended and sealed; a
// crash during a roll can leave it unsealed (and, before the end marker was
// stored, unended: then the last segment must still be empty).
Status settle_previous(FileSystem& fs, const std::string& dir, std::uint64_t id,
                       const SegmentHeader& last, const ScanEnd& last_scan, bool synced_log,
                       RecoveryReport& report) {
  auto opened = open_rw(fs, dir, id);
  if (!opened) return std::move(opened).error();
  LiveSegment& prev = opened->seg;
  if (opened->blank) {
    return corruption(prev.path, 0, "segment has no header but a newer segment follows it");
  }
  if (opened->headerless) return headerless_error(*opened);
  const SegmentHeader h = read_segment_header(prev.map.data());
  if (auto ok = validate_segment_header(h, prev.path, id, opened->file_size); !ok) return ok;
  if (is_sealed(h)) return {};
  ScanEnd end = scan(prev);
  if (end.step != CursorStep::EndOfSegment) {
    if (last_scan.count > 0) {
      return corruption(prev.path, end.offset,
                        "segment was never ended, yet the next segment holds records");
    }
    if (auto st = settle_tail(prev, end, synced_log, report); !st) return st;
  }
  if (end.next_seq != last.base_seq) {
    return corruption(segment_path(dir, id + 1), offsetof(SegmentHeader, base_seq),
                      "base_seq {} does not continue the previous segment, which ends at seq {}",
                      last.base_seq, end.next_seq);
  }
  seal_at(prev, end);
  report.sealed_previous = true;
  CHRONICLE_CRASH_POINT("recovery.after_seal_previous");
  return {};
}

}  // namespace

Result<RecoveredLog> recover_log(FileSystem& fs, const std::string& dir,
                                 const SegmentOpener* opener) {
  RecoveredLog out;
  if (auto st = remove_unstarted_segments(fs, dir, out.report); !st) return std::move(st).error();
  auto listed = list_segments(dir);
  if (!listed) return std::move(listed).error();
  std::vector<SegmentEntry> entries = std::move(*listed);
  if (entries.empty()) return out;
  auto point = find_synced_point(fs, dir, entries, entries.size());
  if (!point) return std::move(point).error();
  const bool synced_log = point->has_value();
  std::optional<ScannedSegment> scanned;
  out.unsynced_from = entries.front().id;
  if (synced_log) {
    const SyncedPoint& p = **point;
    // The first segment the next sync() must cover: from the newest
    // watermark, past any cold segments after it (RELIABILITY B3 found a
    // never-synced segment 0 left out because segment 1 was compressed).
    std::optional<SyncedPoint> covered = p;
    while (covered && covered->cold) {
      auto earlier = find_synced_point(fs, dir, entries, covered->index);
      if (!earlier) return std::move(earlier).error();
      covered = *earlier;
    }
    if (covered) out.unsynced_from = entries[covered->index].id;
    if (auto st = end_log_at_unsynced_damage(fs, dir, p, entries, out.report, scanned); !st) {
      return std::move(st).error();
    }
  }
  if (entries.empty()) return out;

  for (;;) {
    const SegmentEntry last = entries.back();
    if (!last.hot) {
      // Only sealed segments are compressed: continue in a new segment.
      if (opener == nullptr) {
        return file_error(Errc::Unsupported, segment_path(dir, last.id, SegmentTier::Cold),
                          "the newest segment is compressed; open the writer with "
                          "LogOptions::opener set to the compression layer's "
                          "UnifiedSegmentOpener to read its header");
      }
      auto cold = opener->open(dir, last.id);
      if (!cold) return std::move(cold).error();
      const SegmentHeader h = (*cold)->header();
      out.next_id = last.id + 1;
      out.next_seq = h.base_seq + h.record_count;
      return out;
    }
    // Scanned already when it lies after the synced point.
    std::optional<ScannedSegment> reused;
    if (scanned && scanned->opened.seg.id == last.id) reused = std::exchange(scanned, std::nullopt);
    auto opened = reused ? Result<OpenedSegment>(std::move(reused->opened))
                         : open_rw(fs, dir, last.id);
    if (!opened) return std::move(opened).error();
    LiveSegment& seg = opened->seg;
    if (opened->headerless) return std::move(headerless_error(*opened)).error();
    if (opened->blank) {
      // Creation was interrupted: the file never held a record. Remove it and
      // resume from the segment before it.
      seg.map.reset();
      seg.fd.reset();
      if (auto st = fs.unlink(seg.path); !st) return std::move(st).error();
      out.report.recreated_segment = true;
      entries.pop_back();
      if (entries.empty()) {
        if (last.id != 0) {
          return corruption(seg.path, 0,
                            "segment has no header and no earlier segment tells its base_seq");
        }
        return out;
      }
      continue;
    }
    const SegmentHeader h = read_segment_header(seg.map.data());
    if (auto ok = validate_segment_header(h, seg.path, last.id, opened->file_size); !ok) {
      return std::move(ok).error();
    }
    out.next_id = last.id + 1;
    if (is_sealed(h)) {
      if (opened->file_size >= h.end_of_data + kEndMarkerSize &&
          load_commit_acquire(seg.map.data() + h.end_of_data) != kEndOfSegment) {
        return corruption(seg.path, h.end_of_data,
                          "sealed segment has no end-of-segment marker at its end_of_data");
      }
      out.next_seq = h.base_seq + h.record_count;
      return out;
    }
    ScanEnd end = reused ? std::move(reused->end) : scan(seg);
    if (entries.size() >= 2 && entries[entries.size() - 2].hot) {
      if (auto st = settle_previous(fs, dir, last.id - 1, h, end, synced_log, out.report); !st) {
        return std::move(st).error();
      }
    }
    out.next_seq = end.next_seq;
    if (end.step == CursorStep::EndOfSegment) {
      // Ended by a roll whose successor was lost, or by a close interrupted
      // before its seal: seal it and continue in a new segment.
      seal_at(seg, end);
      return out;
    }
    if (auto st = settle_tail(seg, end, synced_log, out.report); !st) {
      return std::move(st).error();
    }
    out.report.segment_id = seg.id;
    out.report.resume_offset = end.offset;
    out.write_offset = end.offset;
    out.min_ts = end.min_ts;
    out.max_ts = end.max_ts;
    out.live = std::move(seg);
    return out;
  }
}

}  // namespace chronicle::detail
