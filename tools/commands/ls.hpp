#pragma once
// `chronicle ls <table-root>`: one line per partition (segments hot and
// cold, bytes on disk, records, compression ratio of the cold segments, time
// range), optionally each segment under its partition, and a total.

#include <string>
#include <vector>

#include "support/where_clause.hpp"

namespace chronicle::cli {

struct LsOptions {
  std::string dir;
  std::vector<WhereClause> where;  // partitions to list (empty: all)
  bool segments = false;           // list every segment under its partition
  bool json = false;               // one JSON object instead of the table
};

// Returns the exit status: 0; 1 when the table cannot be opened or listed,
// or a partition's segments cannot be described (the other partitions are
// still shown); 2 when a --where clause does not fit the scheme.
int run_ls(const LsOptions& options);

}  // namespace chronicle::cli
