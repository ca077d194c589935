#pragma once
// The --policy value of `chronicle compress` and `chronicle lifecycle run`:
//
//   never              nothing is compressed
//   immediate          every sealed segment
//   age:DAYS           its newest record is at least DAYS days old (record
//                      timestamps; the seal time for an empty segment)
//   idle:DAYS          sealed (last modified) at least DAYS days ago
//   idle:DAYS:reads    not read for DAYS days (access tracker), else as idle:DAYS
//   size:BYTES         segment files of at least BYTES bytes
//
// DAYS and BYTES are plain decimal; the ranges are the library's (days
// 1..36500, bytes 1..1 TiB).

#include <string_view>

#include <chronicle/core/error.hpp>
#include <chronicle/table/compression_policy.hpp>

namespace chronicle::cli {

// The policy, validated; InvalidArgument quoting `text` and the accepted forms.
Result<CompressionPolicy> parse_policy(std::string_view text);

}  // namespace chronicle::cli
