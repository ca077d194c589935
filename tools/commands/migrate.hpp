#pragma once
// `chronicle migrate <v1-dir> <new-dir>`: converts a chronicle-rs v1 log or
// table into chronicle's format, verifying every record (v1_migration.hpp).

#include <cstdint>
#include <optional>
#include <string>

namespace chronicle::cli {

struct MigrateOptions {
  std::string source;  // a v1 log, or a v1 table (it has _table/metadata.json)
  std::string target;  // must not exist, or be an empty directory
  std::optional<std::uint64_t> segment_size;  // of the new segments; default 64 MiB
  bool permissive = false;  // keep v1 timestamps that go backwards
  bool json = false;
};

// Returns the exit status: 0 when the target is complete and verified; 1
// when the migration failed (the report says what the target was left as).
int run_migrate(const MigrateOptions& options);

}  // namespace chronicle::cli
