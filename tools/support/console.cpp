#include "support/console.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "format/safe_text.hpp"

namespace chronicle::cli {

void print_error(std::string_view message) {
  fmt::print(stderr, "chronicle: error: {}\n", sanitize_line(message));
  std::fflush(stderr);
}

void print_error(const Error& error) { print_error(error.message()); }

bool finish_stdout() {
  if (std::fflush(stdout) == 0 && std::ferror(stdout) == 0) return true;
  const int err = errno;
  print_error(fmt::format("writing to standard output failed: {}", std::strerror(err)));
  return false;
}

}  // namespace chronicle::cli
