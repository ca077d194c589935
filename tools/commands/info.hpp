#pragma once
// `chronicle info <log-dir>`: one line per segment and a total.

#include <string>

namespace chronicle::cli {

struct InfoOptions {
  std::string dir;
  bool json = false;  // one JSON object instead of the table
};

// Prints the segments of the log; returns the exit status: 0, or 1 when the
// directory cannot be listed or a segment cannot be read (the other segments
// are still shown).
int run_info(const InfoOptions& options);

}  // namespace chronicle::cli
