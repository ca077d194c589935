#include <chronicle/core/error.hpp>
#include <chronicle/core/errors.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace chronicle {
namespace {

TEST(ErrorTest, DefaultErrorMeansSuccess) {
  Error e;
  EXPECT_FALSE(e);
  EXPECT_EQ(e.to_string(), "OK");
  EXPECT_EQ(sizeof(Error), sizeof(void*));
}

TEST(ErrorTest, CarriesCodeMessageAndErrno) {
  Error e(Errc::NoSpace, "/x: fallocate failed", ENOSPC);
  ASSERT_TRUE(e);
  EXPECT_EQ(e.code(), Errc::NoSpace);
  EXPECT_EQ(e.sys_errno(), ENOSPC);
  EXPECT_EQ(e.to_string(), "NoSpace: /x: fallocate failed");
  Error copy = e;
  EXPECT_EQ(copy.message(), e.message());
}

TEST(ErrorTest, ResultHoldsValueOrError) {
  Result<int> ok = 5;
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 5);
  EXPECT_EQ(ok.value(), 5);
  Result<int> bad = Error(Errc::NotFound, "gone");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), Errc::NotFound);
}

TEST(ErrorTest, ValueOfAFailedResultThrowsWithTheMessage) {
  Result<std::string> bad = Error(Errc::Corruption, "file: bad magic at offset 0");
  try {
    (void)bad.value();
    FAIL() << "expected BadResultAccess";
  } catch (const BadResultAccess& e) {
    EXPECT_EQ(e.error().code(), Errc::Corruption);
    EXPECT_STREQ(e.what(), "Corruption: file: bad magic at offset 0");
  }
  Status failed = Error(Errc::Io, "x");
  EXPECT_THROW(failed.value(), BadResultAccess);
}

TEST(ErrorTest, ResultOfMoveOnlyTypeMovesAndAssigns) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  Result<std::unique_ptr<int>> moved = std::move(r);
  ASSERT_TRUE(moved);
  EXPECT_EQ(**moved, 7);
  moved = Error(Errc::Closed, "closed");
  EXPECT_FALSE(moved);
  moved = std::make_unique<int>(8);
  EXPECT_EQ(**moved, 8);
}

TEST(ErrorTest, EscapeBytesMakesOnePrintableLine) {
  EXPECT_EQ(escape_bytes("plain/path"), "plain/path");
  EXPECT_EQ(escape_bytes(std::string("a\nb\x1b[31m\0c\\", 11)), "a\\x0ab\\x1b[31m\\x00c\\x5c");
  EXPECT_EQ(escape_bytes("\xff"), "\\xff");
}

TEST(ErrorTest, ErrnoMapsToCategories) {
  EXPECT_EQ(errc_from_errno(ENOSPC), Errc::NoSpace);
  EXPECT_EQ(errc_from_errno(EDQUOT), Errc::NoSpace);
  EXPECT_EQ(errc_from_errno(ENOENT), Errc::NotFound);
  EXPECT_EQ(errc_from_errno(EWOULDBLOCK), Errc::Locked);
  EXPECT_EQ(errc_from_errno(EIO), Errc::Io);
  Error e = io_error("open", "/dir/\nfile", EACCES);
  EXPECT_EQ(e.code(), Errc::Io);
  EXPECT_EQ(e.sys_errno(), EACCES);
  EXPECT_NE(e.message().find("/dir/\\x0afile: open failed"), std::string::npos) << e.message();
}

TEST(ErrorTest, CorruptionNamesFileAndOffset) {
  Error e = corruption("/log/000000001.q", 4096, "bad thing: expected {}, found {}", 1, 2);
  EXPECT_EQ(e.code(), Errc::Corruption);
  EXPECT_EQ(e.message(), "/log/000000001.q: bad thing: expected 1, found 2 at offset 4096");
}

}  // namespace
}  // namespace chronicle
