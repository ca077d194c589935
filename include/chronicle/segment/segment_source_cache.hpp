#pragma once
// The segments a reader opened recently and set aside, so that a seek that
// comes back to one does not open and map (or decompress the header of) the
// segment again. Least recently set aside evicted first, with a separate
// bound per tier: a hot segment costs address space only; a cold one, trimmed
// of its decompressed frames, still holds its seek table and two
// decompression contexts (about 200 KiB).
//
// A cached hot segment keeps its mapping, and so its disk blocks, after the
// lifecycle replaces it by its cold form: the bound limits that too.
//
// Thread safety: owned by one reader.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <chronicle/segment/segment_source.hpp>

namespace chronicle {

class SegmentSourceCache {
 public:
  SegmentSourceCache(std::size_t hot_capacity, std::size_t cold_capacity)
      : hot_capacity_(hot_capacity), cold_capacity_(cold_capacity) {}

  // The source of segment `id`, taken out of the cache; null if absent.
  std::unique_ptr<SegmentSource> take(std::uint64_t id) noexcept {
    auto it = std::find_if(sources_.begin(), sources_.end(),
                           [&](const auto& s) { return s->segment_id() == id; });
    if (it == sources_.end()) return nullptr;
    std::unique_ptr<SegmentSource> source = std::move(*it);
    sources_.erase(it);
    return source;
  }

  // Sets `source` aside, trimmed (null is ignored), evicting the oldest of
  // its tier when that tier is full.
  void put(std::unique_ptr<SegmentSource> source) {
    if (!source) return;
    source->trim();
    const SegmentTier tier = source->tier();
    const std::size_t capacity = tier == SegmentTier::Hot ? hot_capacity_ : cold_capacity_;
    if (capacity == 0) return;
    const auto same_tier = [&](const auto& s) { return s->tier() == tier; };
    if (static_cast<std::size_t>(std::count_if(sources_.begin(), sources_.end(), same_tier)) ==
        capacity) {
      sources_.erase(std::find_if(sources_.begin(), sources_.end(), same_tier));
    }
    sources_.push_back(std::move(source));
  }

  void clear() noexcept { sources_.clear(); }

 private:
  std::size_t hot_capacity_;
  std::size_t cold_capacity_;
  std::vector<std::unique_ptr<SegmentSource>> sources_;  // oldest first
};

}  // namespace chronicle
