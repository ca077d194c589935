#include "table_metadata.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chronicle/core/errors.hpp>
#include <chronicle/core/temp_name.hpp>

#include "json_util.hpp"
#include "policy_json.hpp"

namespace chronicle::detail {

namespace {
constexpr const char* kFormat = "chronicle-table";
constexpr std::uint32_t kVersion = 1;

std::string mode_string(mode_t m) { return fmt::format("{:04o}", static_cast<unsigned>(m)); }

Result<mode_t> parse_mode(const nlohmann::json& obj, const char* key, const std::string& where) {
  auto text = get_string(obj, key, where);
  if (!text) return std::move(text).error();
  if (text->size() != 4 || text->find_first_not_of("01234567") != std::string::npos) {
    return invalid_argument("{}.{}: expected an octal mode like \"0644\", found \"{}\"", where, key,
                            escape_bytes(*text));
  }
  return static_cast<mode_t>(std::stoul(*text, nullptr, 8));
}

std::string metadata_path(const std::string& root) { return root + "/_table.json"; }

// Prefixes a field error with the file it came from, as Corruption.
Error in_file(const std::string& path, Error e) {
  return Error(Errc::Corruption, escape_bytes(path) + ": " + e.message());
}
}  // namespace

std::string serialize_table_metadata(const TableMetadata& meta) {
  nlohmann::json keys = nlohmann::json::array();
  for (const PartitionKey& k : meta.scheme.keys()) {
    nlohmann::json key = {{"name", k.name}, {"type", std::string(key_type_name(k.type))}};
    if (k.type == KeyType::Date || k.type == KeyType::Hour || k.type == KeyType::Minute) {
      key["utc_offset"] = PartitionScheme::format_utc_offset(k.utc_offset_minutes);
    }
    keys.push_back(std::move(key));
  }
  const TableConfig& c = meta.config;
  nlohmann::json config = {
      {"segment_size", c.segment_size},
      {"index_stride", c.index_stride},
      {"validate_partition_order", c.validate_partition_order},
      {"timestamp_order", std::string(timestamp_order_name(c.timestamp_order))},
      {"compression_policy", *policy_to_json(c.compression_policy)},
      {"compression_level", c.compression_level},
      {"compression_block_size", c.compression_block_size},
      {"track_access", c.track_access},
      {"sync_on_seal", c.sync_on_seal},
      {"file_mode", mode_string(c.file_mode)},
      {"dir_mode", mode_string(c.dir_mode)},
  };
  nlohmann::json j = {{"format", kFormat},
                      {"format_version", kVersion},
                      {"created_ns", meta.created_ns},
                      {"scheme", {{"keys", std::move(keys)}}},
                      {"config", std::move(config)}};
  return j.dump(2) + "\n";
}

Result<TableMetadata> parse_table_metadata(std::string_view text, const std::string& path) {
  auto parsed = parse_json_strict(text, path);
  if (!parsed) return std::move(parsed).error();
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) return corruption(path, 0, "expected a JSON object");
  auto format = get_string(j, "format", "");
  if (!format) return in_file(path, std::move(format).error());
  if (*format != kFormat) {
    return Error(Errc::Corruption, fmt::format("{}: format is \"{}\": expected \"{}\"",
                                               escape_bytes(path), escape_bytes(*format), kFormat));
  }
  auto version = get_uint(j, "format_version", "", 1, UINT32_MAX);
  if (!version) return in_file(path, std::move(version).error());
  if (*version > kVersion) {
    return file_error(Errc::Unsupported, path,
                      "table format_version {} was written by a newer version of chronicle (this "
                      "build reads version {})",
                      *version, kVersion);
  }
  TableMetadata meta;
  auto created = get_uint(j, "created_ns", "", 0, UINT64_MAX);
  if (!created) return in_file(path, std::move(created).error());
  meta.created_ns = *created;

  auto scheme = get_object(j, "scheme", "");
  if (!scheme) return in_file(path, std::move(scheme).error());
  auto keys = get_array(**scheme, "keys", "scheme");
  if (!keys) return in_file(path, std::move(keys).error());
  std::vector<PartitionKey> parsed_keys;
  for (std::size_t i = 0; i < (*keys)->size(); ++i) {
    const nlohmann::json& k = (**keys)[i];
    const std::string where = fmt::format("scheme.keys[{}]", i);
    if (!k.is_object()) return in_file(path, invalid_argument("{}: expected an object", where));
    auto name = get_string(k, "name", where);
    if (!name) return in_file(path, std::move(name).error());
    auto type_name = get_string(k, "type", where);
    if (!type_name) return in_file(path, std::move(type_name).error());
    auto type = parse_key_type(*type_name);
    if (!type) return in_file(path, invalid_argument("{}.type: {}", where, type.error().message()));
    PartitionKey key{*name, *type, 0};
    if (k.contains("utc_offset")) {
      auto offset_text = get_string(k, "utc_offset", where);
      if (!offset_text) return in_file(path, std::move(offset_text).error());
      auto offset = PartitionScheme::parse_utc_offset(*offset_text);
      if (!offset) return in_file(path, invalid_argument("{}.utc_offset: {}", where, offset.error().message()));
      key.utc_offset_minutes = *offset;
    }
    parsed_keys.push_back(std::move(key));
  }
  auto made = PartitionScheme::create(std::move(parsed_keys));
  if (!made) return in_file(path, invalid_argument("scheme: {}", made.error().message()));
  meta.scheme = std::move(*made);

  auto cfg = get_object(j, "config", "");
  if (!cfg) return in_file(path, std::move(cfg).error());
  const nlohmann::json& c = **cfg;
  TableConfig& config = meta.config;
  const std::string w = "config";
  auto fail = [&](Error e) { return in_file(path, std::move(e)); };
  if (auto v = get_uint(c, "segment_size", w, 0, UINT64_MAX); v) config.segment_size = *v; else return fail(v.error());
  if (auto v = get_uint(c, "index_stride", w, 1, UINT32_MAX); v) config.index_stride = static_cast<std::uint32_t>(*v); else return fail(v.error());
  if (auto v = get_bool(c, "validate_partition_order", w); v) config.validate_partition_order = *v; else return fail(v.error());
  if (auto v = get_string(c, "timestamp_order", w); v) {
    if (*v == "strict") config.timestamp_order = TimestampOrder::Strict;
    else if (*v == "permissive") config.timestamp_order = TimestampOrder::Permissive;
    else return fail(invalid_argument("config.timestamp_order: expected \"strict\" or \"permissive\", found \"{}\"", escape_bytes(*v)));
  } else {
    return fail(v.error());
  }
  if (auto p = get_object(c, "compression_policy", w); p) {
    auto policy = policy_from_json(**p, "config.compression_policy");
    if (!policy) return fail(std::move(policy).error());
    config.compression_policy = std::move(*policy);
  } else {
    return fail(p.error());
  }
  if (auto v = get_int(c, "compression_level", w, -1'000'000, 1'000); v) config.compression_level = static_cast<int>(*v); else return fail(v.error());
  if (auto v = get_uint(c, "compression_block_size", w, 0, UINT64_MAX); v) config.compression_block_size = *v; else return fail(v.error());
  if (auto v = get_bool(c, "track_access", w); v) config.track_access = *v; else return fail(v.error());
  if (auto v = get_bool(c, "sync_on_seal", w); v) config.sync_on_seal = *v; else return fail(v.error());
  if (auto v = parse_mode(c, "file_mode", w); v) config.file_mode = *v; else return fail(v.error());
  if (auto v = parse_mode(c, "dir_mode", w); v) config.dir_mode = *v; else return fail(v.error());
  if (auto ok = config.validate(); !ok) return fail(invalid_argument("config: {}", ok.error().message()));
  return meta;
}

Result<TableMetadata> read_table_metadata(FileSystem& fs, const std::string& root) {
  const std::string path = metadata_path(root);
  auto fd = fs.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (!fd) {
    if (fd.error().code() == Errc::NotFound) {
      return file_error(Errc::NotFound, root, "is not a chronicle table: no _table.json");
    }
    return std::move(fd).error();
  }
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", path, errno);
  if (!S_ISREG(st.st_mode)) return file_error(Errc::Corruption, path, "is not a regular file");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > kMaxJsonBytes) {
    return file_error(Errc::Corruption, path, "is {} bytes: metadata is limited to {} bytes", size,
                      kMaxJsonBytes);
  }
  std::string text(size, '\0');
  if (auto r = fs.pread_exact(fd->get(), path, text.data(), size, 0); !r) return std::move(r).error();
  return parse_table_metadata(text, path);
}

Status write_table_metadata(FileSystem& fs, const std::string& root, const TableMetadata& meta,
                            mode_t mode, bool replace) {
  const std::string path = metadata_path(root);
  const std::string text = serialize_table_metadata(meta);
  const std::string tmp = temp_path_for(path);
  auto fd = fs.open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  if (!fd) return std::move(fd).error();
  Status st = fs.pwrite_all(fd->get(), tmp, text.data(), text.size(), 0);
  if (st) st = fs.fsync(fd->get(), tmp);
  fd->reset();
  if (st) st = replace ? fs.rename_replace(tmp, path) : fs.rename_noreplace(tmp, path);
  if (!st) {
    (void)fs.unlink(tmp);
    return st;
  }
  return fs.sync_dir(root);
}

}  // namespace chronicle::detail
