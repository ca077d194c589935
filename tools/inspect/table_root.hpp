#pragma once
// Whether a directory given on the command line is a table root (it holds
// `_table.json`) rather than one log.

#include <string>

namespace chronicle::cli {

// True when `dir`/_table.json exists, whatever it is: a damaged or
// misplaced one is then reported by Table::open rather than read as a log.
bool is_table_root(const std::string& dir);

}  // namespace chronicle::cli
