#pragma once
// How the table's readers report reads to an upper layer without including
// it (STYLE §1): the lifecycle's AccessTracker implements ReadObserver, and a
// Table hands it to the readers it creates.

#include <cstdint>
#include <memory>
#include <string>

#include <chronicle/segment/segment_opener.hpp>

namespace chronicle {

class ReadObserver {
 public:
  virtual ~ReadObserver() = default;
  // A reader opened segment `segment_id` of the partition directory `dir`.
  // Called once per segment opened (never per record), from the reader's
  // thread; must be cheap, thread-safe and never fail the read.
  virtual void segment_opened(const std::string& dir, std::uint64_t segment_id) noexcept = 0;
};

// A SegmentOpener that reports each successful open to an observer and
// otherwise behaves like the opener it wraps.
class ObservingOpener final : public SegmentOpener {
 public:
  ObservingOpener(const SegmentOpener& inner, std::shared_ptr<ReadObserver> observer)
      : inner_(inner), observer_(std::move(observer)) {}
  Result<std::unique_ptr<SegmentSource>> open(const std::string& dir,
                                              std::uint64_t id) const override {
    auto source = inner_.open(dir, id);
    if (source && observer_) observer_->segment_opened(dir, id);
    return source;
  }

 private:
  const SegmentOpener& inner_;
  std::shared_ptr<ReadObserver> observer_;
};

}  // namespace chronicle
