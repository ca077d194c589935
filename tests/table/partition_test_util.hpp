#pragma once
// Shared checks for the partition tests: a failure must be InvalidArgument
// and its message must carry the given fragments (the escaped bad value and
// the expected form).

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include <chronicle/core/error.hpp>

namespace chronicle::testing {

template <class R>
::testing::AssertionResult IsInvalidArgument(const R& result,
                                             std::initializer_list<std::string_view> fragments) {
  if (result.has_value()) return ::testing::AssertionFailure() << "succeeded";
  const Error& e = result.error();
  if (e.code() != Errc::InvalidArgument) {
    return ::testing::AssertionFailure() << "wrong category: " << e.to_string();
  }
  for (std::string_view f : fragments) {
    if (e.message().find(f) == std::string::npos) {
      return ::testing::AssertionFailure() << "message lacks [" << f << "]: " << e.message();
    }
  }
  // Messages are one printable line, whatever bytes the input held.
  for (char c : e.message()) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      return ::testing::AssertionFailure() << "message holds raw byte " << int(u);
    }
  }
  return ::testing::AssertionSuccess() << e.message();
}

}  // namespace chronicle::testing
