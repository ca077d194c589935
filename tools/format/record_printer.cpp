#include "format/record_printer.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "format/hex_dump.hpp"
#include "format/payload_preview.hpp"
#include "format/safe_text.hpp"
#include "format/time_format.hpp"

namespace chronicle::cli {

std::optional<RecordFormat> parse_record_format(std::string_view name) {
  if (name == "text") return RecordFormat::Text;
  if (name == "json") return RecordFormat::Json;
  if (name == "csv") return RecordFormat::Csv;
  if (name == "hex") return RecordFormat::Hex;
  return std::nullopt;
}

void RecordPrinter::begin() const {
  if (format_ != RecordFormat::Csv) return;
  fmt::print("{}seq,timestamp_ns,time,type_id,flags,length,payload_hex\n",
             with_partition_ ? "partition," : "");
}

void RecordPrinter::print(const RecordView& r, std::string_view partition) const {
  const std::string prefix = with_partition_ ? std::string(partition) + " " : std::string();
  switch (format_) {
    case RecordFormat::Text:
      fmt::print("{}{} {} type={} len={} {}\n", prefix, r.seq, format_iso8601_ns(r.timestamp_ns),
                 r.type_id, r.payload.size(), payload_preview(r.payload, preview_bytes_));
      return;
    case RecordFormat::Hex:
      fmt::print("{}{} {} type={} len={}\n{}", prefix, r.seq, format_iso8601_ns(r.timestamp_ns),
                 r.type_id, r.payload.size(), hex_dump(r.payload, "  "));
      return;
    case RecordFormat::Csv:
      fmt::print("{}{},{},{},{},{},{},{}\n",
                 with_partition_ ? std::string(partition) + "," : std::string(), r.seq,
                 r.timestamp_ns, format_iso8601_ns(r.timestamp_ns), r.type_id, r.flags,
                 r.payload.size(), to_hex(r.payload));
      return;
    case RecordFormat::Json: {
      nlohmann::ordered_json j;
      if (with_partition_) j["partition"] = partition;
      j["seq"] = r.seq;
      j["timestamp_ns"] = r.timestamp_ns;
      j["time"] = format_iso8601_ns(r.timestamp_ns);
      j["type_id"] = r.type_id;
      j["flags"] = r.flags;
      j["length"] = r.payload.size();
      j["payload_hex"] = to_hex(r.payload);
      fmt::print("{}\n", j.dump());
      return;
    }
  }
}

}  // namespace chronicle::cli
