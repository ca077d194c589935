#include <chronicle/core/segment_header.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "support/status_matchers.hpp"

namespace chronicle {
namespace {

struct HeaderTest : ::testing::Test {
  std::vector<std::byte> seg = std::vector<std::byte>(8192);
  SegmentHeader h{};

  void SetUp() override {
    h.magic = kSegmentMagic;
    h.format_version = kSegmentFormatVersion;
    h.header_size = kSegmentHeaderSize;
    h.segment_id = 7;
    h.capacity = 8192;
    h.base_seq = 100;
    h.created_ns = 123;
    reseal();
  }
  void reseal() {
    h.identity_checksum = identity_checksum_of(h);
    std::memcpy(seg.data(), &h, sizeof h);
  }
  Status check(std::uint64_t file_size = 8192) {
    return validate_segment_header(read_segment_header(seg.data()), "/log/000000007.q", 7, file_size);
  }
};

TEST_F(HeaderTest, AFreshHeaderIsValidAndUnsealed) {
  EXPECT_OK(check());
  EXPECT_FALSE(is_sealed(read_segment_header(seg.data())));
}

TEST_F(HeaderTest, SealBlockRoundTrips) {
  write_seal_block(seg.data(), 4096, 10, 5, 9);
  const SegmentHeader r = read_segment_header(seg.data());
  EXPECT_TRUE(is_sealed(r));
  EXPECT_EQ(r.end_of_data, 4096u);
  EXPECT_EQ(r.record_count, 10u);
  EXPECT_EQ(r.min_timestamp_ns, 5u);
  EXPECT_EQ(r.max_timestamp_ns, 9u);
  EXPECT_EQ(r.identity_checksum, h.identity_checksum);
  EXPECT_OK(check());
}

TEST_F(HeaderTest, ATornSealBlockReadsAsUnsealed) {
  write_seal_block(seg.data(), 4096, 10, 5, 9);
  seg[64] ^= std::byte{1};  // record_count changed after the checksum
  EXPECT_FALSE(is_sealed(read_segment_header(seg.data())));
}

TEST_F(HeaderTest, BadMagicIsCorruptionNamingFoundAndExpected) {
  h.magic = 0x12345678;
  reseal();
  auto st = check();
  EXPECT_ERROR(st, Errc::Corruption);
  EXPECT_NE(st.error().message().find("0x12345678"), std::string::npos) << st.error().message();
  EXPECT_NE(st.error().message().find("/log/000000007.q"), std::string::npos);
}

TEST_F(HeaderTest, NewerVersionIsUnsupported) {
  h.format_version = kSegmentFormatVersion + 1;
  reseal();
  auto st = check();
  EXPECT_ERROR(st, Errc::Unsupported);
  EXPECT_NE(st.error().message().find("newer version"), std::string::npos);
}

TEST_F(HeaderTest, IdentityChecksumMismatchIsCorruption) {
  seg[24] ^= std::byte{4};  // base_seq
  EXPECT_ERROR(check(), Errc::Corruption);
}

TEST_F(HeaderTest, SegmentIdNotMatchingTheFileNameIsCorruption) {
  h.segment_id = 8;
  reseal();
  auto st = check();
  EXPECT_ERROR(st, Errc::Corruption);
  EXPECT_NE(st.error().message().find("expected 7, found 8"), std::string::npos);
}

TEST_F(HeaderTest, UnsealedFileOfTheWrongSizeIsCorruption) {
  EXPECT_ERROR(check(4096), Errc::Corruption);
  EXPECT_ERROR(check(12288), Errc::Corruption);
}

TEST_F(HeaderTest, SealedFileShorterThanEndOfDataIsCorruption) {
  write_seal_block(seg.data(), 4096, 10, 5, 9);
  EXPECT_OK(check(4096));  // a restored cold segment: exactly its used prefix
  auto st = check(4000);
  EXPECT_ERROR(st, Errc::Corruption);
  EXPECT_NE(st.error().message().find("shorter than its end_of_data"), std::string::npos);
}

TEST_F(HeaderTest, LyingSealBlocksAreCorruption) {
  write_seal_block(seg.data(), 8190, 1, 1, 1);  // past capacity - marker
  EXPECT_ERROR(check(), Errc::Corruption);
  write_seal_block(seg.data(), 4097, 1, 1, 1);  // unaligned
  EXPECT_ERROR(check(), Errc::Corruption);
  write_seal_block(seg.data(), 4096, 1'000'000, 1, 1);  // too many records
  EXPECT_ERROR(check(), Errc::Corruption);
  write_seal_block(seg.data(), 4096, 2, 9, 1);  // min > max
  EXPECT_ERROR(check(), Errc::Corruption);
}

}  // namespace
}  // namespace chronicle
