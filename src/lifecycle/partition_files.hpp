#pragma once
// The names chronicle itself creates inside a partition directory. Whole-
// partition deletion removes these and nothing else, so that a file or link
// planted there (or a user's own file) is never deleted with the partition.

#include <string_view>

namespace chronicle::detail {

// True for segment files (`.q`, `.q.zst`, `.q.prep`), segment indexes
// (`.idx`), their temp files (`<name>.tmp-<pid>-<hex>`), the writer and
// lifecycle locks and the access tracker's files.
bool is_partition_file_name(std::string_view name);

}  // namespace chronicle::detail
