#pragma once
// Reads a partitioned table written by chronicle-rs 0.1 ("v1"): the scheme
// from `_table/metadata.json`, mapped to a chronicle PartitionScheme, and one
// v1 log per partition in Hive-style directories (`channel=101/date=2026-01-27/`).
//
// metadata.json: {"version": 1, "created_at": <ns>, "scheme": {"keys": [...]}}
// with keys {"type": "String"|"Int", "name": ...} or {"type": "Date",
// "name": ..., "format": "YYYY-MM-DD", "timezone": ...} and likewise "Hour"
// and "Minute" (without "format"). Parsing is strict: a missing or mistyped
// field, an unknown field, a duplicate key, or another version is an error
// naming the file and the field, because a field this reader does not
// understand could change what the data means.
//
// Mapping to chronicle: String -> string, Int -> int, Date -> date, Hour ->
// hour, Minute -> minute. A v1 timezone becomes the key's fixed UTC offset
// with v1's own meaning of each name: "UTC" 0, "Asia/Shanghai" +08:00,
// "Asia/Tokyo" +09:00, "America/New_York" -05:00 (v1 ignored daylight
// saving), "+HHMM" / "-HHMM" as written. v1 kept the timezone in the scheme
// only for information (its rollers took their own), so the directory names
// are what place a partition; they are kept as they are.
//
// Directory values are v1's raw text, not escaped: strings as written, ints
// in decimal, dates YYYY-MM-DD, hours YYYY-MM-DD-HH, minutes YYYY-MM-DD-HH-mm.
//
// Thread safety: a V1Table is an immutable handle; use it from any thread.

#include <cstdint>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/ipc/v1/v1_log_reader.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/partition/partition_values.hpp>

namespace chronicle::ipc::v1 {

inline constexpr std::string_view kV1MetadataPath = "_table/metadata.json";

struct V1Partition {
  PartitionValues values;     // in the mapped scheme
  std::string relative_path;  // as on disk, e.g. "channel=101/date=2026-01-27"
  std::string dir;            // root + "/" + relative_path
};

// A directory entry under the root that is not a partition of the scheme.
struct V1Skipped {
  std::string path;  // escaped
  bool is_directory = false;
  std::string reason;
};

class V1Table {
 public:
  // Reads and maps the metadata. Errors: NotFound without metadata.json;
  // Corruption for malformed JSON or fields (naming the field); Unsupported
  // for another version, format, timezone, or a key chronicle cannot express
  // (e.g. a name outside [A-Za-z_][A-Za-z0-9_]*).
  static Result<V1Table> open(std::string root);

  const std::string& root() const noexcept { return root_; }
  const PartitionScheme& scheme() const noexcept { return scheme_; }
  std::uint64_t created_ns() const noexcept { return created_ns_; }

  // Every partition, in PartitionValues order. A directory named for the
  // right key whose value does not parse is Corruption naming it; entries of
  // any other shape (files, symlinks, other names, `_table` at the root) go
  // to `skipped` if it is given.
  Result<std::vector<V1Partition>> partitions(std::vector<V1Skipped>* skipped = nullptr) const;

  // A reader of one partition's log.
  Result<V1LogReader> reader(const V1Partition& partition) const {
    return V1LogReader::open(partition.dir);
  }

 private:
  V1Table(std::string root, PartitionScheme scheme, std::uint64_t created_ns)
      : root_(std::move(root)), scheme_(std::move(scheme)), created_ns_(created_ns) {}

  std::string root_;
  PartitionScheme scheme_;
  std::uint64_t created_ns_ = 0;
};

// The chronicle scheme for the text of a v1 metadata.json (`source` names it
// in messages). Exposed for tests and tools.
struct V1Metadata {
  PartitionScheme scheme;
  std::uint64_t created_ns = 0;
};
Result<V1Metadata> parse_v1_metadata(std::string_view text, const std::string& source);

// The offset in minutes of a v1 timezone name (see the mapping above);
// Unsupported for any other name.
Result<std::int32_t> v1_timezone_offset(std::string_view name);

// The chronicle value of a v1 partition directory value for a key type.
Result<PartitionValue> parse_v1_partition_value(KeyType type, std::string_view text);

}  // namespace chronicle::ipc::v1
