// SegmentSourceCache: take by id, least recently set aside evicted first,
// separate bounds per tier.
#include <gtest/gtest.h>

#include <chronicle/segment/segment_source_cache.hpp>

namespace chronicle {
namespace {

class FakeSource final : public SegmentSource {
 public:
  FakeSource(std::uint64_t id, SegmentTier tier) : id_(id), tier_(tier) {}
  const std::string& path() const noexcept override { return path_; }
  std::uint64_t segment_id() const noexcept override { return id_; }
  SegmentTier tier() const noexcept override { return tier_; }
  SegmentHeader header() const noexcept override { return {}; }
  std::uint64_t size() const noexcept override { return 0; }
  Result<SegmentWindow> window(std::uint64_t, std::size_t) override { return SegmentWindow{}; }

 private:
  std::string path_ = "fake";
  std::uint64_t id_;
  SegmentTier tier_;
};

std::unique_ptr<SegmentSource> hot(std::uint64_t id) {
  return std::make_unique<FakeSource>(id, SegmentTier::Hot);
}
std::unique_ptr<SegmentSource> cold(std::uint64_t id) {
  return std::make_unique<FakeSource>(id, SegmentTier::Cold);
}

TEST(SegmentSourceCacheTest, TakeReturnsTheSourceOnceAndNullWhenAbsent) {
  SegmentSourceCache cache(2, 1);
  cache.put(hot(7));
  EXPECT_EQ(cache.take(8), nullptr);
  auto taken = cache.take(7);
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(taken->segment_id(), 7u);
  EXPECT_EQ(cache.take(7), nullptr);
  cache.put(nullptr);  // ignored
  EXPECT_EQ(cache.take(0), nullptr);
}

TEST(SegmentSourceCacheTest, EachTierEvictsItsOwnOldestWhenFull) {
  SegmentSourceCache cache(2, 1);
  cache.put(hot(1));
  cache.put(cold(10));
  cache.put(hot(2));
  cache.put(hot(3));    // evicts hot 1, not cold 10
  cache.put(cold(11));  // evicts cold 10, not a hot one
  EXPECT_EQ(cache.take(1), nullptr);
  EXPECT_EQ(cache.take(10), nullptr);
  for (std::uint64_t id : {2, 3, 11}) EXPECT_NE(cache.take(id), nullptr) << id;
}

TEST(SegmentSourceCacheTest, DropIfRemovesWhatThePredicateNamesAndFreesItsRoom) {
  SegmentSourceCache cache(2, 2);
  cache.put(hot(1));
  cache.put(hot(2));
  cache.put(cold(3));
  cache.drop_if(
      [](std::uint64_t id, SegmentTier tier) { return id == 1 && tier == SegmentTier::Hot; });
  EXPECT_NE(cache.take(3), nullptr);  // the cold one is still there
  cache.put(hot(4));                  // room freed by the drop: 2 stays
  EXPECT_EQ(cache.take(1), nullptr);
  EXPECT_NE(cache.take(2), nullptr);
  EXPECT_NE(cache.take(4), nullptr);
}

// A segment set aside hot and later cold (the lifecycle compressed it between
// two seeks) is kept once, in the form set aside last, and counts once.
TEST(SegmentSourceCacheTest, PutReplacesTheSourceOfTheSameSegment) {
  SegmentSourceCache cache(1, 1);
  cache.put(hot(1));
  cache.put(cold(1));
  auto taken = cache.take(1);
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(taken->tier(), SegmentTier::Cold);
  EXPECT_EQ(cache.take(1), nullptr);
  // Setting a kept segment aside again takes no second place: nothing else
  // of its tier is evicted.
  SegmentSourceCache two(2, 1);
  two.put(hot(1));
  two.put(hot(2));
  two.put(hot(2));
  two.put(cold(3));
  EXPECT_NE(two.take(1), nullptr);
  EXPECT_NE(two.take(2), nullptr);
  EXPECT_EQ(two.take(2), nullptr);
  EXPECT_NE(two.take(3), nullptr);
}

TEST(SegmentSourceCacheTest, ATierWithNoCapacityIsNeverCached) {
  SegmentSourceCache cache(1, 0);
  cache.put(cold(5));
  EXPECT_EQ(cache.take(5), nullptr);
  cache.put(hot(5));
  cache.clear();
  EXPECT_EQ(cache.take(5), nullptr);
}

}  // namespace
}  // namespace chronicle
