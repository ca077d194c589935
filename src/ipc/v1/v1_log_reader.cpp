#include <chronicle/ipc/v1/v1_log_reader.hpp>

#include <algorithm>
#include <cstring>

#include <chronicle/core/errors.hpp>
#include <chronicle/ipc/v1/v1_checksum.hpp>
#include <chronicle/ipc/v1/v1_format.hpp>

#include "v1_log_state.hpp"

namespace chronicle::ipc::v1 {

namespace {

bool all_zero(const std::byte* p, std::size_t n) noexcept {
  return std::all_of(p, p + n, [](std::byte b) { return b == std::byte{0}; });
}

// Whether the .q.zst beside a .q holds the same segment. A cold copy that
// cannot be read (an interrupted compression may have left it without its
// frame index) is no evidence either way and is ignored.
Status check_cold_copy(FileSystem& fs, const V1SegmentFile& file, detail::SegmentBytes& hot) {
  auto cold = detail::SegmentBytes::open_cold(fs, file.id, file.cold_copy);
  if (!cold) return {};
  const std::size_t n =
      static_cast<std::size_t>(std::min<std::uint64_t>({hot.size(), cold->size(), 64u << 10}));
  auto c = cold->view(0, n);
  if (!c) return {};
  auto h = hot.view(0, n);
  if (!h) return std::move(h).error();
  if (cold->size() != hot.size() || std::memcmp(*c, *h, n) != 0) {
    return file_error(Errc::Corruption, file.path,
                      "and {} hold different data for segment {} (v1 reuses the id of a "
                      "compressed segment when a new writer session finds no .q): refusing "
                      "to choose one",
                      escape_bytes(file.cold_copy), file.id);
  }
  return {};
}

}  // namespace

V1LogReader::V1LogReader(std::unique_ptr<State> state) noexcept : state_(std::move(state)) {}
V1LogReader::V1LogReader(V1LogReader&&) noexcept = default;
V1LogReader& V1LogReader::operator=(V1LogReader&&) noexcept = default;
V1LogReader::~V1LogReader() = default;

Result<V1LogReader> V1LogReader::open(std::string dir, FileSystem* fs) {
  auto state = std::make_unique<State>();
  state->fs = fs != nullptr ? fs : &FileSystem::system();
  auto segments = list_v1_segments(dir, &state->ignored);
  if (!segments) return std::move(segments).error();
  state->dir = std::move(dir);
  state->segments = std::move(*segments);
  state->index_state.assign(state->segments.size(), State::IndexState::NotLoaded);
  state->indexes.resize(state->segments.size());
  return V1LogReader(std::move(state));
}

const Status& V1LogReader::status() const noexcept { return state_->status; }
const std::string& V1LogReader::dir() const noexcept { return state_->dir; }
const std::vector<V1SegmentFile>& V1LogReader::segments() const noexcept {
  return state_->segments;
}
std::size_t V1LogReader::segment_position() const noexcept { return state_->seg; }
const std::vector<std::string>& V1LogReader::ignored_files() const noexcept {
  return state_->ignored;
}

Step V1LogReader::next(RecordView& out) noexcept {
  State& s = *state_;
  if (!s.status) return Step::Failed;
  for (;;) {
    if (s.seg >= s.segments.size()) return Step::NothingYet;
    if (!s.bytes && !s.open_segment(s.seg)) return Step::Failed;
    switch (s.read_at(out)) {
      case State::At::Record:
        return Step::Record;
      case State::At::SegmentEnd:
        s.position_at_start(s.seg + 1);
        continue;
      case State::At::Error:
        return Step::Failed;
    }
  }
}

void V1LogReader::State::position_at_start(std::size_t i) noexcept {
  if (i != seg) bytes.reset();
  seg = i;
  offset = kSegmentHeaderSize;
  segment_start = true;
  from_start = true;
  in_segment = 0;
  // A seek lands at a segment start without knowing the seq before it;
  // reading on from the previous segment keeps expect_seq.
}

bool V1LogReader::State::open_segment(std::size_t i) noexcept {
  const V1SegmentFile& file = segments[i];
  auto opened = detail::SegmentBytes::open(*fs, file);
  if (!opened) {
    status = std::move(opened).error();
    return false;
  }
  if (!file.cold_copy.empty()) {
    if (auto st = check_cold_copy(*fs, file, *opened); !st) {
      status = std::move(st).error();
      return false;
    }
  }
  // A consistent seek index records the segment's size: a .q of another size
  // was truncated or extended after it was sealed.
  if (const detail::SeekIndex* index = seek_index(i);
      index != nullptr && index->header.segment_size != opened->size()) {
    status = file_error(Errc::Corruption, file.path,
                        "segment is {} bytes but its seek index {} records {} (truncated?)",
                        opened->size(), escape_bytes(file.seek_index_path),
                        index->header.segment_size);
    return false;
  }
  where = opened->cold() ? file.path + " (decompressed)" : file.path;
  bytes = std::move(*opened);
  return true;
}

const detail::SeekIndex* V1LogReader::State::seek_index(std::size_t i) noexcept {
  if (index_state[i] == IndexState::NotLoaded) {
    index_state[i] = IndexState::Unusable;
    const V1SegmentFile& file = segments[i];
    if (!file.seek_index_path.empty()) {
      auto index = detail::read_seek_index(*fs, file.seek_index_path, file.id);
      if (index) {
        indexes[i] = std::move(*index);
        index_state[i] = IndexState::Loaded;
      }
    }
  }
  return index_state[i] == IndexState::Loaded ? &indexes[i] : nullptr;
}

V1LogReader::State::At V1LogReader::State::segment_end() noexcept {
  // A consistent seek index counts the segment's records: fewer means a
  // zeroed stretch (say a lost page) cut the data short.
  if (from_start) {
    if (const detail::SeekIndex* index = seek_index(seg);
        index != nullptr && (in_segment != index->header.max_seq - index->header.min_seq + 1 ||
                             *expect_seq != index->header.max_seq + 1)) {
      return fail(corruption(where, offset,
                             "segment data end after {} records but its seek index lists seq {}..{}",
                             in_segment, index->header.min_seq, index->header.max_seq));
    }
  }
  return At::SegmentEnd;
}

V1LogReader::State::At V1LogReader::State::read_at(RecordView& out) noexcept {
  const std::uint64_t size = bytes->size();
  if (size - offset < kMessageHeaderSize) return segment_end();
  auto hp = bytes->view(offset, kMessageHeaderSize);
  if (!hp) return fail(std::move(hp).error());
  const auto h = load_struct<MessageHeader>(*hp);
  if (h.commit == 0) {
    // In a sealed segment nothing follows the last record: a header with
    // any other byte set lost its commit word.
    if (!all_zero(*hp, kMessageHeaderSize)) {
      return fail(corruption(where, offset,
                             "record header has commit word 0 but other fields set (seq {}, "
                             "timestamp {}): its commit word is damaged",
                             h.seq, h.timestamp_ns));
    }
    return segment_end();
  }
  if (h.version != kMessageVersion) {
    return fail(corruption(where, offset + offsetof(MessageHeader, version),
                           "message header version {}: expected {}", h.version, kMessageVersion));
  }
  const std::uint64_t len = h.commit - 1ull;
  const std::uint64_t rec = record_size(len);
  if (rec > size - offset) {
    return fail(corruption(where, offset,
                           "record of {} payload bytes runs past the end of the {}-byte segment "
                           "(truncated?)",
                           len, size));
  }
  if (!segment_start) {
    if (h.seq != *expect_seq) {
      return fail(corruption(where, offset, "seq {}: expected {} (seq rises by 1 in a segment)",
                             h.seq, *expect_seq));
    }
  } else if (expect_seq && h.seq != *expect_seq && h.seq != 0) {
    return fail(corruption(where, offset,
                           "seq {} opens the segment: expected {} (same writer session) or 0 (a "
                           "new session)",
                           h.seq, *expect_seq));
  }
  auto rp = bytes->view(offset, static_cast<std::size_t>(rec));
  if (!rp) return fail(std::move(rp).error());
  const std::byte* r = *rp;
  // The CRC covers only the payload; the format's zero bytes (reserved
  // header fields, padding) are checked so that more damage is caught.
  if (!all_zero(r + offsetof(MessageHeader, reserved0), sizeof h.reserved0) ||
      !all_zero(r + offsetof(MessageHeader, reserved1), sizeof h.reserved1) ||
      !all_zero(r + kMessageHeaderSize + len, rec - kMessageHeaderSize - len)) {
    return fail(corruption(where, offset,
                           "record of seq {} has non-zero bytes where the format has zeros "
                           "(reserved header bytes or padding)",
                           h.seq));
  }
  const std::span<const std::byte> payload(r + kMessageHeaderSize, static_cast<std::size_t>(len));
  const std::uint32_t crc = crc32_ieee(payload);
  if (crc != h.crc32) {
    return fail(corruption(where, offset,
                           "payload CRC-32 0x{:08x} does not match 0x{:08x} in the header of seq {}",
                           crc, h.crc32, h.seq));
  }
  out.seq = h.seq;
  out.timestamp_ns = h.timestamp_ns;
  out.type_id = h.type_id;
  out.flags = h.flags;
  out.payload = payload;
  offset += rec;
  segment_start = false;
  expect_seq = h.seq + 1;
  ++in_segment;
  return At::Record;
}

}  // namespace chronicle::ipc::v1
