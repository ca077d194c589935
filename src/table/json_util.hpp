#pragma once
// Strict JSON parsing for files chronicle reads (_table.json, policies): a
// size cap before parsing, a depth cap, duplicate keys refused, no BOM, and
// every failure a clear error naming the file and byte offset or JSON path.
// Exceptions from nlohmann_json stop here (STYLE §4).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <chronicle/core/error.hpp>

namespace chronicle::detail {

inline constexpr std::size_t kMaxJsonBytes = 1 << 20;
inline constexpr int kMaxJsonDepth = 32;

// Parses `text` (from `source`, a file path or "policy JSON").
Result<nlohmann::json> parse_json_strict(std::string_view text, const std::string& source);

// Typed field access: `where` is the JSON path for messages ("config.index_stride").
Result<std::uint64_t> get_uint(const nlohmann::json& obj, const char* key, const std::string& where,
                               std::uint64_t min, std::uint64_t max);
Result<std::int64_t> get_int(const nlohmann::json& obj, const char* key, const std::string& where,
                             std::int64_t min, std::int64_t max);
Result<bool> get_bool(const nlohmann::json& obj, const char* key, const std::string& where);
Result<std::string> get_string(const nlohmann::json& obj, const char* key, const std::string& where);
// The field, or an error if absent or not an object/array as asked.
Result<const nlohmann::json*> get_object(const nlohmann::json& obj, const char* key,
                                         const std::string& where);
Result<const nlohmann::json*> get_array(const nlohmann::json& obj, const char* key,
                                        const std::string& where);

}  // namespace chronicle::detail
