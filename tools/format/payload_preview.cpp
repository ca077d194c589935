#include "format/payload_preview.hpp"

#include <algorithm>
#include <string_view>

#include <chronicle/core/errors.hpp>

#include "format/safe_text.hpp"

namespace chronicle::cli {
namespace {

bool is_printable(std::byte b) {
  const auto c = static_cast<unsigned>(b);
  return c >= 0x20 && c < 0x7f;
}

// Text when at least three quarters of the bytes are printable ASCII: a
// message with a newline or an escape sequence in it still reads as text,
// with those bytes escaped; binary data reads as hex.
bool looks_like_text(std::span<const std::byte> bytes) {
  const auto printable = std::count_if(bytes.begin(), bytes.end(), is_printable);
  return static_cast<std::size_t>(printable) * 4 >= bytes.size() * 3;
}

std::string quoted(std::span<const std::byte> bytes) {
  const std::string_view raw(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::string out = "\"";
  for (const char c : escape_bytes(raw)) {
    // escape_bytes leaves the double quote alone; escape it too so that the
    // preview's own quotes delimit it unambiguously.
    if (c == '"') {
      out += "\\x22";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string payload_preview(std::span<const std::byte> payload, std::size_t max_bytes) {
  const auto shown = payload.first(std::min(payload.size(), max_bytes));
  std::string out = looks_like_text(shown) ? quoted(shown) : "hex:" + to_hex(shown);
  if (shown.size() < payload.size()) out += "...";
  return out;
}

}  // namespace chronicle::cli
