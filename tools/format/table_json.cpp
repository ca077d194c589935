#include "format/table_json.hpp"

#include <chronicle/core/errors.hpp>

#include "format/time_format.hpp"

namespace chronicle::cli {

Json optional_json(const std::optional<std::uint64_t>& v) { return v ? Json(*v) : Json(nullptr); }

Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json values_json(const PartitionScheme& scheme, const PartitionValues& values) {
  Json j = Json::object();
  for (std::size_t i = 0; i < scheme.size() && i < values.size(); ++i) {
    const PartitionValue& v = values[i];
    j[escape_bytes(scheme.keys()[i].name)] =
        v.type() == KeyType::Int ? Json(v.as_int()) : Json(escape_bytes(v.to_string()));
  }
  return j;
}

void add_totals_json(Json& j, const SegmentTotals& t) {
  j["segment_count"] = t.segments;
  j["hot_segments"] = t.hot;
  j["cold_segments"] = t.cold;
  j["bytes_on_disk"] = t.bytes_on_disk;
  j["hot_bytes"] = t.hot_bytes;
  j["cold_bytes"] = t.cold_bytes;
  j["index_bytes"] = t.index_bytes;
  j["cold_used_bytes"] = t.cold_used_bytes;
  j["compression_ratio"] = optional_json(t.compression_ratio());
  j["record_count"] = t.records;
  j["min_timestamp_ns"] = optional_json(t.min_timestamp_ns);
  j["max_timestamp_ns"] = optional_json(t.max_timestamp_ns);
  j["min_time"] = t.min_timestamp_ns ? Json(format_iso8601_ns(*t.min_timestamp_ns)) : Json(nullptr);
  j["max_time"] = t.max_timestamp_ns ? Json(format_iso8601_ns(*t.max_timestamp_ns)) : Json(nullptr);
}

Json segment_json(const SegmentInfo& s) {
  Json j;
  const bool any = s.record_count > 0;
  j["id"] = s.segment_id;
  j["file"] = escape_bytes(s.path.substr(s.path.rfind('/') + 1));
  j["tier"] = s.tier == SegmentTier::Hot ? "hot" : "cold";
  j["state"] = s.sealed ? "sealed" : "live";
  j["size_on_disk"] = s.size_on_disk;
  j["used_bytes"] = s.used_bytes;
  j["record_count"] = s.record_count;
  j["min_timestamp_ns"] = any ? Json(s.min_timestamp_ns) : Json(nullptr);
  j["max_timestamp_ns"] = any ? Json(s.max_timestamp_ns) : Json(nullptr);
  j["min_time"] = any ? Json(format_iso8601_ns(s.min_timestamp_ns)) : Json(nullptr);
  j["max_time"] = any ? Json(format_iso8601_ns(s.max_timestamp_ns)) : Json(nullptr);
  return j;
}

}  // namespace chronicle::cli
