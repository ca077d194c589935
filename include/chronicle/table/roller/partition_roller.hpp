#pragma once
// Picks the value of one partition key from each record's timestamp, for a
// RollingWriter. A roller also says which timestamps share that value, so the
// writer recomputes it only when a record falls outside the current range.
//
// Thread safety: a roller belongs to the RollingWriter that owns it; the
// built-in rollers are stateless, a CustomRoller is as safe as its callable.

#include <cstdint>
#include <functional>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/table/partition/partition_scheme.hpp>
#include <chronicle/table/partition/partition_value.hpp>

namespace chronicle {

// The key value for a timestamp, and the timestamps [begin_ns, end_ns) that
// map to the same value.
struct RollTarget {
  PartitionValue value;
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = 0;
};

class PartitionRoller {
 public:
  explicit PartitionRoller(std::string key) : key_(std::move(key)) {}
  virtual ~PartitionRoller() = default;

  const std::string& key() const noexcept { return key_; }
  // Checks that the scheme has the key with a type this roller produces, and
  // takes the key's UTC offset. InvalidArgument otherwise.
  virtual Status bind(const PartitionScheme& scheme) = 0;
  // REQUIRES: bind() succeeded.
  virtual Result<RollTarget> target_for(std::uint64_t timestamp_ns) const = 0;

 private:
  std::string key_;
};

// Date, hour or minute of the timestamp at the key's UTC offset.
class CalendarRoller : public PartitionRoller {
 public:
  CalendarRoller(std::string key, KeyType unit) : PartitionRoller(std::move(key)), unit_(unit) {}
  Status bind(const PartitionScheme& scheme) override;
  Result<RollTarget> target_for(std::uint64_t timestamp_ns) const override;

 private:
  KeyType unit_;
  std::int64_t offset_ns_ = 0;
};

class DateRoller final : public CalendarRoller {
 public:
  explicit DateRoller(std::string key) : CalendarRoller(std::move(key), KeyType::Date) {}
};
class HourRoller final : public CalendarRoller {
 public:
  explicit HourRoller(std::string key) : CalendarRoller(std::move(key), KeyType::Hour) {}
};
class MinuteRoller final : public CalendarRoller {
 public:
  explicit MinuteRoller(std::string key) : CalendarRoller(std::move(key), KeyType::Minute) {}
};

// Any callable from a timestamp to the key's value. Its result must have
// the key's type; the writer calls it for every record. An exception it
// throws is returned as InvalidArgument (naming the key, the timestamp and
// what()), and the record is not written.
class CustomRoller final : public PartitionRoller {
 public:
  using Function = std::function<Result<PartitionValue>(std::uint64_t timestamp_ns)>;
  CustomRoller(std::string key, Function fn) : PartitionRoller(std::move(key)), fn_(std::move(fn)) {}
  Status bind(const PartitionScheme& scheme) override;
  Result<RollTarget> target_for(std::uint64_t timestamp_ns) const override;

 private:
  Function fn_;
  KeyType type_ = KeyType::String;
};

}  // namespace chronicle
