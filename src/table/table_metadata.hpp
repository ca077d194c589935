#pragma once
// _table.json: reading, validating and writing a table's metadata.
//
// {
//   "format": "chronicle-table", "format_version": 1, "created_ns": ...,
//   "scheme": {"keys": [{"name": "venue", "type": "string"},
//                       {"name": "date", "type": "date", "utc_offset": "+00:00"}]},
//   "config": {"segment_size": ..., "index_stride": ..., "validate_partition_order": ...,
//              "timestamp_order": "strict", "compression_policy": {...},
//              "compression_level": ..., "compression_block_size": ...,
//              "track_access": ..., "sync_on_seal": ..., "file_mode": "0644", "dir_mode": "0755"}
// }
//
// Unknown top-level and config fields are accepted and ignored (a newer minor
// writer may add some); a newer format_version is refused. Nothing is ever
// replaced by a default: a missing or mistyped field is an error.

#include <sys/types.h>

#include <cstdint>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/table_config.hpp>

namespace chronicle::detail {

struct TableMetadata {
  PartitionScheme scheme;
  TableConfig config;
  std::uint64_t created_ns = 0;
};

std::string serialize_table_metadata(const TableMetadata& meta);
// `path` names the file in messages.
Result<TableMetadata> parse_table_metadata(std::string_view text, const std::string& path);

// Reads and parses root/_table.json.
Result<TableMetadata> read_table_metadata(FileSystem& fs, const std::string& root);
// Writes root/_table.json atomically: temp file (O_EXCL), fsync, rename,
// directory fsync. On failure the previous file is untouched. Without
// `replace`, an existing _table.json makes it fail instead (a racing create).
Status write_table_metadata(FileSystem& fs, const std::string& root, const TableMetadata& meta,
                            mode_t mode, bool replace);

}  // namespace chronicle::detail
