// RELIABILITY M2, differential reads: a table of seeded random records in
// partitions of every shape (mixed hot and cold, empty, only cold, only hot
// and sealed, hot with a live segment its writer still holds) is read through
// Table::query (both strategies, random filters and time ranges) and through
// each partition's TimeSeriesReader (next, seek_timestamp, seek_seq), and
// every answer must equal the one computed by brute force from a vector of
// the appended records: same records, same order, same bytes. Timestamps are
// coarse so that they tie within a partition and across partitions.
// CHRONICLE_SEED replays a run; CHRONICLE_TRIALS scales the number of reads.
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/table.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "support/seeds.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kBaseNs = 1'769'644'800'000'000'000ull;  // 2026-01-29
constexpr std::uint64_t kTickNs = 1'000;  // timestamps are kBaseNs + k * kTickNs

enum class Shape { Mixed, Empty, Cold, Hot, Live };

struct PartitionSpec {
  const char* feed;
  std::int64_t shard;
  Shape shape;
};

// In PartitionValues order, so the empty partition sits between two others
// in the merge.
constexpr PartitionSpec kPartitions[] = {
    {"a", 1, Shape::Mixed}, {"a", 2, Shape::Empty}, {"b", 1, Shape::Cold},
    {"b", 2, Shape::Hot},   {"c", 7, Shape::Live},
};
constexpr std::size_t kPartitionCount = std::size(kPartitions);

// One appended record, or one record read back.
struct Rec {
  std::size_t partition = 0;  // index into kPartitions
  std::uint64_t seq = 0;
  std::uint64_t ts = 0;
  std::uint16_t type = 0;
  std::vector<std::byte> payload;
  bool operator==(const Rec&) const = default;
};

std::string describe(const Rec& r) {
  std::ostringstream s;
  s << "{partition " << r.partition << " (" << kPartitions[r.partition].feed << "/"
    << kPartitions[r.partition].shard << "), seq " << r.seq << ", ts +" << (r.ts - kBaseNs) / kTickNs
    << " ticks, type " << r.type << ", " << r.payload.size() << " bytes}";
  return s.str();
}

// Success, or where the two sequences first differ.
::testing::AssertionResult SameRecords(const std::vector<Rec>& got, const std::vector<Rec>& want) {
  const std::size_t n = std::min(got.size(), want.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (got[i] != want[i]) {
      return ::testing::AssertionFailure() << "record " << i << " of " << want.size() << ": got "
                                           << describe(got[i]) << ", want " << describe(want[i])
                                           << (got[i].payload != want[i].payload ? " (payloads differ)" : "");
    }
  }
  if (got.size() != want.size()) {
    return ::testing::AssertionFailure() << "got " << got.size() << " records, want " << want.size();
  }
  return ::testing::AssertionSuccess();
}

// A filter and the same predicate written by hand.
struct RandomFilter {
  PartitionFilter filter;
  std::function<bool(const PartitionSpec&)> keep;
};

class DifferentialReadTest : public TempDirTest {
 protected:
  void SetUp() override {
    seed_ = test::test_seed();
    test::announce_seed(seed_, test::scaled_trials(200));
    rng_.seed(seed_);
    ASSERT_OK_AND_ASSIGN(auto scheme, PartitionScheme::create({{"feed", KeyType::String, 0},
                                                                {"shard", KeyType::Int, 0}}));
    TableConfig config;
    config.segment_size = 8 * 1024;  // a dozen segments per partition
    config.index_stride = 1 + rng_() % 8;
    ASSERT_OK_AND_ASSIGN(auto table, Table::create(tmp_.sub("t"), scheme, config));
    table_.emplace(table);
    by_partition_.resize(kPartitionCount);
    for (std::size_t p = 0; p < kPartitionCount; ++p) {
      ASSERT_NO_FATAL_FAILURE(write_partition(p));
    }
  }

  PartitionValues values_of(std::size_t p) const {
    return PartitionValues::create(table_->scheme(),
                                   {{"feed", kPartitions[p].feed}, {"shard", kPartitions[p].shard}})
        .value();
  }

  void write_partition(std::size_t p) {
    const PartitionSpec& spec = kPartitions[p];
    ASSERT_OK_AND_ASSIGN(auto writer, table_->partition_writer(values_of(p)));
    const std::size_t count = spec.shape == Shape::Empty ? 0 : 200 + rng_() % 300;
    // Each partition starts somewhere in the first 100 ticks and steps 0, 1
    // or 2 ticks: a third of its records tie with the one before, and the
    // partitions overlap, so they tie with each other too.
    std::uint64_t k = rng_() % 100;
    for (std::size_t i = 0; i < count; ++i) {
      k += rng_() % 3;
      Rec r;
      r.partition = p;
      r.ts = kBaseNs + k * kTickNs;
      r.type = static_cast<std::uint16_t>(rng_() % 4);
      // Mostly small; now and then a record of a few KiB, most of a segment.
      r.payload.resize(rng_() % 16 == 0 ? 1000 + rng_() % 5000 : rng_() % 300);
      for (auto& b : r.payload) b = static_cast<std::byte>(rng_());
      ASSERT_OK_AND_ASSIGN(r.seq, writer.append(r.type, r.ts, r.payload));
      ASSERT_EQ(r.seq, i);
      by_partition_[p].push_back(r);
      all_.push_back(std::move(r));
    }
    if (spec.shape == Shape::Live) {
      // The writer stays open: the last segment is live and unsealed.
      ASSERT_OK(writer.flush());
      live_writer_.emplace(std::move(writer));
      return;
    }
    ASSERT_OK(writer.finish());
    const std::string dir = table_->root() + "/" + writer.path();
    ASSERT_OK_AND_ASSIGN(auto segments, list_segments(dir));
    if (spec.shape == Shape::Cold || spec.shape == Shape::Mixed) {
      ASSERT_GE(segments.size(), 3u) << dir;
      // Mixed: a random half, but never all or none.
      std::vector<bool> compress(segments.size(), spec.shape == Shape::Cold);
      if (spec.shape == Shape::Mixed) {
        for (std::size_t i = 0; i < segments.size(); ++i) compress[i] = rng_() % 2 == 0;
        compress[rng_() % segments.size()] = true;
        std::size_t keep = rng_() % segments.size();
        while (compress[keep] && std::count(compress.begin(), compress.end(), true) ==
                                     static_cast<std::ptrdiff_t>(segments.size())) {
          compress[keep] = false;
        }
      }
      SegmentCompressionOptions opts;
      opts.seekable.block_size = 4096u << (rng_() % 2);
      for (std::size_t i = 0; i < segments.size(); ++i) {
        if (compress[i]) ASSERT_OK(compress_segment(dir, segments[i].id, opts));
      }
    }
  }

  // Reads a whole query back, with partitions renumbered to kPartitions.
  std::vector<Rec> run(const PartitionFilter& filter, TimeRange range, MergeStrategy strategy) {
    std::vector<Rec> out;
    auto q = table_->query(filter, range, strategy);
    EXPECT_OK(q);
    if (!q) return out;
    std::vector<std::size_t> ours;
    for (const auto& info : q->partitions()) {
      std::size_t p = 0;
      while (p < kPartitionCount && !(values_of(p) == info.values)) ++p;
      EXPECT_LT(p, kPartitionCount) << info.path;
      ours.push_back(p);
    }
    TableRecord rec;
    Step step;
    while ((step = q->next(rec)) == Step::Record) {
      const auto& v = rec.record;
      out.push_back({ours.at(rec.partition), v.seq, v.timestamp_ns, v.type_id,
                     std::vector<std::byte>(v.payload.begin(), v.payload.end())});
    }
    EXPECT_EQ(step, Step::NothingYet) << q->status().error().to_string();
    return out;
  }

  // The brute-force answer: every appended record the filter and range keep,
  // in (timestamp, partition order, seq) order or partition after partition.
  std::vector<Rec> expected(const RandomFilter& f, TimeRange range, MergeStrategy strategy) const {
    std::vector<Rec> out;
    for (const Rec& r : all_) {
      if (!f.keep(kPartitions[r.partition])) continue;
      if (range.from_ns && r.ts < *range.from_ns) continue;
      if (range.to_ns && r.ts >= *range.to_ns) continue;
      out.push_back(r);
    }
    // kPartitions is in PartitionValues order, so its index is the
    // partition order.
    if (strategy == MergeStrategy::TimestampOrder) {
      std::sort(out.begin(), out.end(), [](const Rec& a, const Rec& b) {
        return std::tie(a.ts, a.partition, a.seq) < std::tie(b.ts, b.partition, b.seq);
      });
    } else {
      std::sort(out.begin(), out.end(), [](const Rec& a, const Rec& b) {
        return std::tie(a.partition, a.seq) < std::tie(b.partition, b.seq);
      });
    }
    return out;
  }

  RandomFilter random_filter(int depth = 0) {
    const std::vector<PartitionValue> feeds = {"a", "b", "c", "zz"};
    switch (rng_() % (depth < 2 ? 7 : 4)) {
      case 0:
        return {PartitionFilter::all(), [](const PartitionSpec&) { return true; }};
      case 1: {
        const std::string feed = feeds[rng_() % feeds.size()].as_string();
        return {PartitionFilter::exact("feed", feed),
                [feed](const PartitionSpec& s) { return s.feed == feed; }};
      }
      case 2: {
        std::vector<PartitionValue> in;
        std::vector<std::string> names;
        for (const auto& f : feeds) {
          if (rng_() % 2 == 0) {
            in.push_back(f);
            names.push_back(f.as_string());
          }
        }
        return {PartitionFilter::in("feed", in), [names](const PartitionSpec& s) {
                  return std::find(names.begin(), names.end(), s.feed) != names.end();
                }};
      }
      case 3: {
        std::optional<std::int64_t> lo, hi;
        if (rng_() % 3 != 0) lo = static_cast<std::int64_t>(rng_() % 9);
        if (rng_() % 3 != 0) hi = static_cast<std::int64_t>(rng_() % 9);
        if (lo && hi && *lo > *hi) std::swap(lo, hi);
        auto value = [](std::optional<std::int64_t> v) {
          return v ? std::optional<PartitionValue>(PartitionValue(*v)) : std::nullopt;
        };
        return {PartitionFilter::range("shard", value(lo), value(hi)), [lo, hi](const PartitionSpec& s) {
                  return (!lo || s.shard >= *lo) && (!hi || s.shard <= *hi);
                }};
      }
      case 4: {
        auto inner = random_filter(depth + 1);
        return {PartitionFilter::not_(inner.filter),
                [keep = inner.keep](const PartitionSpec& s) { return !keep(s); }};
      }
      default: {
        const bool is_and = rng_() % 2 == 0;
        auto a = random_filter(depth + 1);
        auto b = random_filter(depth + 1);
        auto keep = [is_and, ka = a.keep, kb = b.keep](const PartitionSpec& s) {
          return is_and ? ka(s) && kb(s) : ka(s) || kb(s);
        };
        auto filter = is_and ? PartitionFilter::and_({a.filter, b.filter})
                             : PartitionFilter::or_({a.filter, b.filter});
        return {std::move(filter), keep};
      }
    }
  }

  // A timestamp to seek to or bound a range with: often one that is written
  // (so ties matter), its neighbours, or one outside every partition.
  std::uint64_t random_ts() {
    const Rec& r = all_[rng_() % all_.size()];
    switch (rng_() % 6) {
      case 0:
        return r.ts - 1;
      case 1:
        return r.ts + 1;
      case 2:
        return kBaseNs + (rng_() % 1'500) * kTickNs;  // anywhere, past the end too
      case 3:
        return rng_() % 2 == 0 ? 0 : kBaseNs - kTickNs;
      default:
        return r.ts;
    }
  }

  TimeRange random_range() {
    TimeRange range;
    if (rng_() % 4 != 0) range.from_ns = random_ts();
    if (rng_() % 4 != 0) range.to_ns = random_ts();
    if (range.from_ns && range.to_ns && *range.from_ns > *range.to_ns) {
      std::swap(range.from_ns, range.to_ns);
    }
    return range;
  }

  // Reads up to `limit` records of `reader`; reaching the end must say
  // NothingYet.
  std::vector<Rec> read(TimeSeriesReader& reader, std::size_t p, std::size_t limit) {
    std::vector<Rec> out;
    RecordView v;
    while (out.size() < limit) {
      const Step step = reader.next(v);
      if (step != Step::Record) {
        EXPECT_EQ(step, Step::NothingYet) << reader.status().error().to_string();
        break;
      }
      out.push_back({p, v.seq, v.timestamp_ns, v.type_id,
                     std::vector<std::byte>(v.payload.begin(), v.payload.end())});
    }
    return out;
  }

  std::vector<Rec> slice(std::size_t p, std::size_t from, std::size_t limit) const {
    const auto& recs = by_partition_[p];
    from = std::min(from, recs.size());
    return {recs.begin() + static_cast<std::ptrdiff_t>(from),
            recs.begin() + static_cast<std::ptrdiff_t>(from + std::min(recs.size() - from, limit))};
  }

  std::uint64_t seed_ = 0;
  std::mt19937_64 rng_;
  std::optional<Table> table_;
  std::optional<PartitionWriter> live_writer_;
  std::vector<Rec> all_;                       // in append order
  std::vector<std::vector<Rec>> by_partition_;  // in seq order
};

TEST_F(DifferentialReadTest, PartitionsHaveTheShapesTheTestNeeds) {
  ASSERT_OK_AND_ASSIGN(auto infos, table_->partitions());
  ASSERT_EQ(infos.size(), kPartitionCount);
  for (std::size_t p = 0; p < kPartitionCount; ++p) {
    const PartitionInfo& info = infos[p];
    EXPECT_EQ(info.values, values_of(p)) << "kPartitions is not in partition order";
    EXPECT_EQ(info.record_count, by_partition_[p].size()) << info.path;
    switch (kPartitions[p].shape) {
      case Shape::Mixed:
        EXPECT_GT(info.hot_segments, 0u) << info.path;
        EXPECT_GT(info.cold_segments, 0u) << info.path;
        break;
      case Shape::Empty:
        EXPECT_EQ(info.record_count, 0u) << info.path;
        EXPECT_EQ(info.cold_segments, 0u) << info.path;
        break;
      case Shape::Cold:
        EXPECT_EQ(info.hot_segments, 0u) << info.path;
        EXPECT_GE(info.cold_segments, 3u) << info.path;
        break;
      case Shape::Hot:
      case Shape::Live:
        EXPECT_GE(info.hot_segments, 3u) << info.path;
        EXPECT_EQ(info.cold_segments, 0u) << info.path;
        break;
    }
  }
  // Ties within a partition and across partitions.
  std::size_t within = 0, across = 0;
  for (std::size_t i = 1; i < all_.size(); ++i) {
    if (all_[i].partition == all_[i - 1].partition && all_[i].ts == all_[i - 1].ts) ++within;
  }
  for (const Rec& a : by_partition_[0]) {
    for (const Rec& b : by_partition_[2]) across += a.ts == b.ts;
  }
  EXPECT_GT(within, 50u);
  EXPECT_GT(across, 50u);
}

TEST_F(DifferentialReadTest, QueriesMatchBruteForceInBothStrategies) {
  // The whole table first, then random filters and ranges.
  const int trials = test::scaled_trials(60);
  for (int t = 0; t < trials; ++t) {
    RandomFilter f = t == 0 ? RandomFilter{PartitionFilter::all(), [](const PartitionSpec&) { return true; }}
                            : random_filter();
    const TimeRange range = t == 0 ? TimeRange{} : random_range();
    for (MergeStrategy strategy : {MergeStrategy::TimestampOrder, MergeStrategy::PartitionOrder}) {
      EXPECT_TRUE(SameRecords(run(f.filter, range, strategy), expected(f, range, strategy)))
          << "trial " << t << ", " << f.filter.to_string() << ", ["
          << (range.from_ns ? std::to_string(*range.from_ns) : "open") << ", "
          << (range.to_ns ? std::to_string(*range.to_ns) : "open") << "), "
          << (strategy == MergeStrategy::TimestampOrder ? "TimestampOrder" : "PartitionOrder")
          << ", CHRONICLE_SEED=" << seed_;
    }
  }
}

TEST_F(DifferentialReadTest, EachPartitionReadsBackInSeqOrder) {
  for (std::size_t p = 0; p < kPartitionCount; ++p) {
    ASSERT_OK_AND_ASSIGN(auto reader, table_->reader(values_of(p)));
    EXPECT_TRUE(SameRecords(read(reader, p, SIZE_MAX), by_partition_[p]))
        << kPartitions[p].feed << "/" << kPartitions[p].shard << ", CHRONICLE_SEED=" << seed_;
  }
}

TEST_F(DifferentialReadTest, SeeksMatchBruteForce) {
  const int trials = test::scaled_trials(200);
  for (std::size_t p = 0; p < kPartitionCount; ++p) {
    const auto& recs = by_partition_[p];
    // One reader per partition, seeking back and forth, so that what it
    // keeps between seeks is exercised too.
    ASSERT_OK_AND_ASSIGN(auto reader, table_->reader(values_of(p)));
    for (int t = 0; t < trials; ++t) {
      const std::size_t limit = rng_() % 4 == 0 ? SIZE_MAX : 1 + rng_() % 20;
      std::ostringstream where;
      where << kPartitions[p].feed << "/" << kPartitions[p].shard << ", trial " << t
            << ", CHRONICLE_SEED=" << seed_;
      SCOPED_TRACE(where.str());
      if (rng_() % 3 == 0) {
        const std::uint64_t seq = rng_() % (recs.size() + 2);
        const Status st = reader.seek_seq(seq);
        if (seq > recs.size()) {
          EXPECT_ERROR(st, Errc::InvalidArgument);
          continue;
        }
        ASSERT_OK(st);
        EXPECT_TRUE(SameRecords(read(reader, p, limit), slice(p, seq, limit)))
            << "seek_seq(" << seq << ")";
      } else {
        const std::uint64_t ts = random_ts();
        const auto first = std::find_if(recs.begin(), recs.end(), [ts](const Rec& r) { return r.ts >= ts; });
        const std::size_t at = static_cast<std::size_t>(first - recs.begin());
        const SeekResult want = first == recs.end()  ? SeekResult::EndOfLog
                                : ts < recs[0].ts ? SeekResult::BeforeStart
                                                  : SeekResult::Found;
        ASSERT_OK_AND_ASSIGN(const SeekResult got, reader.seek_timestamp(ts));
        EXPECT_EQ(seek_result_name(got), seek_result_name(want)) << "seek_timestamp(" << ts << ")";
        EXPECT_EQ(reader.next_seq(), at) << "seek_timestamp(" << ts << ")";
        EXPECT_TRUE(SameRecords(read(reader, p, limit), slice(p, at, limit)))
            << "seek_timestamp(" << ts << ")";
      }
    }
  }
}

}  // namespace
}  // namespace chronicle
