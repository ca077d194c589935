#pragma once
// The segments a reader opened recently and set aside, so that a seek that
// comes back to one does not open and map (or decompress the header of) the
// segment again. Least recently set aside evicted first, with a separate
// bound per tier: a hot segment costs a mapping; a cold one, trimmed, its
// mapping and seek table.
//
// A cached segment keeps its mapping, and so its disk blocks, after the
// lifecycle replaces or deletes its file: the bound and drop_if() limit that.
// At most one source per segment id is kept.
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
      : capacity_{hot_capacity, cold_capacity} {}

  // The source of segment `id`, taken out of the cache; null if absent.
  std::unique_ptr<SegmentSource> take(std::uint64_t id) noexcept {
    auto it =
        std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
    if (it == entries_.end()) return nullptr;
    std::unique_ptr<SegmentSource> source = std::move(it->source);
    --count_[index(it->tier)];
    entries_.erase(it);
    return source;
  }

  // Sets `source` aside, trimmed (null is ignored), in place of any source
  // of the same segment already set aside, evicting the oldest of its tier
  // when that tier is full.
  void put(std::unique_ptr<SegmentSource> source) {
    if (!source) return;
    source->trim();
    const std::uint64_t id = source->segment_id();
    drop_if([&](std::uint64_t kept, SegmentTier) { return kept == id; });
    const SegmentTier tier = source->tier();
    const std::size_t t = index(tier);
    if (capacity_[t] == 0) return;
    if (count_[t] == capacity_[t]) {
      entries_.erase(std::find_if(entries_.begin(), entries_.end(),
                                  [&](const Entry& e) { return e.tier == tier; }));
      --count_[t];
    }
    entries_.push_back({id, tier, std::move(source)});
    ++count_[t];
  }

  // Drops every source for which pred(segment id, tier) holds.
  template <class Pred>
  void drop_if(Pred pred) {
    std::erase_if(entries_, [&](const Entry& e) {
      const bool drop = pred(e.id, e.tier);
      if (drop) --count_[index(e.tier)];
      return drop;
    });
  }

  void clear() noexcept {
    entries_.clear();
    count_[0] = count_[1] = 0;
  }

 private:
  // The id and tier beside the source, so that a lookup reads one array.
  struct Entry {
    std::uint64_t id;
    SegmentTier tier;
    std::unique_ptr<SegmentSource> source;
  };
  static std::size_t index(SegmentTier tier) noexcept { return tier == SegmentTier::Hot ? 0 : 1; }

  std::size_t capacity_[2];  // hot, cold
  std::size_t count_[2] = {0, 0};
  std::vector<Entry> entries_;  // oldest first
};

}  // namespace chronicle
