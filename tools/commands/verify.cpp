#include "commands/verify.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chronicle/core/errors.hpp>

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
  auto report = verify_log(options.dir);
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
