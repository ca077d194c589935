#pragma once
// `chronicle verify <log-dir>`: reads every record of every segment and
// checks the segment headers against them.

#include <string>

namespace chronicle::cli {

struct VerifyOptions {
  std::string dir;
  bool json = false;  // one JSON object with the summary and the problems
};

// Returns the exit status: 0 when the log is intact, 1 when a problem was
// found (each printed as one line naming file and offset) or the directory
// cannot be read.
int run_verify(const VerifyOptions& options);

}  // namespace chronicle::cli
