#pragma once
// ASSERT_OK / EXPECT_OK for Status and Result<T>, printing the error on
// failure; EXPECT_ERROR checks the category of a failure.

#include <gtest/gtest.h>

#include <chronicle/core/error.hpp>

#define CHRONICLE_TEST_CONCAT_(a, b) a##b
#define CHRONICLE_TEST_CONCAT(a, b) CHRONICLE_TEST_CONCAT_(a, b)

#define EXPECT_OK(expr)                                                              \
  do {                                                                               \
    const auto& chronicle_r_ = (expr);                                               \
    EXPECT_TRUE(chronicle_r_.has_value()) << "error: " << chronicle_r_.error().to_string(); \
  } while (0)

#define ASSERT_OK(expr)                                                              \
  do {                                                                               \
    const auto& chronicle_r_ = (expr);                                               \
    ASSERT_TRUE(chronicle_r_.has_value()) << "error: " << chronicle_r_.error().to_string(); \
  } while (0)

// Declares `var` as the value of a Result, failing the test if it is an error.
#define ASSERT_OK_AND_ASSIGN(var, expr)                                            \
  auto CHRONICLE_TEST_CONCAT(result_, __LINE__) = (expr);                          \
  ASSERT_TRUE(CHRONICLE_TEST_CONCAT(result_, __LINE__).has_value())                \
      << "error: " << CHRONICLE_TEST_CONCAT(result_, __LINE__).error().to_string(); \
  var = std::move(*CHRONICLE_TEST_CONCAT(result_, __LINE__))

#define EXPECT_ERROR(expr, errc)                                                      \
  do {                                                                                \
    const auto& chronicle_r_ = (expr);                                                \
    ASSERT_FALSE(chronicle_r_.has_value()) << "expected " #errc " but it succeeded";  \
    EXPECT_EQ(chronicle_r_.error().code(), errc) << chronicle_r_.error().to_string(); \
  } while (0)
