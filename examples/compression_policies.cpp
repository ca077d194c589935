// compression_policies: what each CompressionPolicy would make cold. A policy
// decides, per sealed segment, whether the lifecycle manager compresses it;
// the decision depends on "now", which the manager asks an injected Clock,
// so the same data can be judged as of any day without waiting for it.
// The example writes three partitions whose records are 10 days, 3 days and
// 12 hours old, reads one of them through an AccessTracker, leaves the newest
// partition's writer open (its live segment is never compressed), and then,
// as of two days from now, runs a dry run of the manager for each policy and
// lists the segments it would compress. Policies are data: each one but
// custom round-trips through the JSON stored in _table.json.
//
//   compression_policies [DIR]   (DIR is kept; without it a temporary directory is used)

#include <chronicle/chronicle.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "example_main.hpp"

namespace {

using chronicle::CompressionPolicy;
using chronicle::kNanosPerDay;

class FixedClock final : public chronicle::Clock {
 public:
  explicit FixedClock(std::uint64_t ns) : ns_(ns) {}
  std::uint64_t now_ns() const noexcept override { return ns_; }

 private:
  std::uint64_t ns_;
};

int run(const std::string& root) {
  auto scheme = chronicle::PartitionScheme::create({{"day", chronicle::KeyType::Date}}).value();
  chronicle::TableConfig config;
  config.segment_size = 64 * 1024;
  config.track_access = true;  // readers report the segments they open
  auto table = chronicle::Table::create(root + "/md", scheme, config).value();
  const std::uint64_t real_now = chronicle::wall_clock_ns();
  const FixedClock today(real_now + 2 * kNanosPerDay);  // so every file was sealed 2 days ago
  std::optional<chronicle::PartitionWriter> writer;
  const std::string payload(100, 'x');
  for (std::uint64_t age : {10 * kNanosPerDay, 3 * kNanosPerDay, kNanosPerDay / 2}) {
    const auto day = chronicle::Date{static_cast<std::int64_t>((real_now - age) / kNanosPerDay)};
    writer = table.partition_writer(chronicle::PartitionValues::create(scheme, {{"day", day}}).value()).value();
    for (std::uint64_t i = 0; i < 1500; ++i) writer->append(1, real_now - age + i * 1'000'000'000, std::as_bytes(std::span(payload))).value();
    if (age > kNanosPerDay) writer->finish().value();  // the newest stays open: its last segment is live
  }
  const auto partitions = table.partitions().value();

  // Read the 3-day-old partition "today": IdleAfter with track_reads keeps it hot.
  chronicle::AccessTrackerOptions tracker_options;
  tracker_options.flush_interval = std::chrono::milliseconds(0);  // no thread: flush() below
  tracker_options.clock = &today;
  auto tracker = chronicle::AccessTracker::create(tracker_options).value();
  table.set_read_observer(tracker);
  auto reader = table.reader(partitions[1].values).value();
  for (chronicle::RecordView rec; reader.next(rec) == chronicle::Step::Record;) {
  }
  tracker->flush().value();
  std::printf("3 partitions of 4 segments, as of 2 days from now; %s was read today\n\n", partitions[1].path.c_str());

  // Each policy with the number of segments it should pick. A hot segment
  // file keeps its preallocated size, so size_threshold picks all sealed
  // segments of a table or none.
  const std::pair<CompressionPolicy, std::uint64_t> policies[] = {
      {CompressionPolicy::never(), 0}, {CompressionPolicy::immediate(), 11}, {CompressionPolicy::age_after(4), 8},
      {CompressionPolicy::idle_after(1, false), 11}, {CompressionPolicy::idle_after(1, true), 7},
      {CompressionPolicy::size_threshold(64 * 1024), 11},
      {CompressionPolicy::custom([](const chronicle::SegmentInfo& s, std::uint64_t now) {
         return s.used_bytes * 2 >= s.size_on_disk && now >= s.age_reference_ns() + 7 * kNanosPerDay;
       }, "half_full_and_a_week_old"), 3}};
  bool ok = true;
  for (const auto& [policy, expected] : policies) {
    chronicle::LifecycleConfig lc;
    lc.policy = policy;
    lc.dry_run = true;  // decide and report, change nothing
    lc.clock = &today;
    auto stats = chronicle::StorageLifecycleManager::open(table.root(), lc).value().run_once().value();
    // The dry run only counts; name the segments by asking the policy the
    // same question, with what the access tracker recorded.
    std::string which;
    std::uint64_t named = 0;
    for (const auto& p : partitions) {
      const auto access = chronicle::AccessTracker::load(table.root() + "/" + p.path);
      auto segments = table.segments(p.values).value();
      which += "  " + p.values[0].to_string() + ":";
      for (auto& s : segments) {
        if (access && access->count(s.segment_id)) s.last_read_ns = access->at(s.segment_id).last_read_ns;
        if (policy.eligible(s, today.now_ns())) which += " " + std::to_string(s.segment_id), ++named;
      }
    }
    std::printf("%-34s %2llu:%s\n", policy.to_string().c_str(), static_cast<unsigned long long>(stats.eligible), which.c_str());
    ok = ok && stats.eligible == expected && named == expected;
    // Policies are stored as JSON in _table.json; a custom one cannot be.
    auto json = policy.to_json();
    if (json) ok = ok && CompressionPolicy::from_json(*json).value() == policy;
    std::printf("  %s\n", json ? json->c_str() : json.error().to_string().c_str());
  }
  writer->finish().value();
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return chronicle::examples::example_main("compression_policies", argc, argv, run);
}
