#include <chronicle/table/roller/partition_roller.hpp>

#include <chronicle/core/errors.hpp>

namespace chronicle {

namespace {
std::int64_t unit_ns(KeyType unit) {
  switch (unit) {
    case KeyType::Date: return 86'400'000'000'000;
    case KeyType::Hour: return 3'600'000'000'000;
    default: return 60'000'000'000;
  }
}
// Floor division of a signed value by a positive one.
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && a < 0); }

// k * unit - offset, clamped to [0, UINT64_MAX]: the first timestamp of
// unit number k.
// In 128 bits: k * unit may pass 2^64 while k * unit - offset does not.
std::uint64_t start_of(std::int64_t k, std::uint64_t unit, std::int64_t offset) {
  __extension__ typedef __int128 i128;  // GCC and Clang
  const i128 start = static_cast<i128>(k) * unit - offset;
  if (start < 0) return 0;
  if (start > static_cast<i128>(UINT64_MAX)) return UINT64_MAX;
  return static_cast<std::uint64_t>(start);
}
}  // namespace

Status CalendarRoller::bind(const PartitionScheme& scheme) {
  const auto i = scheme.index_of(key());
  if (!i) return invalid_argument("roller key \"{}\" is not in the scheme", escape_bytes(key()));
  const PartitionKey& k = scheme.keys()[*i];
  if (k.type != unit_) {
    return invalid_argument("roller for key \"{}\" produces {} values but the key is {}",
                            escape_bytes(key()), key_type_name(unit_), key_type_name(k.type));
  }
  offset_ns_ = static_cast<std::int64_t>(k.utc_offset_minutes) * 60'000'000'000;
  return {};
}

Result<RollTarget> CalendarRoller::target_for(std::uint64_t timestamp_ns) const {
  // Unit number n holds timestamp + offset; split the timestamp first so that
  // nothing overflows for any 64-bit timestamp.
  const auto unit = static_cast<std::uint64_t>(unit_ns(unit_));
  const auto whole = static_cast<std::int64_t>(timestamp_ns / unit);
  const auto rest = static_cast<std::int64_t>(timestamp_ns % unit) + offset_ns_;
  const std::int64_t count = whole + floor_div(rest, static_cast<std::int64_t>(unit));
  RollTarget t;
  switch (unit_) {
    case KeyType::Date: t.value = Date{count}; break;
    case KeyType::Hour: t.value = Hour{count}; break;
    default: t.value = Minute{count}; break;
  }
  t.begin_ns = start_of(count, unit, offset_ns_);
  t.end_ns = start_of(count + 1, unit, offset_ns_);
  return t;
}

Status CustomRoller::bind(const PartitionScheme& scheme) {
  const auto i = scheme.index_of(key());
  if (!i) return invalid_argument("roller key \"{}\" is not in the scheme", escape_bytes(key()));
  if (!fn_) return invalid_argument("custom roller for \"{}\" has no function", escape_bytes(key()));
  type_ = scheme.keys()[*i].type;
  return {};
}

Result<RollTarget> CustomRoller::target_for(std::uint64_t timestamp_ns) const {
  auto value = [&]() -> Result<PartitionValue> {
    try {
      return fn_(timestamp_ns);
    } catch (...) {
      return invalid_argument("custom roller for \"{}\" threw at timestamp {}: {}",
                              escape_bytes(key()), timestamp_ns, current_exception_text());
    }
  }();
  if (!value) return std::move(value).error();
  if (value->type() != type_) {
    return invalid_argument("custom roller for \"{}\" returned a {} value for a {} key",
                            escape_bytes(key()), key_type_name(value->type()), key_type_name(type_));
  }
  // Only this timestamp is known to map to the value: ask again next time.
  return RollTarget{std::move(*value), timestamp_ns, timestamp_ns + 1};
}

}  // namespace chronicle
