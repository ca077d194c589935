#pragma once
// `chronicle cat <log-dir | table-root>`: prints records, one per line (or
// per block, in hex), optionally following the log or table as it grows. A
// directory holding `_table.json` is read as a table (table_cat.hpp),
// anything else as one log.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <chronicle/table/reader/table_reader.hpp>

#include "format/payload_preview.hpp"
#include "format/record_printer.hpp"
#include "support/where_clause.hpp"

namespace chronicle::cli {

struct CatOptions {
  std::string dir;
  RecordFormat format = RecordFormat::Text;
  std::optional<std::uint64_t> limit;                // stop after this many records
  std::optional<std::uint64_t> from_seq;             // logs: start at this sequence number
  std::optional<std::uint64_t> from_ns;              // only records at or after this time
  std::optional<std::uint64_t> to_ns;                // only records before this time
  std::vector<std::uint16_t> types;                  // only these type ids (empty: all)
  bool follow = false;                               // wait for new records until SIGINT/SIGTERM
  std::size_t preview_bytes = kDefaultPreviewBytes;  // payload bytes shown as text
  // Tables only.
  std::vector<WhereClause> where;      // partitions to read (empty: all)
  std::optional<MergeStrategy> merge;  // default: timestamp order
};

// Returns the exit status: 0 at the end of the data (or of --limit, or on
// SIGINT/SIGTERM with --follow); 1 when the log or table cannot be read or
// holds a damaged record (the records before it are printed); 2 when an
// option does not fit the directory (--where on a log, --from-seq on a
// table, a --where key the table does not have).
int run_cat(const CatOptions& options);

}  // namespace chronicle::cli
