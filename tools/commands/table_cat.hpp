#pragma once
// `chronicle cat <table-root>`: the records of a table's partitions through
// Table::query, merged in timestamp order (or partition after partition),
// each printed with its partition.

#include "commands/cat.hpp"

namespace chronicle::cli {

// As run_cat, for a directory holding _table.json.
int run_table_cat(const CatOptions& options);

}  // namespace chronicle::cli
