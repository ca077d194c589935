#pragma once
// Property checks for the fuzz targets. A failed check prints what failed
// and aborts, which libFuzzer reports as a crash and saves the input; unlike
// assert() it stays on in optimised builds.

#include <cstdio>
#include <cstdlib>

#include <chronicle/core/error.hpp>

#define CHRONICLE_FUZZ_CHECK(cond)                                                       \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)

namespace chronicle::fuzz {

// Whether `e` is a failure a parser may report for bad input: one of
// `codes`, with a message (errors are one line naming what was wrong).
template <class... Codes>
bool is_input_error(const Error& e, Codes... codes) {
  const bool known = ((e.code() == codes) || ...);
  return known && !e.message().empty() && e.message().find('\n') == std::string::npos;
}

}  // namespace chronicle::fuzz
