#include "inspect/reader_stop.hpp"

#include <chronicle/core/errors.hpp>
#include <chronicle/segment/segment_naming.hpp>

namespace chronicle::cli {

std::optional<SegmentEntry> segment_after(const std::vector<SegmentEntry>& listed,
                                          std::optional<std::uint64_t> current) {
  for (const SegmentEntry& e : listed) {
    if (!current || e.id > *current) return e;
  }
  return std::nullopt;
}

ReaderStop explain_reader_stop(const std::string& dir, std::optional<std::uint64_t> current,
                               const SegmentEntry& next, std::optional<std::uint64_t> end_offset) {
  if (current) {
    const std::string what = fmt::format(
        "segment is not sealed and has no end-of-segment marker, but segment {} follows it",
        next.id);
    return {StopKind::Unsealed,
            end_offset ? corruption(segment_path(dir, *current), *end_offset, "{}", what)
                       : file_error(Errc::Corruption, segment_path(dir, *current), "{}", what)};
  }
  return {StopKind::Unopenable,
          file_error(Errc::NotFound,
                     segment_path(dir, next.id, next.hot ? SegmentTier::Hot : SegmentTier::Cold),
                     "listed but could not be opened")};
}

}  // namespace chronicle::cli
