#include <chronicle/compression/zstd_codec.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include <cstring>
#include <vector>

#include "support/records.hpp"
#include "support/status_matchers.hpp"

namespace chronicle {
namespace {

std::vector<std::byte> sample(std::size_t n) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>((i * 7) % 13 + (i / 1000));
  return v;
}

TEST(ZstdCodecTest, LevelsOutsideZstdsRangeAreRejected) {
  for (int level : {0, max_compression_level() + 1, min_compression_level() - 1}) {
    auto c = ZstdCompressor::create({.level = level});
    EXPECT_ERROR(c, Errc::InvalidArgument);
    EXPECT_NE(c.error().message().find(std::to_string(level)), std::string::npos);
  }
  for (int level : {-5, 1, 3, 19, max_compression_level()}) EXPECT_OK(ZstdCompressor::create({.level = level}));
}

TEST(ZstdCodecTest, RoundTripsAtSeveralLevelsReusingContexts) {
  const auto src = sample(300'000);
  for (int level : {-3, 1, 9}) {
    ASSERT_OK_AND_ASSIGN(auto c, ZstdCompressor::create({.level = level}));
    ASSERT_OK_AND_ASSIGN(auto d, ZstdDecompressor::create());
    for (int round = 0; round < 3; ++round) {
      std::vector<std::byte> frame;
      ASSERT_OK_AND_ASSIGN(auto n, c.compress_frame(src, frame));
      EXPECT_EQ(n, frame.size());
      EXPECT_LT(n, src.size());
      std::vector<std::byte> out(src.size());
      ASSERT_OK(d.decompress_frame(frame, out, "mem", 0));
      EXPECT_EQ(out, src);
    }
  }
}

TEST(ZstdCodecTest, AReusedBufferGetsTheSameFramesAndASmallOneIsRefused) {
  const auto src = sample(100'000);
  ASSERT_OK_AND_ASSIGN(auto c, ZstdCompressor::create({.level = 3}));
  std::vector<std::byte> appended;
  ASSERT_OK_AND_ASSIGN(auto n, c.compress_frame(src, appended));
  std::vector<std::byte> buffer(ZstdCompressor::compress_bound(src.size()), std::byte{0x5a});
  for (int round = 0; round < 2; ++round) {
    ASSERT_OK_AND_ASSIGN(auto m, c.compress_frame(src, std::span<std::byte>(buffer)));
    ASSERT_EQ(m, n);
    EXPECT_TRUE(std::equal(appended.begin(), appended.end(), buffer.begin()));
  }
  std::vector<std::byte> small(buffer.size() - 1);
  auto refused = c.compress_frame(src, std::span<std::byte>(small));
  EXPECT_ERROR(refused, Errc::InvalidArgument);
  EXPECT_NE(refused.error().message().find(std::to_string(buffer.size())), std::string::npos)
      << refused.error().message();
}

TEST(ZstdCodecTest, HigherLevelsCompressSmaller) {
  const auto src = sample(1 << 20);
  std::vector<std::byte> fast, strong;
  ASSERT_OK_AND_ASSIGN(auto c1, ZstdCompressor::create({.level = -5}));
  ASSERT_OK_AND_ASSIGN(auto c2, ZstdCompressor::create({.level = 19}));
  ASSERT_OK(c1.compress_frame(src, fast));
  ASSERT_OK(c2.compress_frame(src, strong));
  EXPECT_LT(strong.size(), fast.size());
}

TEST(ZstdCodecTest, FrameChecksumOptionAddsZstdsChecksumAndCatchesDamage) {
  const auto src = sample(10'000);
  std::vector<std::byte> plain, checked;
  ASSERT_OK_AND_ASSIGN(auto c1, ZstdCompressor::create({.level = 3}));
  ASSERT_OK_AND_ASSIGN(auto c2, ZstdCompressor::create({.level = 3, .frame_checksum = true}));
  ASSERT_OK(c1.compress_frame(src, plain));
  ASSERT_OK(c2.compress_frame(src, checked));
  EXPECT_EQ(checked.size(), plain.size() + 4);
  checked[checked.size() - 1] ^= std::byte{1};  // damage the checksum itself
  ASSERT_OK_AND_ASSIGN(auto d, ZstdDecompressor::create());
  std::vector<std::byte> out(src.size());
  EXPECT_ERROR(d.decompress_frame(checked, out, "f", 0), Errc::Corruption);
}

TEST(ZstdCodecTest, WrongSizeTrailingBytesAndSkippableFramesAreCorruption) {
  const auto src = sample(5000);
  std::vector<std::byte> frame;
  ASSERT_OK_AND_ASSIGN(auto c, ZstdCompressor::create({}));
  ASSERT_OK(c.compress_frame(src, frame));
  ASSERT_OK_AND_ASSIGN(auto d, ZstdDecompressor::create());
  std::vector<std::byte> small(src.size() - 1), right(src.size());
  auto st = d.decompress_frame(frame, small, "/x.q.zst", 77);
  EXPECT_ERROR(st, Errc::Corruption);
  EXPECT_NE(st.error().message().find("/x.q.zst"), std::string::npos);
  EXPECT_NE(st.error().message().find("offset 77"), std::string::npos) << st.error().message();
  auto longer = frame;
  longer.push_back(std::byte{0});
  EXPECT_ERROR(d.decompress_frame(longer, right, "f", 0), Errc::Corruption);
  // A skippable frame: magic 0x184D2A50, size 4, four bytes.
  const std::byte skippable[] = {std::byte{0x50}, std::byte{0x2A}, std::byte{0x4D}, std::byte{0x18},
                                 std::byte{4},    std::byte{0},    std::byte{0},    std::byte{0},
                                 std::byte{1},    std::byte{2},    std::byte{3},    std::byte{4}};
  EXPECT_ERROR(d.decompress_frame(skippable, right, "f", 0), Errc::Corruption);
  EXPECT_ERROR(d.decompress_frame(std::span<const std::byte>(), right, "f", 0), Errc::Corruption);
}

}  // namespace
}  // namespace chronicle
