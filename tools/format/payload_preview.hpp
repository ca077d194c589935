#pragma once
// The payload column of `chronicle cat`: the first bytes of a payload, as
// quoted text when they are mostly printable, else as hex.
//
//   "hello, world"        text; bytes outside printable ASCII, backslash and
//                         the double quote are escaped as \xNN
//   hex:00ff13a0          binary
//   ...                   appended to either when the payload is longer
//                         than the preview
//   ""                    an empty payload

#include <cstddef>
#include <span>
#include <string>

namespace chronicle::cli {

inline constexpr std::size_t kDefaultPreviewBytes = 32;

// Preview of the first `max_bytes` bytes of `payload`. The result is always
// printable ASCII.
std::string payload_preview(std::span<const std::byte> payload, std::size_t max_bytes);

}  // namespace chronicle::cli
