#pragma once
// The target directory of a migration: refused unless absent or empty,
// marked MIGRATION-INCOMPLETE while written, and either completed (marker
// removed last) or abandoned (removed, or left marked if it cannot be).

#include <sys/types.h>

#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/ipc/v1/v1_migration.hpp>

namespace chronicle::ipc::v1::detail {

struct MigrationTarget {
  std::string path;
  bool created = false;  // false: it existed, empty
};

// InvalidArgument if `path` exists and is not an empty directory; creates it
// (its parent must exist) and writes the marker, naming `source`.
Result<MigrationTarget> begin_target(const std::string& path, const std::string& source,
                                     mode_t dir_mode);
// Removes the marker and syncs the directory.
Status complete_target(const MigrationTarget& target);
// Removes what the migration wrote: everything but the marker first, then
// the marker and (if it created it) the directory. Says what became of it;
// a failure to remove is described in `notes`.
TargetState abandon_target(const MigrationTarget& target, std::vector<std::string>& notes);

}  // namespace chronicle::ipc::v1::detail
