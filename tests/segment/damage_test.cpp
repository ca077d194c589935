// Exhaustive damage of small segments (RELIABILITY E1-E3): every single-bit
// flip and every truncation length. The rule checked: a reader returns exactly
// the original records, or a prefix of them followed by a Corruption error
// naming the file and an offset; never a changed record, never a crash.
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "support/files.hpp"
#include "support/log_builder.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kSeed = 3;
constexpr std::size_t kMaxLen = 400;

class DamageTest : public TempDirTest {
 protected:
  std::string dir() const { return tmp_.sub("log"); }
  std::string seg0() const { return segment_path(dir(), 0); }

  // An 8 KiB segment with about 30 records of mixed sizes, record 0 empty;
  // sealed unless `leave_live`.
  std::vector<char> make_segment(bool leave_live) {
    LogOptions o;
    o.segment_size = 8192;
    auto w = SegmentWriter::open(dir(), o);
    EXPECT_OK(w);
    EXPECT_OK(w->append(0, test::timestamp_for(kSeed, 0), {}));
    std::uint64_t end = kSegmentHeaderSize + record_size(0);
    for (std::uint64_t s = 1; s < 30; ++s) {
      auto p = test::payload_for(kSeed, s, 300);
      if (end + record_size(p.size()) > 8192 - kEndMarkerSize) break;
      EXPECT_OK(w->append(test::type_for(kSeed, s), test::timestamp_for(kSeed, s), p));
      end += record_size(p.size());
    }
    count_ = w->next_seq();
    auto bytes = test::read_file(seg0());
    EXPECT_OK(w->close());
    if (!leave_live) bytes = test::read_file(seg0());
    std::filesystem::remove_all(dir());
    return bytes;
  }
  // Installs `bytes` as the only segment of a fresh log.
  void install(const std::vector<char>& bytes) {
    std::filesystem::remove_all(dir());
    std::filesystem::create_directory(dir());
    test::write_file(seg0(), bytes);
  }

  // Reads the log and checks the rule; returns the number of records read.
  std::size_t check_prefix_or_error(const std::string& what) {
    auto reader = LogReader::open(dir());
    if (!reader) {
      // A flipped version bit reads as "written by a newer version".
      EXPECT_TRUE(reader.error().code() == Errc::Corruption ||
                  reader.error().code() == Errc::Unsupported)
          << what << ": " << reader.error().to_string();
      EXPECT_NE(reader.error().message().find(seg0()), std::string::npos) << what;
      return 0;
    }
    RecordView v;
    std::size_t n = 0;
    Step step;
    while ((step = reader->next(v)) == Step::Record) {
      EXPECT_EQ(v.seq, n) << what;
      const auto p = n == 0 ? std::vector<std::byte>{} : test::payload_for(kSeed, n, 300);
      const bool same = v.type_id == (n == 0 ? 0 : test::type_for(kSeed, n)) &&
                        v.timestamp_ns == test::timestamp_for(kSeed, n) &&
                        std::equal(v.payload.begin(), v.payload.end(), p.begin(), p.end());
      EXPECT_TRUE(same) << what << ": record " << n << " was returned changed";
      if (!same) return n;
      ++n;
    }
    if (step == Step::Failed) {
      const Error& e = reader->status().error();
      EXPECT_EQ(e.code(), Errc::Corruption) << what << ": " << e.to_string();
      EXPECT_NE(e.message().find(seg0()), std::string::npos) << what << ": " << e.message();
      EXPECT_NE(e.message().find("offset"), std::string::npos) << what << ": " << e.message();
    }
    return n;
  }

  std::uint64_t count_ = 0;
};

TEST_F(DamageTest, EveryBitFlipOfASealedSegmentIsDetectedOrHarmless) {
  const auto original = make_segment(false);
  ASSERT_GE(count_, 20u);
  SegmentHeader h;
  std::memcpy(&h, original.data(), sizeof h);
  ASSERT_TRUE(is_sealed(h));
  std::uint64_t full = 0, detected = 0, in_records = 0, detected_in_records = 0;
  for (std::uint64_t byte = 0; byte < original.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      auto damaged = original;
      damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << bit));
      install(damaged);
      const std::size_t n = check_prefix_or_error("byte " + std::to_string(byte) + " bit " +
                                                  std::to_string(bit));
      if (HasFailure()) return;
      (n == count_ ? full : detected) += 1;
      // Flips inside committed record headers and payloads must all be caught.
      if (byte >= kSegmentHeaderSize && byte < h.end_of_data) {
        ++in_records;
        if (n < count_) ++detected_in_records;
      }
    }
  }
  RecordProperty("variants", static_cast<int>(full + detected));
  EXPECT_EQ(full + detected, original.size() * 8);
  EXPECT_GT(detected, 0u);
  // Padding bytes after a payload are the only uncovered record bytes.
  std::uint64_t padding_bits = 0;
  for (std::uint64_t o = kSegmentHeaderSize; o < h.end_of_data;) {
    std::uint32_t c;
    std::memcpy(&c, original.data() + o, 4);
    const std::uint64_t len = c - 1;
    padding_bits += (record_size(len) - kRecordHeaderSize - len) * 8;
    o += record_size(len);
  }
  EXPECT_EQ(detected_in_records, in_records - padding_bits);
}

TEST_F(DamageTest, EveryTruncationOfASealedSegmentIsDetectedOrHarmless) {
  const auto original = make_segment(false);
  SegmentHeader h;
  std::memcpy(&h, original.data(), sizeof h);
  for (std::uint64_t len = 0; len <= original.size(); ++len) {
    install(std::vector<char>(original.begin(), original.begin() + static_cast<long>(len)));
    const std::size_t n = check_prefix_or_error("length " + std::to_string(len));
    if (HasFailure()) return;
    if (len >= h.end_of_data) {
      EXPECT_EQ(n, count_) << "length " << len;
    } else {
      EXPECT_LT(n, count_) << "length " << len;
    }
  }
}

// The live segment: recovery either resumes after a prefix of the original
// records (damage in the last record or after it: a torn tail) or refuses
// with Corruption, leaving the file unchanged (damage with committed records
// after it). Whatever it resumes with reads back unchanged.
TEST_F(DamageTest, EveryBitFlipOfTheLiveSegmentIsRecoveredOrRefused) {
  const auto original = make_segment(true);
  std::uint64_t resumed_all = 0, truncated = 0, refused = 0;
  LogOptions o;
  o.segment_size = 8192;
  o.prepare_ahead = false;
  for (std::uint64_t byte = 0; byte < original.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      auto damaged = original;
      damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << bit));
      install(damaged);
      const std::string what = "byte " + std::to_string(byte) + " bit " + std::to_string(bit);
      auto w = SegmentWriter::open(dir(), o);
      if (!w) {
        EXPECT_TRUE(w.error().code() == Errc::Corruption || w.error().code() == Errc::Unsupported)
            << what << ": " << w.error().to_string();
        EXPECT_EQ(test::read_file(seg0()), damaged) << what << ": refused recovery changed the file";
        ++refused;
        if (HasFailure()) return;
        continue;
      }
      const std::uint64_t resumed = w->next_seq();
      EXPECT_LE(resumed, count_) << what;
      if (resumed < count_) {
        // Only the last record may be lost to a torn tail.
        EXPECT_EQ(resumed, count_ - 1) << what;
        EXPECT_FALSE(w->recovery_report().clean()) << what;
        ++truncated;
      } else {
        ++resumed_all;
      }
      ASSERT_OK(w->close());
      const std::size_t n = check_prefix_or_error(what);
      EXPECT_EQ(n, resumed) << what;
      if (HasFailure()) return;
    }
  }
  EXPECT_GT(truncated, 0u);
  EXPECT_GT(refused, 0u);
  EXPECT_GT(resumed_all, 0u);
}

}  // namespace
}  // namespace chronicle
