#pragma once
// Reading a segment without knowing whether it is hot (.q) or cold (.q.zst).
//
// UnifiedSegmentOpener is the SegmentOpener that LogReader (and the table's
// readers) use to read both tiers: it opens `.q` if present, else `.q.zst`,
// and survives the lifecycle replacing one by the other between the
// directory listing and the open (.q, then .q.zst, then .q once more). A
// segment present in neither form is NotFound.
//
// UnifiedSegmentReader is one opened segment: record iteration that is the
// same for both tiers, read_at() for both, and a zero-copy view of a hot
// segment's bytes.
//
// Thread safety: the opener is stateless and shared by every reader; a
// UnifiedSegmentReader is used by one thread at a time.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <chronicle/compression/cold_segment.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_cursor.hpp>
#include <chronicle/segment/segment_opener.hpp>

namespace chronicle {

class UnifiedSegmentOpener final : public SegmentOpener {
 public:
  explicit UnifiedSegmentOpener(FileSystem& fs = FileSystem::system(),
                                ColdReadOptions cold = {}) noexcept
      : fs_(fs), cold_(cold) {}
  Result<std::unique_ptr<SegmentSource>> open(const std::string& dir,
                                              std::uint64_t id) const override;
  // A process-wide instance with default options.
  static const UnifiedSegmentOpener& instance() noexcept;

 private:
  FileSystem& fs_;
  ColdReadOptions cold_;
};

// ReaderOptions that read both tiers, for LogReader::open(dir, ...).
inline ReaderOptions both_tiers() { return ReaderOptions{&UnifiedSegmentOpener::instance()}; }

class UnifiedSegmentReader {
 public:
  static Result<UnifiedSegmentReader> open(const std::string& dir, std::uint64_t id,
                                           const UnifiedSegmentOpener& opener =
                                               UnifiedSegmentOpener::instance());

  SegmentTier tier() const noexcept { return cursor_.source()->tier(); }
  const std::string& path() const noexcept { return cursor_.source()->path(); }
  SegmentHeader header() const noexcept { return cursor_.source()->header(); }
  // Bytes the segment holds (file size when hot, decompressed size when cold).
  std::uint64_t size() const noexcept { return cursor_.source()->size(); }

  // The segment's records in order, verified; the same for both tiers.
  // Views stay valid until the next call.
  CursorStep next(RecordView& out) noexcept { return cursor_.next(out); }
  const Error& error() const noexcept { return cursor_.error(); }

  // Copies bytes [offset, offset + out.size()) of the segment. Past the end is
  // InvalidArgument.
  Status read_at(std::uint64_t offset, std::span<std::byte> out);
  // The whole hot segment, zero-copy; nullopt for a cold one.
  std::optional<std::span<const std::byte>> hot_bytes() const noexcept;

 private:
  explicit UnifiedSegmentReader(std::unique_ptr<SegmentSource> source)
      : cursor_(std::move(source)) {}
  SegmentCursor cursor_;
};

}  // namespace chronicle
