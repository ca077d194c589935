// Exhaustive damage of small cold segments (RELIABILITY F1): every single-bit
// flip and every truncation of a 3-frame .q.zst, with and without per-frame
// checksums. A reader returns exactly the original records, or a prefix of
// them and then a Corruption error naming the file; never a changed record.
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "support/files.hpp"
#include "support/log_builder.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSeed = 21;

class ColdDamageTest : public TempDirTest, public ::testing::WithParamInterface<bool> {
 protected:
  std::string dir() const { return tmp_.sub("log"); }
  std::string cold() const { return segment_path(dir(), 0, SegmentTier::Cold); }

  // A sealed segment of ~10 KiB used bytes compressed into 3 frames of 4 KiB.
  std::vector<char> make_cold() {
    LogOptions o;
    o.segment_size = 16384;
    {
      auto w = SegmentWriter::open(dir(), o);
      EXPECT_OK(w);
      std::uint64_t used = kSegmentHeaderSize;
      for (std::uint64_t s = 0;; ++s) {
        const auto p = test::payload_for(kSeed, s, 600);
        if (used + record_size(p.size()) > 10'000) break;
        EXPECT_OK(w->append(test::type_for(kSeed, s), test::timestamp_for(kSeed, s), p));
        used += record_size(p.size());
        count_ = s + 1;
      }
      EXPECT_OK(w->close());
    }
    SegmentCompressionOptions c;
    c.seekable.block_size = 4096;
    c.seekable.frame_checksums = GetParam();
    EXPECT_OK(compress_segment(dir(), 0, c));
    return test::read_file(cold());
  }

  // Reads the log through both tiers; returns the records read.
  std::size_t check(const std::string& what) {
    auto reader = LogReader::open(dir(), both_tiers());
    if (!reader) {
      expect_clear(reader.error(), what);
      return 0;
    }
    RecordView v;
    std::size_t n = 0;
    Step step;
    const auto start = std::chrono::steady_clock::now();
    while ((step = reader->next(v)) == Step::Record) {
      const auto p = test::payload_for(kSeed, n, 600);
      const bool same = v.seq == n && v.type_id == test::type_for(kSeed, n) &&
                        std::equal(v.payload.begin(), v.payload.end(), p.begin(), p.end());
      EXPECT_TRUE(same) << what << ": record " << n << " changed";
      if (!same) return n;
      ++n;
    }
    // A hang guard, not a timing: a reader that looped on the damage would
    // never get here; reading this small segment takes milliseconds.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10)) << what;
    if (step == Step::Failed) expect_clear(reader->status().error(), what);
    return n;
  }

  void expect_clear(const Error& e, const std::string& what) {
    EXPECT_TRUE(e.code() == Errc::Corruption || e.code() == Errc::Unsupported)
        << what << ": " << e.to_string();
    EXPECT_NE(e.message().find(cold()), std::string::npos) << what << ": " << e.message();
  }

  std::uint64_t count_ = 0;
};

TEST_P(ColdDamageTest, EveryBitFlipIsDetectedOrHarmless) {
  const auto original = make_cold();
  ASSERT_GE(count_, 20u);
  std::uint64_t detected = 0, harmless = 0;
  for (std::size_t byte = 0; byte < original.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      auto damaged = original;
      damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << bit));
      test::write_file(cold(), damaged);
      const std::size_t n = check("byte " + std::to_string(byte) + " bit " + std::to_string(bit));
      if (HasFailure()) return;
      (n == count_ ? harmless : detected) += 1;
    }
  }
  RecordProperty("variants", static_cast<int>(original.size() * 8));
  EXPECT_GT(detected, original.size() * 8 / 2);
}

TEST_P(ColdDamageTest, EveryTruncationIsDetected) {
  const auto original = make_cold();
  for (std::size_t len = 0; len < original.size(); ++len) {
    test::write_file(cold(), std::vector<char>(original.begin(), original.begin() + static_cast<long>(len)));
    const std::size_t n = check("length " + std::to_string(len));
    EXPECT_LT(n, count_) << "length " << len;
    if (HasFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(FrameChecksums, ColdDamageTest, ::testing::Bool(),
                         [](const auto& param_info) { return param_info.param ? "With" : "Without"; });

}  // namespace
}  // namespace chronicle
