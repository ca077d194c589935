#pragma once
// File names inside a log directory:
//   NNNNNNNNN.q        hot segment (id as at least 9 zero-padded decimal digits)
//   NNNNNNNNN.q.zst    cold segment (seekable zstd, written by the compression layer)
//   NNNNNNNNN.q.prep   a segment being prepared; never read, removed on open
//   .lock              the writer lock
//
// Thread safety: pure functions, safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace chronicle {

enum class SegmentTier : std::uint8_t { Hot, Cold };

inline constexpr std::string_view kHotSuffix = ".q";
inline constexpr std::string_view kColdSuffix = ".q.zst";
inline constexpr std::string_view kPrepSuffix = ".q.prep";
// Ids are limited so that a name stays short and arithmetic on ids never wraps.
inline constexpr std::uint64_t kMaxSegmentId = 999'999'999'999ull;

inline std::string segment_file_name(std::uint64_t id, SegmentTier tier = SegmentTier::Hot) {
  return fmt::format("{:09}{}", id, tier == SegmentTier::Hot ? kHotSuffix : kColdSuffix);
}

inline std::string segment_path(std::string_view dir, std::uint64_t id,
                                SegmentTier tier = SegmentTier::Hot) {
  return fmt::format("{}/{}", dir, segment_file_name(id, tier));
}

struct ParsedSegmentName {
  std::uint64_t id;
  // kHotSuffix, kColdSuffix or kPrepSuffix itself (never a view into the
  // parsed name, so it outlives a temporary argument).
  std::string_view suffix;
};

// Parses "NNNNNNNNN<suffix>" with at least 9 digits and one of the known
// suffixes; anything else (including "..", hidden files, temp names of other
// tools) is not a segment name.
inline std::optional<ParsedSegmentName> parse_segment_file_name(std::string_view name) {
  std::size_t digits = 0;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
  if (digits < 9 || digits > 12) return std::nullopt;
  std::string_view suffix;
  for (std::string_view known : {kHotSuffix, kColdSuffix, kPrepSuffix}) {
    if (name.substr(digits) == known) suffix = known;
  }
  if (suffix.empty()) return std::nullopt;
  std::uint64_t id = 0;
  for (std::size_t i = 0; i < digits; ++i) id = id * 10 + static_cast<std::uint64_t>(name[i] - '0');
  if (id > kMaxSegmentId) return std::nullopt;
  if (digits > 9 && name[0] == '0') return std::nullopt;  // one spelling per id
  return ParsedSegmentName{id, suffix};
}

}  // namespace chronicle
