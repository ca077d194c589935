#include <chronicle/table/partition/partition_path.hpp>

#include <array>

#include <fmt/format.h>

#include <chronicle/core/errors.hpp>

namespace chronicle {
namespace {

constexpr std::size_t kNameMax = 255;   // NAME_MAX: bytes in one directory name
constexpr std::size_t kPathMax = 4096;  // PATH_MAX, counting the terminating NUL

constexpr std::string_view kEscapedForm =
    "expected bytes A-Z a-z 0-9 _ - . (no leading '.') and %XX with upper-case hex for every "
    "other byte";

// The bytes written as themselves, as a table: escaping runs over every
// value of every partition a table lists.
constexpr std::array<bool, 256> kLiteral = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  }
  return t;
}();

// '.' is refused at the start so that no component is ".", ".." or a hidden file.
bool stays_literal(unsigned char c, bool first) { return kLiteral[c] && !(first && c == '.'); }

int upper_hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error bad_escape(std::string_view escaped, std::string_view why) {
  return invalid_argument("escaped partition value \"{}\" is invalid: {}; {}",
                          escape_bytes(escaped), why, kEscapedForm);
}

std::string expected_component(const PartitionKey& key) {
  return fmt::format("{}=<escaped {} value>", key.name, key_type_name(key.type));
}

}  // namespace

std::string escape_partition_value(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::size_t size = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    size += stays_literal(static_cast<unsigned char>(text[i]), i == 0) ? 1 : 3;
  }
  std::string out(size, '\0');
  char* p = out.data();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (stays_literal(c, i == 0)) {
      *p++ = static_cast<char>(c);
    } else {
      *p++ = '%';
      *p++ = kHex[c >> 4];
      *p++ = kHex[c & 0xF];
    }
  }
  return out;
}

// Accepts only what escape_partition_value writes, so each value has exactly
// one directory name: "%41" (for "A") or "%2E%2E" (for "..", written "%2E.")
// would otherwise name a second directory for the same partition.
Result<std::string> unescape_partition_value(std::string_view escaped) {
  std::string out;
  out.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const auto c = static_cast<unsigned char>(escaped[i]);
    const bool first = out.empty();
    if (c != '%') {
      if (!stays_literal(c, first)) {
        return bad_escape(escaped, c == '.' ? std::string("a leading '.' must be written %2E")
                                            : fmt::format("byte 0x{:02X} at offset {} must be "
                                                          "written %{:02X}",
                                                          c, i, c));
      }
      out.push_back(static_cast<char>(c));
      continue;
    }
    const int hi = i + 1 < escaped.size() ? upper_hex_digit(escaped[i + 1]) : -1;
    const int lo = i + 2 < escaped.size() ? upper_hex_digit(escaped[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return bad_escape(escaped, fmt::format("'%' at offset {} is not followed by two upper-case "
                                             "hex digits",
                                             i));
    }
    const auto decoded = static_cast<unsigned char>(hi * 16 + lo);
    if (stays_literal(decoded, first)) {
      return bad_escape(escaped, fmt::format("%{:02X} at offset {} must be written as the byte "
                                             "itself",
                                             decoded, i));
    }
    out.push_back(static_cast<char>(decoded));
    i += 2;
  }
  return out;
}

Result<std::string> partition_path(const PartitionScheme& scheme, const PartitionValues& values) {
  if (values.size() != scheme.size()) {
    return invalid_argument("partition values have {} keys: expected the scheme's {}",
                            values.size(), scheme.size());
  }
  std::string path;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const PartitionKey& key = scheme.keys()[i];
    const PartitionValue& value = values[i];
    if (value.type() != key.type) {
      return invalid_argument("partition key \"{}\" got a {} value: expected a value of type {}",
                              key.name, key_type_name(value.type()), key_type_name(key.type));
    }
    std::string text = value.to_string();
    // A date-like value built directly from a count may lie outside years
    // 0001-9999; its text would not parse back, so it gets no directory.
    if (value.type() != KeyType::String) {
      auto back = PartitionValue::parse(key.type, text);
      if (!back) {
        return invalid_argument("partition key \"{}\": {}", key.name, back.error().message());
      }
      if (*back != value) {
        return invalid_argument("partition key \"{}\": {} value \"{}\" does not round-trip",
                                key.name, key_type_name(key.type), escape_bytes(text));
      }
    }
    const std::string escaped = escape_partition_value(text);
    const std::size_t name_size = key.name.size() + 1 + escaped.size();
    if (name_size > kNameMax) {
      return invalid_argument(
          "partition key \"{}\": escaped value \"{}\" makes a directory name of {} bytes: "
          "expected at most {} (NAME_MAX)",
          key.name, escaped, name_size, kNameMax);
    }
    if (i > 0) path += '/';
    path += key.name;
    path += '=';
    path += escaped;
  }
  // Unreachable with at most 16 keys of at most 255 bytes, but the limit is
  // part of the contract, so it does not depend on that arithmetic.
  if (path.size() >= kPathMax) {
    return invalid_argument("partition path is {} bytes: expected less than {} (PATH_MAX)",
                            path.size(), kPathMax);
  }
  return path;
}

Result<PartitionValue> parse_partition_component(const PartitionScheme& scheme, std::size_t i,
                                                 std::string_view component) {
  if (i >= scheme.size()) {
    return invalid_argument("partition key index {} is out of range: expected less than {}", i,
                            scheme.size());
  }
  const PartitionKey& key = scheme.keys()[i];
  const auto fail = [&](std::string_view why) -> Error {
    return invalid_argument("partition directory name \"{}\" is invalid: {}; expected {}",
                            escape_bytes(component), why, expected_component(key));
  };
  if (component.empty()) return fail("it is empty");
  if (component == "." || component == "..") return fail("it is a relative link");
  if (component.size() > kNameMax) return fail("it is longer than 255 bytes (NAME_MAX)");
  if (component.size() <= key.name.size() || component.substr(0, key.name.size()) != key.name ||
      component[key.name.size()] != '=') {
    return fail(fmt::format("it does not start with \"{}=\"", key.name));
  }
  auto text = unescape_partition_value(component.substr(key.name.size() + 1));
  if (!text) return fail(text.error().message());
  auto value = PartitionValue::parse(key.type, *text);
  if (!value) return fail(value.error().message());
  return value;
}

Result<PartitionValues> parse_partition_path(const PartitionScheme& scheme,
                                             std::string_view relative_path) {
  const auto fail = [&](std::string_view why) -> Error {
    return invalid_argument("partition path \"{}\" is invalid: {}", escape_bytes(relative_path),
                            why);
  };
  if (relative_path.size() >= kPathMax) return fail("it is not shorter than 4096 bytes (PATH_MAX)");
  std::vector<std::string_view> components;
  if (!relative_path.empty() || scheme.size() != 0) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t slash = relative_path.find('/', start);
      const std::size_t end = slash == std::string_view::npos ? relative_path.size() : slash;
      components.push_back(relative_path.substr(start, end - start));
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
  }
  for (std::string_view c : components) {
    if (c.empty()) return fail("it has an empty component (a leading, trailing or doubled '/')");
  }
  if (components.size() != scheme.size()) {
    return fail(fmt::format("it has {} components: expected {}, one per key of the scheme",
                            components.size(), scheme.size()));
  }
  std::vector<std::pair<std::string, PartitionValue>> values;
  values.reserve(components.size());
  for (std::size_t i = 0; i < components.size(); ++i) {
    auto value = parse_partition_component(scheme, i, components[i]);
    if (!value) return fail(value.error().message());
    values.emplace_back(scheme.keys()[i].name, std::move(*value));
  }
  return PartitionValues::create(scheme, std::move(values));
}

}  // namespace chronicle
