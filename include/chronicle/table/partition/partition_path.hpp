#pragma once
// Hive-style partition directories, `key=value/key=value/...`, with values
// escaped so that any value round-trips and none can leave the table root.
//
// Escaping: bytes A-Z a-z 0-9 '_' '-' and '.' (except as the first byte) stay;
// every other byte is written %XX (upper-case hex). So '/', '\', '=', '%',
// NUL, control bytes, spaces and non-ASCII bytes are escaped, and a
// component never is "." or ".." or starts with '.'. A component longer than
// 255 bytes (NAME_MAX) is refused, never truncated; so is a path over 4096.
// The empty string is written as "key=" and round-trips.
//
// Thread safety: pure functions, safe from any thread.

#include <string>
#include <string_view>

#include <chronicle/core/error.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/partition/partition_values.hpp>

namespace chronicle {

// The escaped form of a value's text.
std::string escape_partition_value(std::string_view text);
// Inverse of escape_partition_value; InvalidArgument for a byte that would
// have been escaped, a bad or lower-case %XX sequence, or a leading '.'.
Result<std::string> unescape_partition_value(std::string_view escaped);

// The relative directory of a partition. InvalidArgument (naming the key and
// the escaped value) when a component would exceed 255 bytes.
Result<std::string> partition_path(const PartitionScheme& scheme, const PartitionValues& values);

// Parses a relative directory back into values: the components must be
// exactly the scheme's keys in order, each `key=escaped value`.
Result<PartitionValues> parse_partition_path(const PartitionScheme& scheme,
                                             std::string_view relative_path);

// Parses one directory name `key=escaped value` for key index `i`.
Result<PartitionValue> parse_partition_component(const PartitionScheme& scheme, std::size_t i,
                                                 std::string_view component);

}  // namespace chronicle
