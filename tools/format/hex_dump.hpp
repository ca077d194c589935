#pragma once
// A payload as `hexdump -C` shows it: 16 bytes a line, offset, hex in two
// groups of eight, and the printable ASCII bytes (others as '.').
//
//   00000000  72 65 63 6f 72 64 20 30  30 30 30 20 78 78 78 78  |record 0000 xxxx|
//   00000010  0a 00                                             |..|

#include <cstddef>
#include <span>
#include <string>

namespace chronicle::cli {

// The dump of `bytes`, each line prefixed with `indent` and ended by '\n';
// empty for no bytes. Always printable ASCII.
std::string hex_dump(std::span<const std::byte> bytes, std::string_view indent);

}  // namespace chronicle::cli
