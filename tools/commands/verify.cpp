#include "commands/verify.hpp"

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chronicle/core/errors.hpp>

#include "format/progress_line.hpp"
#include "format/safe_text.hpp"
#include "inspect/log_verifier.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {
namespace {

void print_text(const std::string& dir, const VerifyReport& r) {
  for (const std::string& p : r.problems) print_error(p);
  if (r.ok()) {
    fmt::print("ok: {}: {} segments, {} records, {} bytes verified\n", escape_bytes(dir),
               r.segments, r.records, r.bytes);
  } else {
    fmt::print("damaged: {}: {} problem{} in {} segments ({} records, {} bytes verified)\n",
               escape_bytes(dir), r.problems.size(), r.problems.size() == 1 ? "" : "s", r.segments,
               r.records, r.bytes);
  }
}

void print_json(const std::string& dir, const VerifyReport& r) {
  nlohmann::ordered_json j;
  j["dir"] = escape_bytes(dir);
  j["ok"] = r.ok();
  j["segments"] = r.segments;
  j["records"] = r.records;
  j["bytes"] = r.bytes;
  j["problems"] = nlohmann::ordered_json::array();
  for (const std::string& p : r.problems) j["problems"].push_back(sanitize_line(p));
  fmt::print("{}\n", j.dump());
}

}  // namespace

int run_verify(const VerifyOptions& options) {
  // A progress line on a terminal, at most four times a second.
  VerifyProgress progress;
  const auto start = std::chrono::steady_clock::now();
  auto last_draw = start - std::chrono::seconds(1);
  if (stderr_is_terminal()) {
    progress = [&](std::uint64_t done, std::uint64_t total, std::uint64_t bytes) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_draw < std::chrono::milliseconds(250)) return;
      last_draw = now;
      const Progress p{done, total, bytes, std::chrono::duration<double>(now - start).count(), "verifying"};
      draw_progress_line(progress_line(p), false);
    };
  }
  auto report = verify_log(options.dir, progress);
  if (progress) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::uint64_t total = report ? report->segments : 0;
    draw_progress_line(progress_line({total, total, report ? report->bytes : 0, elapsed, "verifying"}), true);
  }
  if (!report) {
    print_error(report.error());
    return kExitDataError;
  }
  if (options.json) {
    print_json(options.dir, *report);
  } else {
    print_text(options.dir, *report);
  }
  if (!finish_stdout()) return kExitDataError;
  return report->ok() ? kExitOk : kExitDataError;
}

}  // namespace chronicle::cli
