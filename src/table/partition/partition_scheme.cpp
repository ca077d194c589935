#include <chronicle/table/partition/partition_scheme.hpp>

#include <fmt/format.h>

#include <chronicle/core/errors.hpp>

namespace chronicle {
namespace {

constexpr std::size_t kMaxKeys = 16;
constexpr std::size_t kMaxKeyNameBytes = 64;
constexpr std::int32_t kMaxOffsetMinutes = 23 * 60 + 59;

bool is_date_like(KeyType type) {
  return type == KeyType::Date || type == KeyType::Hour || type == KeyType::Minute;
}

// Key names become the `name=` prefix of directory names and appear in
// _table.json and filters, so they are kept to one safe, unambiguous alphabet.
bool is_valid_key_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxKeyNameBytes) return false;
  if (name[0] >= '0' && name[0] <= '9') return false;
  for (char c : name) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status validate_key(const PartitionKey& key) {
  if (!is_valid_key_name(key.name)) {
    return invalid_argument(
        "partition key name \"{}\" is invalid: expected 1 to {} bytes of [A-Za-z0-9_], not "
        "starting with a digit",
        escape_bytes(key.name), kMaxKeyNameBytes);
  }
  if (static_cast<unsigned>(key.type) > static_cast<unsigned>(KeyType::Minute)) {
    return invalid_argument(
        "partition key \"{}\" has type {}: expected string, int, date, hour or minute", key.name,
        static_cast<unsigned>(key.type));
  }
  if (key.utc_offset_minutes != 0 && !is_date_like(key.type)) {
    return invalid_argument(
        "partition key \"{}\" is a {} key with UTC offset {} minutes: expected an offset only on "
        "date, hour and minute keys",
        key.name, key_type_name(key.type), key.utc_offset_minutes);
  }
  if (key.utc_offset_minutes < -kMaxOffsetMinutes || key.utc_offset_minutes > kMaxOffsetMinutes) {
    return invalid_argument(
        "partition key \"{}\" has UTC offset {} minutes: expected -1439 to 1439 (within a day)",
        key.name, key.utc_offset_minutes);
  }
  return {};
}

}  // namespace

Result<PartitionScheme> PartitionScheme::create(std::vector<PartitionKey> keys) {
  if (keys.empty() || keys.size() > kMaxKeys) {
    return invalid_argument("partition scheme has {} keys: expected 1 to {}", keys.size(),
                            kMaxKeys);
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (auto ok = validate_key(keys[i]); !ok) return ok.error();
    for (std::size_t j = 0; j < i; ++j) {
      if (keys[j].name == keys[i].name) {
        return invalid_argument("partition key name \"{}\" appears twice: expected unique names",
                                keys[i].name);
      }
    }
  }
  return PartitionScheme(std::move(keys));
}

std::optional<std::size_t> PartitionScheme::index_of(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].name == name) return i;
  }
  return std::nullopt;
}

Result<std::int32_t> PartitionScheme::parse_utc_offset(std::string_view text) {
  const auto digit = [&text](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() == 6 && (text[0] == '+' || text[0] == '-') && digit(1) && digit(2) &&
      text[3] == ':' && digit(4) && digit(5)) {
    const int hours = (text[1] - '0') * 10 + (text[2] - '0');
    const int minutes = (text[4] - '0') * 10 + (text[5] - '0');
    if (hours <= 23 && minutes <= 59) {
      const std::int32_t total = hours * 60 + minutes;
      return text[0] == '-' ? -total : total;
    }
  }
  return invalid_argument(
      "UTC offset \"{}\" is invalid: expected +HH:MM or -HH:MM (HH 00-23, MM 00-59; +00:00 for "
      "UTC)",
      escape_bytes(text));
}

std::string PartitionScheme::format_utc_offset(std::int32_t minutes) {
  // Widened first so that INT32_MIN has a magnitude.
  const std::int64_t m = minutes;
  const std::int64_t magnitude = m < 0 ? -m : m;
  return fmt::format("{}{:02d}:{:02d}", m < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
}

}  // namespace chronicle
