// v1 `_table/metadata.json` and partition values, mapped to chronicle's
// scheme and values (see v1_table.hpp).
#include <initializer_list>
#include <string_view>

#include <chronicle/core/errors.hpp>
#include <chronicle/ipc/v1/v1_table.hpp>

#include "../../table/json_util.hpp"

namespace chronicle::ipc::v1 {

namespace {

using chronicle::detail::get_array;
using chronicle::detail::get_object;
using chronicle::detail::get_string;
using chronicle::detail::get_uint;

constexpr std::uint64_t kV1TableVersion = 1;

// A field error from json_util, as Corruption of the file.
Error in_file(const std::string& path, const Error& e) {
  return Error(Errc::Corruption, escape_bytes(path) + ": " + e.message());
}

// Strict: every member of `obj` must be one of `allowed`.
Status only_fields(const nlohmann::json& obj, std::initializer_list<std::string_view> allowed,
                   const std::string& where, const std::string& path) {
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) {
      return file_error(Errc::Unsupported, path,
                        "{}{}\"{}\": a field this reader does not know (it could change what "
                        "the data means)",
                        where, where.empty() ? "" : ".", escape_bytes(key));
    }
  }
  return {};
}

Result<PartitionKey> parse_key(const nlohmann::json& k, const std::string& where,
                               const std::string& path) {
  if (!k.is_object()) return file_error(Errc::Corruption, path, "{}: expected an object", where);
  auto type = get_string(k, "type", where);
  if (!type) return in_file(path, type.error());
  auto name = get_string(k, "name", where);
  if (!name) return in_file(path, name.error());
  PartitionKey key;
  key.name = *name;
  if (*type == "String" || *type == "Int") {
    key.type = *type == "String" ? KeyType::String : KeyType::Int;
    if (auto st = only_fields(k, {"type", "name"}, where, path); !st) return std::move(st).error();
    return key;
  }
  if (*type == "Date") {
    key.type = KeyType::Date;
    if (auto st = only_fields(k, {"type", "name", "format", "timezone"}, where, path); !st) {
      return std::move(st).error();
    }
    if (k.contains("format")) {
      auto format = get_string(k, "format", where);
      if (!format) return in_file(path, format.error());
      if (*format != "YYYY-MM-DD") {
        return file_error(Errc::Unsupported, path, "{}.format \"{}\": only \"YYYY-MM-DD\" is known",
                          where, escape_bytes(*format));
      }
    }
  } else if (*type == "Hour" || *type == "Minute") {
    key.type = *type == "Hour" ? KeyType::Hour : KeyType::Minute;
    if (auto st = only_fields(k, {"type", "name", "timezone"}, where, path); !st) {
      return std::move(st).error();
    }
  } else {
    return file_error(Errc::Unsupported, path,
                      "{}.type \"{}\": expected String, Int, Date, Hour or Minute", where,
                      escape_bytes(*type));
  }
  if (k.contains("timezone") && !k["timezone"].is_null()) {
    auto tz = get_string(k, "timezone", where);
    if (!tz) return in_file(path, tz.error());
    auto offset = v1_timezone_offset(*tz);
    if (!offset) return file_error(Errc::Unsupported, path, "{}.timezone: {}", where, offset.error().message());
    key.utc_offset_minutes = *offset;
  }
  return key;
}

}  // namespace

Result<std::int32_t> v1_timezone_offset(std::string_view name) {
  if (name == "UTC") return 0;
  if (name == "Asia/Shanghai") return 8 * 60;
  if (name == "Asia/Tokyo") return 9 * 60;
  if (name == "America/New_York") return -5 * 60;  // v1: fixed, no daylight saving
  const auto digit = [&](std::size_t i) { return name[i] >= '0' && name[i] <= '9'; };
  if (name.size() == 5 && (name[0] == '+' || name[0] == '-') && digit(1) && digit(2) &&
      digit(3) && digit(4)) {
    const int hours = (name[1] - '0') * 10 + (name[2] - '0');
    const int minutes = (name[3] - '0') * 10 + (name[4] - '0');
    const int total = hours * 60 + minutes;  // as v1 computed it
    if (total <= 1439) return name[0] == '-' ? -total : total;
  }
  return Error(Errc::Unsupported,
               fmt::format("v1 timezone \"{}\": expected UTC, Asia/Shanghai, Asia/Tokyo, "
                           "America/New_York or +HHMM/-HHMM within a day",
                           escape_bytes(name)));
}

Result<PartitionValue> parse_v1_partition_value(KeyType type, std::string_view text) {
  std::string converted;
  switch (type) {
    case KeyType::String:
      return PartitionValue(std::string(text));
    case KeyType::Int:
    case KeyType::Date:
      return PartitionValue::parse(type, text);
    case KeyType::Hour:
      // v1 YYYY-MM-DD-HH is chronicle's YYYY-MM-DDTHH.
      if (text.size() == 13 && text[10] == '-') {
        converted = fmt::format("{}T{}", text.substr(0, 10), text.substr(11));
      }
      break;
    case KeyType::Minute:
      // v1 YYYY-MM-DD-HH-mm is chronicle's YYYY-MM-DDTHH:mm.
      if (text.size() == 16 && text[10] == '-' && text[13] == '-') {
        converted = fmt::format("{}T{}:{}", text.substr(0, 10), text.substr(11, 2), text.substr(14));
      }
      break;
  }
  if (!converted.empty()) {
    if (auto v = PartitionValue::parse(type, converted); v) return v;
  }
  return invalid_argument("v1 {} value \"{}\": expected {}", key_type_name(type), escape_bytes(text),
                          type == KeyType::Hour ? "YYYY-MM-DD-HH" : "YYYY-MM-DD-HH-mm");
}

Result<V1Metadata> parse_v1_metadata(std::string_view text, const std::string& source) {
  auto parsed = chronicle::detail::parse_json_strict(text, source);
  if (!parsed) return std::move(parsed).error();
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) return corruption(source, 0, "expected a JSON object");
  if (auto st = only_fields(j, {"version", "created_at", "scheme"}, "", source); !st) {
    return std::move(st).error();
  }
  auto version = get_uint(j, "version", "", 0, UINT64_MAX);
  if (!version) return in_file(source, version.error());
  if (*version != kV1TableVersion) {
    return file_error(Errc::Unsupported, source, "v1 table version {}: this reader knows version {}",
                      *version, kV1TableVersion);
  }
  V1Metadata meta;
  auto created = get_uint(j, "created_at", "", 0, UINT64_MAX);
  if (!created) return in_file(source, created.error());
  meta.created_ns = *created;
  auto scheme = get_object(j, "scheme", "");
  if (!scheme) return in_file(source, scheme.error());
  if (auto st = only_fields(**scheme, {"keys"}, "scheme", source); !st) return std::move(st).error();
  auto keys = get_array(**scheme, "keys", "scheme");
  if (!keys) return in_file(source, keys.error());
  std::vector<PartitionKey> mapped;
  for (std::size_t i = 0; i < (*keys)->size(); ++i) {
    auto key = parse_key((**keys)[i], fmt::format("scheme.keys[{}]", i), source);
    if (!key) return std::move(key).error();
    mapped.push_back(std::move(*key));
  }
  auto made = PartitionScheme::create(std::move(mapped));
  if (!made) {
    return file_error(Errc::Unsupported, source, "the v1 scheme has no chronicle equivalent: {}",
                      made.error().message());
  }
  meta.scheme = std::move(*made);
  return meta;
}

}  // namespace chronicle::ipc::v1
