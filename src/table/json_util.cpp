#include "json_util.hpp"

#include <set>
#include <vector>

#include <chronicle/core/errors.hpp>

namespace chronicle::detail {

namespace {
Error field_error(const std::string& where, const char* key, std::string_view expected,
                  const nlohmann::json* found) {
  return invalid_argument("{}{}{}: expected {}, found {}", where, where.empty() ? "" : ".", key,
                          expected,
                          found ? escape_bytes(found->dump(-1, ' ', true).substr(0, 80))
                                : std::string("nothing (missing)"));
}
}  // namespace

Result<nlohmann::json> parse_json_strict(std::string_view text, const std::string& source) {
  if (text.size() > kMaxJsonBytes) {
    return Error(Errc::Corruption, fmt::format("{}: JSON of {} bytes exceeds the {}-byte limit",
                                               escape_bytes(source), text.size(), kMaxJsonBytes));
  }
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
    return corruption(source, 0, "JSON starts with a UTF-8 byte order mark, which is not allowed");
  }
  // nlohmann_json stops at a NUL byte as if the input ended there, so valid
  // JSON followed by NULs (a file extended by a crash) would pass. JSON text
  // never holds a raw NUL.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return corruption(source, nul, "NUL byte in JSON text");
  }
  // The callback sees every key as it is parsed: refuse duplicates (which
  // nlohmann_json would silently resolve) and nesting beyond the cap.
  std::vector<std::set<std::string>> keys;
  std::string problem;
  auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (depth > kMaxJsonDepth && problem.empty()) {
      problem = fmt::format("JSON nests deeper than {} levels", kMaxJsonDepth);
    }
    if (event == E::object_start) keys.emplace_back();
    if (event == E::object_end && !keys.empty()) keys.pop_back();
    if (event == E::key && !keys.empty()) {
      const std::string k = parsed.get<std::string>();
      if (!keys.back().insert(k).second && problem.empty()) {
        problem = fmt::format("duplicate key \"{}\"", escape_bytes(k));
      }
    }
    return problem.empty();
  };
  try {
    nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), callback, true, false);
    if (!problem.empty()) return Error(Errc::Corruption, escape_bytes(source) + ": " + problem);
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    if (!problem.empty()) return Error(Errc::Corruption, escape_bytes(source) + ": " + problem);
    return corruption(source, e.byte, "invalid JSON: {}", escape_bytes(e.what()));
  } catch (const std::exception& e) {
    return Error(Errc::Corruption,
                 fmt::format("{}: invalid JSON: {}", escape_bytes(source), escape_bytes(e.what())));
  }
}

Result<std::uint64_t> get_uint(const nlohmann::json& obj, const char* key, const std::string& where,
                               std::uint64_t min, std::uint64_t max) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_unsigned()) {
    return field_error(where, key, fmt::format("an integer in {}..{}", min, max),
                       it == obj.end() ? nullptr : &*it);
  }
  const auto v = it->get<std::uint64_t>();
  if (v < min || v > max) {
    return field_error(where, key, fmt::format("an integer in {}..{}", min, max), &*it);
  }
  return v;
}

Result<std::int64_t> get_int(const nlohmann::json& obj, const char* key, const std::string& where,
                             std::int64_t min, std::int64_t max) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) {
    return field_error(where, key, fmt::format("an integer in {}..{}", min, max),
                       it == obj.end() ? nullptr : &*it);
  }
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    return field_error(where, key, fmt::format("an integer in {}..{}", min, max), &*it);
  }
  const auto v = it->get<std::int64_t>();
  if (v < min || v > max) {
    return field_error(where, key, fmt::format("an integer in {}..{}", min, max), &*it);
  }
  return v;
}

Result<bool> get_bool(const nlohmann::json& obj, const char* key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_boolean()) {
    return field_error(where, key, "true or false", it == obj.end() ? nullptr : &*it);
  }
  return it->get<bool>();
}

Result<std::string> get_string(const nlohmann::json& obj, const char* key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) {
    return field_error(where, key, "a string", it == obj.end() ? nullptr : &*it);
  }
  return it->get<std::string>();
}

Result<const nlohmann::json*> get_object(const nlohmann::json& obj, const char* key,
                                         const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_object()) {
    return field_error(where, key, "an object", it == obj.end() ? nullptr : &*it);
  }
  return &*it;
}

Result<const nlohmann::json*> get_array(const nlohmann::json& obj, const char* key,
                                        const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) {
    return field_error(where, key, "an array", it == obj.end() ? nullptr : &*it);
  }
  return &*it;
}

}  // namespace chronicle::detail
