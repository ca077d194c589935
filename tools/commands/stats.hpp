#pragma once
// `chronicle stats <table-root>`: the table as a whole: its scheme, its
// config (as stored in _table.json) and the sums over all partitions.

#include <string>

namespace chronicle::cli {

struct StatsOptions {
  std::string dir;
  bool json = false;  // one JSON object instead of the text
};

// Returns the exit status: 0; 1 when the table cannot be opened or listed, or
// a partition's segments cannot be described (the totals then leave it out).
int run_stats(const StatsOptions& options);

}  // namespace chronicle::cli
