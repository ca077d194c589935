#include <chronicle/segment/segment_opener.hpp>

#include <chronicle/segment/hot_segment.hpp>

namespace chronicle {

Result<std::unique_ptr<SegmentSource>> HotSegmentOpener::open(const std::string& dir,
                                                              std::uint64_t id) const {
  auto seg = HotSegment::open(fs_, segment_path(dir, id), id);
  if (!seg) return std::move(seg).error();
  return std::unique_ptr<SegmentSource>(std::move(*seg));
}

const HotSegmentOpener& HotSegmentOpener::instance() noexcept {
  static const HotSegmentOpener opener;
  return opener;
}

}  // namespace chronicle
