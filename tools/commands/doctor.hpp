#pragma once
// `chronicle doctor <dir>`: checks what could let another user change a log
// or table behind chronicle's back, and what does not belong in a table.

#include <string>

namespace chronicle::cli {

struct DoctorOptions {
  std::string dir;  // a log directory or a table root
};

// Prints one line per finding and a summary; returns 0 when nothing was
// found, 1 when something was (or `dir` cannot be checked).
int run_doctor(const DoctorOptions& options);

}  // namespace chronicle::cli
