#pragma once
// When a sealed segment should become cold. The policy is data (it is stored
// in _table.json) plus a decision function over SegmentInfo and the current
// time; the lifecycle manager applies it. It lives in the table layer because
// TableConfig carries it.
//
//   never()                     nothing is compressed
//   idle_after(days, track)     not read for `days` (track_reads = true: last
//                               read recorded by the access tracker, falling
//                               back to the seal time when never read;
//                               false: the seal (modification) time only)
//   age_after(days)             its newest record is at least `days` old (by the
//                               record timestamps; the seal time when empty):
//                               data ages by what it describes, so a backfill
//                               of old days goes cold at once
//   immediate()                 as soon as sealed
//   size_threshold(bytes)       the segment file is at least `bytes` large
//   custom(fn)                  any predicate; cannot be stored in _table.json
//
// Boundaries are inclusive: a segment sealed exactly `days` ago is eligible.
// A clock that went backwards (now before the seal time) makes no segment
// eligible by age or idleness.
//
// Thread safety: a value type; evaluating a policy is const and safe from
// any number of threads if a Custom predicate is.

#include <cstdint>
#include <functional>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/table/segment_info.hpp>

namespace chronicle {

class CompressionPolicy {
 public:
  enum class Kind : std::uint8_t { Never, IdleAfter, AgeAfter, Immediate, SizeThreshold, Custom };
  using Predicate = std::function<bool(const SegmentInfo&, std::uint64_t now_ns)>;

  static CompressionPolicy never() { return CompressionPolicy(Kind::Never); }
  static CompressionPolicy idle_after(std::uint32_t days, bool track_reads);
  static CompressionPolicy age_after(std::uint32_t days);
  static CompressionPolicy immediate() { return CompressionPolicy(Kind::Immediate); }
  static CompressionPolicy size_threshold(std::uint64_t bytes);
  static CompressionPolicy custom(Predicate predicate, std::string name = "custom");

  Kind kind() const noexcept { return kind_; }
  std::uint32_t days() const noexcept { return days_; }
  bool track_reads() const noexcept { return track_reads_; }
  std::uint64_t bytes() const noexcept { return bytes_; }

  // InvalidArgument for days outside 1..36500, a size threshold of 0 or
  // above 1 TiB, or a custom policy without a predicate.
  Status validate() const;

  // Whether `segment` should be compressed at `now_ns`. Unsealed segments
  // never are.
  bool eligible(const SegmentInfo& segment, std::uint64_t now_ns) const;

  // {"kind":"idle_after","days":7,"track_reads":true} and so on; Custom is
  // InvalidArgument ("cannot be serialized").
  Result<std::string> to_json() const;
  // Parses the JSON above; unknown kinds, missing or mistyped fields and
  // out-of-range values are InvalidArgument naming the field.
  static Result<CompressionPolicy> from_json(std::string_view json);

  // "idle_after(7 days, track_reads)" and so on.
  std::string to_string() const;

  bool operator==(const CompressionPolicy& other) const noexcept;

 private:
  explicit CompressionPolicy(Kind kind) : kind_(kind) {}
  Kind kind_;
  std::uint32_t days_ = 0;
  bool track_reads_ = false;
  std::uint64_t bytes_ = 0;
  Predicate predicate_;
  std::string name_;
};

inline constexpr std::uint64_t kNanosPerDay = 86'400ull * 1'000'000'000ull;

}  // namespace chronicle
