#include <chronicle/segment/segment_writer.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <utility>

#include <chronicle/core/detail/trailing_slashes.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/segment/segment_naming.hpp>

#include "log_recovery.hpp"
#include "segment_preparer.hpp"
#include "writer_state.hpp"

namespace chronicle {

std::string RecoveryReport::to_string() const {
  if (clean()) return fmt::format("clean: resumed segment {} at offset {}", segment_id, resume_offset);
  std::string out;
  if (discarded_bytes != 0) {
    out += fmt::format("discarded {} bytes at offset {} of segment {} ({}); ", discarded_bytes,
                       discarded_at, segment_id, discard_reason);
  }
  if (sealed_previous) out += "sealed the segment before the last; ";
  if (dropped_segments != 0) {
    out += fmt::format(
        "removed {} segment(s) after the end of the log, holding only records no "
        "sync() had covered; ",
        dropped_segments);
  }
  if (recreated_segment) out += "re-created a newest segment that had no header; ";
  out += fmt::format("resumed segment {} at offset {}", segment_id, resume_offset);
  return out;
}

SegmentWriter::SegmentWriter(std::unique_ptr<detail::WriterState> state) noexcept
    : state_(std::move(state)) {}

SegmentWriter::SegmentWriter(SegmentWriter&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      write_off_(other.write_off_),
      limit_(std::exchange(other.limit_, 0)),
      next_seq_(other.next_seq_),
      max_payload_(other.max_payload_),
      fork_gen_(other.fork_gen_),
      min_ts_(other.min_ts_),
      max_ts_(other.max_ts_),
      segment_base_seq_(other.segment_base_seq_),
      claim_len_(std::exchange(other.claim_len_, SIZE_MAX)),
      claim_saved_limit_(other.claim_saved_limit_),
      state_(std::move(other.state_)) {}

SegmentWriter& SegmentWriter::operator=(SegmentWriter&& other) noexcept {
  if (this != &other) {
    (void)close();
    base_ = std::exchange(other.base_, nullptr);
    write_off_ = other.write_off_;
    limit_ = std::exchange(other.limit_, 0);
    next_seq_ = other.next_seq_;
    max_payload_ = other.max_payload_;
    fork_gen_ = other.fork_gen_;
    min_ts_ = other.min_ts_;
    max_ts_ = other.max_ts_;
    segment_base_seq_ = other.segment_base_seq_;
    claim_len_ = std::exchange(other.claim_len_, SIZE_MAX);
    claim_saved_limit_ = other.claim_saved_limit_;
    state_ = std::move(other.state_);
  }
  return *this;
}

SegmentWriter::~SegmentWriter() { (void)close(); }

std::uint64_t SegmentWriter::segment_id() const noexcept { return state_->live.id; }
const std::string& SegmentWriter::dir() const noexcept { return state_->dir; }
const RecoveryReport& SegmentWriter::recovery_report() const noexcept { return state_->report; }
std::uint64_t SegmentWriter::rolls() const noexcept { return state_->rolls; }

Result<detail::PreparedSegment> SegmentWriter::new_first_segment(FileSystem& fs,
                                                                  const std::string& dir,
                                                                  std::uint64_t id,
                                                                  const LogOptions& options,
                                                                  std::uint64_t now_ns,
                                                                  bool* from_spare) {
  if (SpareSegment* spare = options.spare; spare && spare->usable()) {
    auto adopted = detail::adopt_spare(fs, *spare->segment_, dir, id, options, now_ns);
    // Consumed when adopted, and deleted when its rename could not be synced.
    if (!adopted || *adopted) spare->segment_.reset();
    if (!adopted) return std::move(adopted).error();
    if (*adopted) {
      *from_spare = true;
      return std::move(**adopted);
    }
  }
  return detail::prepare_segment(fs, dir, id, options, now_ns, !options.prepare_ahead);
}

Result<SegmentWriter> SegmentWriter::open(std::string dir, LogOptions options) {
  if (auto ok = validate(options); !ok) return std::move(ok).error();
  if (dir.empty()) return invalid_argument("log directory path is empty");
  dir = detail::without_trailing_slashes(std::move(dir));
  auto state = std::make_unique<detail::WriterState>();
  state->fs = options.fs ? options.fs : &FileSystem::system();
  state->clock = options.clock ? options.clock : &Clock::system();
  state->options = options;
  state->options.spare = nullptr;  // the caller's, used only here
  state->dir = dir;
  FileSystem& fs = *state->fs;

  struct stat st {};
  const bool existed = ::stat(dir.c_str(), &st) == 0;
  if (existed && !S_ISDIR(st.st_mode)) {
    return file_error(Errc::InvalidArgument, dir, "is not a directory: expected a log directory");
  }
  const auto slash = dir.find_last_of('/');
  const std::string parent = slash == std::string::npos ? "." : dir.substr(0, slash ? slash : 1);
  if (!existed) {
    if (auto made = fs.mkdir(dir, options.dir_mode); !made) return std::move(made).error();
    if (auto synced = fs.sync_dir(parent); !synced) return std::move(synced).error();
  } else {
    // Whoever made it may have crashed before its name was synced: the
    // first sync() does it.
    state->unsynced_parent = parent;
  }
  auto lock = DirLock::acquire(fs, dir, options.file_mode & 0666);
  if (!lock) return std::move(lock).error();
  state->lock = std::move(*lock);

  auto recovered = detail::recover_log(fs, dir, options.opener);
  if (!recovered) return std::move(recovered).error();
  state->report = std::move(recovered->report);
  // What earlier writers (and this recovery) left unsynced: the first sync()
  // covers it, with a directory fsync for the names they made or removed.
  state->inherited_from = recovered->unsynced_from;
  state->dir_dirty = true;
  std::uint64_t write_offset = recovered->write_offset;
  bool from_spare = false;
  if (recovered->live.map) {
    state->live = std::move(recovered->live);
  } else {
    // Start a new segment: the log is new, or its last segment is sealed.
    // With a preparer thread its pages are faulted in there (below), so
    // opening does not wait for 64 MiB of page allocation.
    auto seg = new_first_segment(fs, dir, recovered->next_id, options, state->clock->now_ns(),
                                 &from_spare);
    if (!seg) return std::move(seg).error();
    if (auto published = detail::publish_segment(fs, dir, *seg, recovered->next_seq); !published) {
      seg->map.reset();
      (void)fs.unlink(seg->path);
      return std::move(published).error();
    }
    state->live = {seg->id, segment_path(dir, seg->id), std::move(seg->fd), std::move(seg->map)};
    state->dir_dirty = true;
    write_offset = kSegmentHeaderSize;
    state->report.segment_id = seg->id;
    state->report.resume_offset = write_offset;
  }
  state->preparer = std::make_unique<detail::SegmentPreparer>(
      fs, *state->clock, dir, state->options, options.prepare_ahead,
      [s = state.get()] { return s->lock.check_in_place(s->dir); });
  SegmentWriter writer(std::move(state));
  writer.next_seq_ = recovered->next_seq;
  writer.max_payload_ = chronicle::max_payload_size(options.segment_size);
  writer.fork_gen_ = detail::fork_generation_at_open();
  writer.enter_live_segment(write_offset);
  writer.state_->inherited_to = writer.state_->live.id;
  writer.min_ts_ = recovered->min_ts;
  writer.max_ts_ = recovered->max_ts;
  detail::LiveSegment& live = writer.state_->live;
  detail::SegmentPreparer& preparer = *writer.state_->preparer;
  // A spare comes partly faulted in, and its writer (a RollingWriter's next
  // partition) hands over the next segment at its next move, which should
  // not wait for it to be created: asked for first, it is created first. A
  // new segment is not faulted in at all: its pages come first.
  if (from_spare) preparer.request(live.id + 1);
  preparer.populate(live.map.data() + write_offset, live.map.size() - write_offset);
  if (!from_spare) preparer.request(live.id + 1);
  return writer;
}

SpareSegment SegmentWriter::take_spare() {
  if (!check_usable()) return {};
  auto seg = state_->preparer->take_spare();
  if (!seg) return {};
  return SpareSegment(*state_->fs, std::make_unique<detail::PreparedSegment>(std::move(*seg)));
}

void SegmentWriter::enter_live_segment(std::uint64_t write_offset) noexcept {
  detail::LiveSegment& live = state_->live;
  base_ = live.map.data();
  write_off_ = write_offset;
  limit_ = live.map.size() - kEndMarkerSize;
  segment_base_seq_ = read_segment_header(base_).base_seq;
  min_ts_ = UINT64_MAX;
  max_ts_ = 0;
  state_->synced_offset = kSegmentHeaderSize;
  state_->stamped = read_segment_header(base_).synced_offset != 0;
  state_->flushed_offset = write_offset;
}

Status SegmentWriter::check_usable() const {
  if (!state_ || state_->closed) return Error(Errc::Closed, "the log writer is closed");
  if (fork_gen_ != detail::fork_generation()) {
    return file_error(Errc::Closed, state_->dir,
                      "this writer was inherited across fork(): only the parent may append");
  }
  return {};
}

Result<std::uint64_t> SegmentWriter::append_slow(std::uint16_t type_id, std::uint64_t timestamp_ns,
                                                 std::span<const std::byte> payload) noexcept {
  if (auto ok = check_usable(); !ok) return std::move(ok).error();
  if (claim_len_ != SIZE_MAX) {
    abort_claim();
    return append(type_id, timestamp_ns, payload);
  }
  if (auto ok = check_payload(payload, state_->options.segment_size, state_->dir); !ok) {
    return std::move(ok).error();
  }
  if (auto rolled = roll(); !rolled) return std::move(rolled).error();
  return append(type_id, timestamp_ns, payload);
}

Result<std::span<std::byte>> SegmentWriter::claim_slow(std::size_t len) noexcept {
  if (auto ok = check_usable(); !ok) return std::move(ok).error();
  if (claim_len_ != SIZE_MAX) {
    abort_claim();
    return claim(len);
  }
  if (len > max_payload_) {
    return file_error(Errc::InvalidArgument, state_->dir,
                      "claim of {} bytes does not fit in a segment: the largest payload for "
                      "segment_size {} is {} bytes",
                      len, state_->options.segment_size, max_payload_);
  }
  if (auto rolled = roll(); !rolled) return std::move(rolled).error();
  return claim(len);
}

void SegmentWriter::abort_claim() noexcept {
  if (claim_len_ == SIZE_MAX) return;
  std::memset(base_ + write_off_ + kRecordHeaderSize, 0,
              record_size(claim_len_) - kRecordHeaderSize);
  limit_ = claim_saved_limit_;
  claim_len_ = SIZE_MAX;
}

namespace {
// Ends the live segment where the writer stands: the end marker first (so a
// reader moves on), then the seal block (so tools and the lifecycle know its
// extent without scanning).
void seal_live(std::byte* base, std::uint64_t end, std::uint64_t count, std::uint64_t min_ts,
               std::uint64_t max_ts, bool closing) {
  // Pairs with load_commit_acquire in SegmentCursor::next.
  publish_commit_release(base + end, kEndOfSegment);
  if (closing) {
    CHRONICLE_CRASH_POINT("close.after_end_marker");
  } else {
    CHRONICLE_CRASH_POINT("roll.after_end_marker");
  }
  write_seal_block(base, end, count, min_ts, max_ts);
}
}  // namespace

Status SegmentWriter::roll() noexcept {
  detail::WriterState& s = *state_;
  // The preparer checked that the directory is still ours when it prepared
  // the segment (RELIABILITY I5): a roll never starts a segment made in a
  // directory that has replaced ours.
  auto next = s.preparer->take(s.live.id + 1);
  if (!next) return std::move(next).error();
  if (auto published = detail::publish_segment(*s.fs, s.dir, *next, next_seq_); !published) {
    next->map.reset();
    (void)s.fs->unlink(next->path);
    return published;
  }
  CHRONICLE_CRASH_POINT("roll.after_publish");
  s.dir_dirty = true;
  seal_live(base_, write_off_, next_seq_ - segment_base_seq_, min_ts_, max_ts_, false);
  CHRONICLE_CRASH_POINT("roll.after_seal");
  Status synced;
  if (s.options.sync_on_seal) {
    synced = s.fs->fdatasync(s.live.fd.get(), s.live.path);
    if (!synced && !s.sync_error) s.sync_error = synced.error();
  } else {
    // Keep the descriptor: the next sync() must fdatasync this segment too.
    // (A descriptor opened later might not report a write-back error that
    // happened before it was opened.)
    s.unsynced.push_back({std::move(s.live.path), std::move(s.live.fd)});
    if (s.unsynced.size() > detail::kMaxUnsynced) {
      s.preparer->sync_and_close(std::move(s.unsynced.front().fd), s.unsynced.front().path);
      s.unsynced.pop_front();
    }
  }
  s.preparer->retire_and_request(std::move(s.live.map), std::move(s.live.fd), next->id + 1);
  // publish_segment left `path` at the segment's final name.
  s.live = {next->id, std::move(next->path), std::move(next->fd), std::move(next->map)};
  enter_live_segment(kSegmentHeaderSize);
  ++s.rolls;
  return synced;
}

Status SegmentWriter::flush() {
  if (auto ok = check_usable(); !ok) return ok;
  detail::WriterState& s = *state_;
  for (auto& u : s.unsynced) {
    if (auto st = s.fs->start_writeback(u.fd.get(), u.path, 0, 0); !st) return st;
  }
  if (write_off_ > s.flushed_offset) {
    if (auto st = s.fs->start_writeback(s.live.fd.get(), s.live.path, s.flushed_offset,
                                        write_off_ - s.flushed_offset);
        !st) {
      return st;
    }
    s.flushed_offset = write_off_;
  }
  return {};
}

Status SegmentWriter::sync() {
  if (auto ok = check_usable(); !ok) return ok;
  detail::WriterState& s = *state_;
  if (s.sync_error) return s.sync_error;
  auto poison = [&](Status st) {
    s.sync_error = st.error();
    return st;
  };
  // The records of a removed directory cannot be made durable under its name.
  if (auto here = s.lock.check_in_place(s.dir); !here) return poison(std::move(here));
  if (Error e = s.preparer->take_sync_error()) return poison(Status(std::move(e)));
  for (std::uint64_t id = s.inherited_from; id < s.inherited_to; ++id) {
    const std::string path = segment_path(s.dir, id);
    auto fd = s.fs->open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    if (!fd) {
      // Compressed (the .q.zst was synced) or deleted by retention meanwhile.
      if (fd.error().code() == Errc::NotFound) continue;
      return poison(std::move(fd).error());
    }
    if (auto st = s.fs->fdatasync(fd->get(), path); !st) return poison(std::move(st));
  }
  s.inherited_from = s.inherited_to = 0;
  for (auto& u : s.unsynced) {
    if (auto st = s.fs->fdatasync(u.fd.get(), u.path); !st) return poison(std::move(st));
  }
  s.unsynced.clear();
  const std::uint64_t end = write_off_;
  if (end > s.synced_offset || !s.stamped) {
    if (end > s.synced_offset) {
      if (auto st = s.fs->msync(base_ + s.synced_offset, end - s.synced_offset, s.live.path); !st) {
        return poison(std::move(st));
      }
    }
    store_synced_offset(base_, end);
    s.synced_offset = end;
    if (!s.stamped) {
      // The first watermark of a segment reaches the disk before sync()
      // returns: recovery takes the newest segment that has one as the point
      // up to which sync() covered the log (docs/FORMAT.md).
      if (auto st = s.fs->msync(base_, kSegmentHeaderSize, s.live.path); !st) {
        return poison(std::move(st));
      }
      s.stamped = true;
    }
  }
  if (s.dir_dirty) {
    if (auto st = s.fs->sync_dir(s.dir); !st) return poison(std::move(st));
    s.dir_dirty = false;
  }
  if (!s.unsynced_parent.empty()) {
    if (auto st = s.fs->sync_dir(s.unsynced_parent); !st) return poison(std::move(st));
    s.unsynced_parent.clear();
  }
  // Removed while this call synced: its success would be a lie.
  if (auto here = s.lock.check_in_place(s.dir); !here) return poison(std::move(here));
  return {};
}

Status SegmentWriter::close() {
  PendingSync left_to_write_back;
  return close(left_to_write_back);
}

Status SegmentWriter::close(PendingSync& unsynced) {
  if (!state_ || state_->closed) return {};
  detail::WriterState& s = *state_;
  s.closed = true;
  Status result;
  if (fork_gen_ != detail::fork_generation()) {
    // In a forked child the preparer's thread does not exist and the files
    // belong to the parent: let go of both without touching them, and tell
    // callers that write beside the log (the table writer's index) not to.
    (void)s.preparer.release();
    result = file_error(Errc::Closed, s.dir,
                        "this writer was inherited across fork(): only the parent closes it");
  } else {
    abort_claim();
    bool live_synced = false;
    // An empty live segment is left unsealed: the next writer continues in
    // it instead of starting yet another segment.
    if (next_seq_ != segment_base_seq_) {
      seal_live(base_, write_off_, next_seq_ - segment_base_seq_, min_ts_, max_ts_, true);
      if (s.options.sync_on_seal) {
        result = s.fs->fdatasync(s.live.fd.get(), s.live.path);
        live_synced = static_cast<bool>(result);
      }
    }
    hand_over_unsynced(unsynced, live_synced);
    // Tells callers that write files beside the log after close (the table
    // writer's index) that the directory is no longer ours.
    if (result) result = s.lock.check_in_place(s.dir);
    // A failed fdatasync is reported once per file, and records of a
    // removed directory cannot be made durable: a later run() must not
    // succeed over either.
    if (!result) unsynced.add_error(result.error());
  }
  s.preparer.reset();
  s.live.map.reset();
  s.live.fd.reset();
  s.unsynced.clear();
  s.lock.release();
  base_ = nullptr;
  limit_ = 0;
  return result;
}

void SegmentWriter::hand_over_unsynced(PendingSync& out, bool live_synced) {
  detail::WriterState& s = *state_;
  FileSystem& fs = *s.fs;
  if (s.sync_error) out.add_error(s.sync_error);
  if (Error e = s.preparer->take_sync_error()) out.add_error(std::move(e));
  for (std::uint64_t id = s.inherited_from; id < s.inherited_to; ++id) {
    out.add_file(fs, UniqueFd(), segment_path(s.dir, id));
  }
  for (auto& u : s.unsynced) out.add_file(fs, std::move(u.fd), std::move(u.path));
  s.unsynced.clear();
  if (!live_synced && write_off_ > s.synced_offset) {
    out.add_file(fs, std::move(s.live.fd), s.live.path, write_off_);
  }
  if (s.dir_dirty) out.add_dir(fs, s.dir);
  if (!s.unsynced_parent.empty()) out.add_dir(fs, s.unsynced_parent);
}

}  // namespace chronicle
