#include <chronicle/segment/spare_segment.hpp>

#include <utility>

#include "segment_preparer.hpp"

namespace chronicle {

SpareSegment::SpareSegment() noexcept = default;

SpareSegment::SpareSegment(FileSystem& fs, std::unique_ptr<detail::PreparedSegment> segment) noexcept
    : fs_(&fs), segment_(std::move(segment)) {}

SpareSegment::SpareSegment(SpareSegment&& other) noexcept
    : fs_(other.fs_), segment_(std::move(other.segment_)) {}

SpareSegment& SpareSegment::operator=(SpareSegment&& other) noexcept {
  if (this != &other) {
    discard();
    fs_ = other.fs_;
    segment_ = std::move(other.segment_);
  }
  return *this;
}

SpareSegment::~SpareSegment() { discard(); }

void SpareSegment::discard() noexcept {
  if (!segment_) return;
  segment_->map.reset();
  segment_->fd.reset();
  (void)fs_->unlink(segment_->path);
  segment_.reset();
}

}  // namespace chronicle
