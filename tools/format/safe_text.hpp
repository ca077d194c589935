#pragma once
// Text that is safe to print on a terminal or in a log line: whatever the
// bytes of a file name, payload or message, the output holds only printable
// ASCII, so it can neither drive a terminal (escape sequences) nor forge a
// second line. Names and payloads go through chronicle::escape_bytes; these
// helpers cover the rest.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace chronicle::cli {

// Lower-case hex, two digits per byte, no separator.
std::string to_hex(std::span<const std::byte> bytes);

// Escapes bytes outside printable ASCII as \xNN but, unlike escape_bytes,
// leaves backslashes alone: for messages that are escaped already (the
// library's errors) and must not be escaped twice, yet may carry raw text
// from elsewhere (a command-line argument quoted by the parser).
std::string sanitize_line(std::string_view text);

}  // namespace chronicle::cli
