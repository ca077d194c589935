#pragma once
// How `chronicle cat` prints a record, in one of four formats. A table's
// records carry their partition (the escaped relative path, as `ls` shows
// it); a log's do not.
//
//   text  [partition ]seq time type=N len=N preview       (payload_preview.hpp)
//   json  {["partition",] "seq", "timestamp_ns", "time", "type_id", "flags",
//          "length", "payload_hex"}, one object a line
//   csv   [partition,]seq,timestamp_ns,time,type_id,flags,length,payload_hex
//         after a header line naming the columns; no field needs quoting
//   hex   the text line without the preview, then the whole payload as
//         hex_dump() lines indented by two spaces
//
// Every format is printable ASCII whatever the payloads.

#include <cstddef>
#include <optional>
#include <string_view>

#include <chronicle/segment/record_view.hpp>

namespace chronicle::cli {

enum class RecordFormat { Text, Json, Csv, Hex };

// "text", "json", "csv", "hex".
std::optional<RecordFormat> parse_record_format(std::string_view name);

class RecordPrinter {
 public:
  RecordPrinter(RecordFormat format, std::size_t preview_bytes, bool with_partition)
      : format_(format), preview_bytes_(preview_bytes), with_partition_(with_partition) {}

  // The csv header line; nothing for the other formats. Call once, first.
  void begin() const;
  // One record. `partition` is ignored unless the printer was made with one;
  // it must be printable ASCII without ',', '"' or spaces (an escaped
  // partition path is).
  void print(const RecordView& record, std::string_view partition = {}) const;

 private:
  RecordFormat format_;
  std::size_t preview_bytes_;
  bool with_partition_;
};

}  // namespace chronicle::cli
