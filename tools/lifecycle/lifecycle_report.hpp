#pragma once
// How the lifecycle commands print a LifecycleStats.

#include <chronicle/lifecycle/lifecycle_stats.hpp>

namespace chronicle::cli {

// Text: LifecycleStats::to_string on stdout (each line escaped), and each
// error once more on stderr as `chronicle: error: <path>: <message>`.
// JSON: LifecycleStats::to_json with paths and messages escaped, and nothing
// on stderr. Returns the exit status: 1 when the run had errors or stdout
// failed, else 0.
int report_lifecycle_stats(const LifecycleStats& stats, bool json);

}  // namespace chronicle::cli
