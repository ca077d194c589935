#include "support/console.hpp"

#include <unistd.h>

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

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void draw_progress_line(std::string_view line, bool final) {
  // "\x1b[K" clears what a longer earlier line left on the right.
  fmt::print(stderr, "\r{}\x1b[K{}", line, final ? "\n" : "");
  std::fflush(stderr);
}

bool finish_stdout() {
  if (std::fflush(stdout) == 0 && std::ferror(stdout) == 0) return true;
  const int err = errno;
  print_error(fmt::format("writing to standard output failed: {}", std::strerror(err)));
  return false;
}

}  // namespace chronicle::cli
