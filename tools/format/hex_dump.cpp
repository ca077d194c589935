#include "format/hex_dump.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace chronicle::cli {

std::string hex_dump(std::span<const std::byte> bytes, std::string_view indent) {
  static constexpr char kDigits[] = "0123456789abcdef";
  constexpr std::size_t kPerLine = 16;
  std::string out;
  for (std::size_t line = 0; line < bytes.size(); line += kPerLine) {
    const auto chunk = bytes.subspan(line, std::min(kPerLine, bytes.size() - line));
    out += indent;
    out += fmt::format("{:08x} ", line);
    for (std::size_t i = 0; i < kPerLine; ++i) {
      if (i % 8 == 0) out.push_back(' ');
      if (i < chunk.size()) {
        const auto v = static_cast<unsigned>(chunk[i]);
        out.push_back(kDigits[v >> 4]);
        out.push_back(kDigits[v & 0xf]);
        out.push_back(' ');
      } else {
        out += "   ";
      }
    }
    out += " |";
    for (const std::byte b : chunk) {
      const auto c = static_cast<unsigned>(b);
      out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
    }
    out += "|\n";
  }
  return out;
}

}  // namespace chronicle::cli
