#pragma once
// Where an IPC archive keeps a stream: a Table with the fixed scheme
// venue(string) / symbol(string) / date(date, UTC) / stream(string), so a
// stream lives in `root/venue=XNAS/symbol=AAPL/date=2026-01-29/stream=trades/`.
// Usable without opening anything.
//
// Names (venue, symbol, stream) become directory names, so the facade is
// strict about them: 1 to 64 bytes of A-Z a-z 0-9 '.' '_' '-', not starting
// with '.' or '-'. Dates are YYYY-MM-DD.
//
// Thread safety: ArchiveLayout and StreamId are values; const use from any
// number of threads is safe.

#include <string>
#include <string_view>

#include <chronicle/core/error.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/partition/partition_values.hpp>

namespace chronicle::ipc {

struct StreamId {
  std::string venue;
  std::string symbol;
  std::string date;  // YYYY-MM-DD
  std::string stream;
};

class ArchiveLayout {
 public:
  // The archive scheme.
  static const PartitionScheme& scheme();
  // InvalidArgument naming the field and the escaped value.
  static Status validate_name(std::string_view field, std::string_view value);
  static Result<PartitionValues> values(const StreamId& id);
  // "venue=XNAS/symbol=AAPL/date=2026-01-29/stream=trades"
  static Result<std::string> relative_path(const StreamId& id);
  static Result<std::string> path(const std::string& root, const StreamId& id);
};

}  // namespace chronicle::ipc
