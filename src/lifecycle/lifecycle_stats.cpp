#include <chronicle/lifecycle/lifecycle_stats.hpp>

#include <nlohmann/json.hpp>

#include <chronicle/core/errors.hpp>

#include "../table/json_util.hpp"

namespace chronicle {

void LifecycleStats::merge(const LifecycleStats& o) {
  partitions_scanned += o.partitions_scanned;
  segments_scanned += o.segments_scanned;
  eligible += o.eligible;
  retention_eligible += o.retention_eligible;
  compressed += o.compressed;
  decompressed += o.decompressed;
  deleted_segments += o.deleted_segments;
  deleted_partitions += o.deleted_partitions;
  for (const auto& [reason, n] : o.skipped) skipped[reason] += n;
  bytes_before += o.bytes_before;
  bytes_after += o.bytes_after;
  bytes_deleted += o.bytes_deleted;
  temp_files_removed += o.temp_files_removed;
  errors.insert(errors.end(), o.errors.begin(), o.errors.end());
}

std::string LifecycleStats::to_string() const {
  std::string skips;
  for (const auto& [reason, n] : skipped) skips += fmt::format(" {}={}", reason, n);
  std::string out = fmt::format(
      "{}scanned {} partitions, {} segments; eligible {} (retention {}); compressed {}, "
      "decompressed {}, "
      "deleted {} segments and {} partitions\n"
      "bytes {} -> {} ({:.1f}x){}; deleted {} bytes; skipped:{}\n"
      "{} errors, {:.3f} s\n",
      dry_run ? "[dry run] " : "", partitions_scanned, segments_scanned, eligible,
      retention_eligible, compressed,
      decompressed, deleted_segments, deleted_partitions, bytes_before, bytes_after,
      bytes_after ? static_cast<double>(bytes_before) / static_cast<double>(bytes_after) : 0.0,
      temp_files_removed ? fmt::format("; removed {} temp files", temp_files_removed) : "",
      bytes_deleted, skips.empty() ? " none" : skips, errors.size(),
      std::chrono::duration<double>(duration).count());
  for (const auto& e : errors) out += fmt::format("error: {}: {}\n", escape_bytes(e.path), e.message);
  return out;
}

std::string LifecycleStats::to_json() const {
  nlohmann::json errs = nlohmann::json::array();
  for (const auto& e : errors) errs.push_back({{"path", e.path}, {"message", e.message}});
  nlohmann::json j = {{"dry_run", dry_run},
                      {"partitions_scanned", partitions_scanned},
                      {"segments_scanned", segments_scanned},
                      {"eligible", eligible},
                      {"retention_eligible", retention_eligible},
                      {"compressed", compressed},
                      {"decompressed", decompressed},
                      {"deleted_segments", deleted_segments},
                      {"deleted_partitions", deleted_partitions},
                      {"skipped", skipped},
                      {"bytes_before", bytes_before},
                      {"bytes_after", bytes_after},
                      {"bytes_deleted", bytes_deleted},
                      {"temp_files_removed", temp_files_removed},
                      {"errors", std::move(errs)},
                      {"duration_ns", duration.count()}};
  // Paths and messages may hold arbitrary bytes: replace invalid UTF-8.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<LifecycleStats> LifecycleStats::from_json(std::string_view json) {
  auto parsed = detail::parse_json_strict(json, "lifecycle stats JSON");
  if (!parsed) return std::move(parsed).error();
  const nlohmann::json& j = *parsed;
  LifecycleStats s;
  try {
    s.dry_run = j.at("dry_run").get<bool>();
    s.partitions_scanned = j.at("partitions_scanned").get<std::uint64_t>();
    s.segments_scanned = j.at("segments_scanned").get<std::uint64_t>();
    s.eligible = j.at("eligible").get<std::uint64_t>();
    s.retention_eligible = j.at("retention_eligible").get<std::uint64_t>();
    s.compressed = j.at("compressed").get<std::uint64_t>();
    s.decompressed = j.at("decompressed").get<std::uint64_t>();
    s.deleted_segments = j.at("deleted_segments").get<std::uint64_t>();
    s.deleted_partitions = j.at("deleted_partitions").get<std::uint64_t>();
    s.skipped = j.at("skipped").get<std::map<std::string, std::uint64_t>>();
    s.bytes_before = j.at("bytes_before").get<std::uint64_t>();
    s.bytes_after = j.at("bytes_after").get<std::uint64_t>();
    s.bytes_deleted = j.at("bytes_deleted").get<std::uint64_t>();
    s.temp_files_removed = j.at("temp_files_removed").get<std::uint64_t>();
    for (const auto& e : j.at("errors")) {
      s.errors.push_back({e.at("path").get<std::string>(), e.at("message").get<std::string>()});
    }
    s.duration = std::chrono::nanoseconds(j.at("duration_ns").get<std::int64_t>());
  } catch (const std::exception& e) {
    return invalid_argument("lifecycle stats JSON: {}", escape_bytes(e.what()));
  }
  return s;
}

}  // namespace chronicle
