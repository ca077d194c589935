#pragma once
// Creating and walking partition directories without ever following a
// symlink below the table root.

#include <sys/types.h>

#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/partition/partition_values.hpp>

namespace chronicle::detail {

// Creates root/relative one component at a time; each must end up a real
// directory (an existing symlink or file there is refused). Each one's name
// is made durable (an fsync of its parent), also when it existed already: a
// crash may have come between an earlier mkdir and its fsync, and a sync()
// of the partition's log covers only the log directory itself.
Status make_partition_dirs(FileSystem& fs, const std::string& root, const std::string& relative,
                           mode_t mode);

// Checks that root/relative exists and that each of its components below
// the root is a real directory, so that opening it follows no symlink
// planted under the root: NotFound if a component is missing,
// InvalidArgument naming the first one that is a symlink or not a directory.
Status check_partition_dirs(const std::string& root, const std::string& relative);

// Every partition directory under `root` for `scheme`, as (values, relative
// path), sorted by values. Entries that are not `key=value` of the scheme,
// symlinks and files are skipped and described in `skipped` (if set).
Result<std::vector<std::pair<PartitionValues, std::string>>> walk_partitions(
    const std::string& root, const PartitionScheme& scheme, std::vector<std::string>* skipped);

}  // namespace chronicle::detail
