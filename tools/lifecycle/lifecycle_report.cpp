#include "lifecycle/lifecycle_report.hpp"

#include <cstdio>
#include <string_view>

#include <fmt/format.h>

#include <chronicle/core/errors.hpp>

#include "format/safe_text.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {

int report_lifecycle_stats(const LifecycleStats& stats, bool json) {
  if (json) {
    // to_json writes paths and messages as they are (bad UTF-8 replaced);
    // escaped first, the object is plain ASCII like every other --json.
    LifecycleStats escaped = stats;
    for (LifecycleError& e : escaped.errors) {
      e.path = escape_bytes(e.path);
      e.message = sanitize_line(e.message);
    }
    fmt::print("{}\n", escaped.to_json());
  } else {
    const std::string text = stats.to_string();
    std::string_view rest = text;
    while (!rest.empty()) {
      const auto end = rest.find('\n');
      fmt::print("{}\n", sanitize_line(rest.substr(0, end)));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
  }
  const bool written = finish_stdout();
  if (!json) {
    for (const LifecycleError& e : stats.errors) {
      // Most library messages start with the path already.
      const std::string path = escape_bytes(e.path);
      print_error(e.message.starts_with(path + ":") ? e.message : path + ": " + e.message);
    }
  }
  return written && stats.errors.empty() ? kExitOk : kExitDataError;
}

}  // namespace chronicle::cli
