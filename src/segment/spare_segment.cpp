#include <chronicle/segment/spare_segment.hpp>

#include <utility>

#include <chronicle/core/detail/fork_guard.hpp>

#include "segment_preparer.hpp"

namespace chronicle {

SpareSegment::SpareSegment() noexcept = default;

SpareSegment::SpareSegment(FileSystem& fs, std::unique_ptr<detail::PreparedSegment> segment) noexcept
    : fs_(&fs), segment_(std::move(segment)), fork_generation_(detail::fork_generation()) {}

SpareSegment::SpareSegment(SpareSegment&& other) noexcept
    : fs_(other.fs_), segment_(std::move(other.segment_)),
      fork_generation_(other.fork_generation_) {}

SpareSegment& SpareSegment::operator=(SpareSegment&& other) noexcept {
  if (this != &other) {
    discard();
    fs_ = other.fs_;
    segment_ = std::move(other.segment_);
    fork_generation_ = other.fork_generation_;
  }
  return *this;
}

SpareSegment::~SpareSegment() { discard(); }

void SpareSegment::discard() noexcept {
  if (!segment_) return;
  // A forked child drops its copy of the mapping and descriptor: the file
  // is the parent's.
  if (fork_generation_ == detail::fork_generation()) {
    detail::discard_segment(*fs_, *segment_);
  }
  segment_.reset();
}

bool SpareSegment::usable() const noexcept {
  return segment_ && fork_generation_ == detail::fork_generation();
}

}  // namespace chronicle
