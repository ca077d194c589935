#include <chronicle/compression/unified_segment_reader.hpp>

#include <cstring>

#include <chronicle/core/errors.hpp>
#include <chronicle/segment/hot_segment.hpp>

namespace chronicle {

Result<std::unique_ptr<SegmentSource>> UnifiedSegmentOpener::open(const std::string& dir,
                                                                  std::uint64_t id) const {
  // .q first: during compression both exist and the hot file is the source;
  // during decompression the hot file appears only once complete. Then .q.zst,
  // then .q again for a decompression that finished in between.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto hot = HotSegment::open(fs_, segment_path(dir, id, SegmentTier::Hot), id);
    if (hot) return std::unique_ptr<SegmentSource>(std::move(*hot));
    if (hot.error().code() != Errc::NotFound) return std::move(hot).error();
    if (attempt == 1) break;
    auto cold = ColdSegment::open(fs_, segment_path(dir, id, SegmentTier::Cold), id, cold_);
    if (cold) return std::unique_ptr<SegmentSource>(std::move(*cold));
    if (cold.error().code() != Errc::NotFound) return std::move(cold).error();
  }
  return file_error(Errc::NotFound, dir, "segment {} exists neither as {} nor as {}", id,
                    segment_file_name(id, SegmentTier::Hot), segment_file_name(id, SegmentTier::Cold));
}

const UnifiedSegmentOpener& UnifiedSegmentOpener::instance() noexcept {
  static const UnifiedSegmentOpener opener;
  return opener;
}

Result<UnifiedSegmentReader> UnifiedSegmentReader::open(const std::string& dir, std::uint64_t id,
                                                        const UnifiedSegmentOpener& opener) {
  auto source = opener.open(dir, id);
  if (!source) return std::move(source).error();
  return UnifiedSegmentReader(std::move(*source));
}

Status UnifiedSegmentReader::read_at(std::uint64_t offset, std::span<std::byte> out) {
  SegmentSource& s = *cursor_.source();
  if (offset > s.size() || out.size() > s.size() - offset) {
    return invalid_argument("{}: read of {} bytes at offset {} is past the end ({} bytes)",
                            escape_bytes(s.path()), out.size(), offset, s.size());
  }
  if (auto* cold = dynamic_cast<ColdSegment*>(&s)) return cold->read_at(offset, out);
  std::memcpy(out.data(), static_cast<MemorySegment&>(s).data() + offset, out.size());
  return {};
}

std::optional<std::span<const std::byte>> UnifiedSegmentReader::hot_bytes() const noexcept {
  const SegmentSource* s = cursor_.source();
  if (s->tier() != SegmentTier::Hot) return std::nullopt;
  return std::span<const std::byte>(static_cast<const MemorySegment*>(s)->data(), s->size());
}

}  // namespace chronicle
