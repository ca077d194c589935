#include <chronicle/ipc/archive_layout.hpp>

#include <algorithm>

#include <chronicle/core/errors.hpp>
#include <chronicle/table/partition/partition_path.hpp>

namespace chronicle::ipc {

const PartitionScheme& ArchiveLayout::scheme() {
  static const PartitionScheme s = PartitionScheme::create({{"venue", KeyType::String, 0},
                                                            {"symbol", KeyType::String, 0},
                                                            {"date", KeyType::Date, 0},
                                                            {"stream", KeyType::String, 0}})
                                       .value();
  return s;
}

Status ArchiveLayout::validate_name(std::string_view field, std::string_view value) {
  auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  };
  const bool ok = !value.empty() && value.size() <= 64 && value[0] != '.' && value[0] != '-' &&
                  std::all_of(value.begin(), value.end(), allowed);
  if (!ok) {
    return invalid_argument("{} \"{}\" is invalid: expected 1 to 64 characters of A-Z a-z 0-9 . _ - "
                            "not starting with '.' or '-'",
                            field, escape_bytes(value));
  }
  return {};
}

Result<PartitionValues> ArchiveLayout::values(const StreamId& id) {
  if (auto ok = validate_name("venue", id.venue); !ok) return std::move(ok).error();
  if (auto ok = validate_name("symbol", id.symbol); !ok) return std::move(ok).error();
  if (auto ok = validate_name("stream", id.stream); !ok) return std::move(ok).error();
  auto date = PartitionValue::parse(KeyType::Date, id.date);
  if (!date) return std::move(date).error();
  return PartitionValues::create(scheme(), {{"venue", id.venue},
                                            {"symbol", id.symbol},
                                            {"date", std::move(*date)},
                                            {"stream", id.stream}});
}

Result<std::string> ArchiveLayout::relative_path(const StreamId& id) {
  auto v = values(id);
  if (!v) return std::move(v).error();
  return partition_path(scheme(), *v);
}

Result<std::string> ArchiveLayout::path(const std::string& root, const StreamId& id) {
  auto rel = relative_path(id);
  if (!rel) return std::move(rel).error();
  return root + "/" + *rel;
}

}  // namespace chronicle::ipc
