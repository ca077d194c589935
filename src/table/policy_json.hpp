#pragma once
// CompressionPolicy <-> JSON objects, shared by CompressionPolicy::to_json /
// from_json and by _table.json.

#include <string>

#include <nlohmann/json.hpp>

#include <chronicle/core/error.hpp>
#include <chronicle/table/compression_policy.hpp>

namespace chronicle::detail {

Result<nlohmann::json> policy_to_json(const CompressionPolicy& policy);
// `where` is the JSON path of the object, for messages.
Result<CompressionPolicy> policy_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace chronicle::detail
