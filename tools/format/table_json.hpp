#pragma once
// JSON pieces shared by `ls` and `stats`: every string in them is printable
// ASCII (escaped), so dump() cannot meet bad UTF-8.

#include <optional>

#include <nlohmann/json.hpp>

#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/partition/partition_values.hpp>
#include <chronicle/table/segment_info.hpp>

#include "inspect/table_summary.hpp"

namespace chronicle::cli {

using Json = nlohmann::ordered_json;

Json optional_json(const std::optional<std::uint64_t>& v);
Json optional_json(const std::optional<double>& v);

// {"key": value, ...}: ints as numbers, strings escaped, dates, hours and
// minutes in their text form.
Json values_json(const PartitionScheme& scheme, const PartitionValues& values);

// The counts, bytes, records, ratio and time range of `t`.
void add_totals_json(Json& j, const SegmentTotals& t);

Json segment_json(const SegmentInfo& s);

}  // namespace chronicle::cli
