#include "inspect/log_verifier.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/core/record_format.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_store.hpp>

#include "inspect/header_opener.hpp"
#include "inspect/reader_stop.hpp"

namespace chronicle::cli {
namespace {

// When the reader waits at the end of a segment that another listed segment
// follows, a writer may be in the middle of a roll: poll a little before
// calling it damage.
constexpr int kIdlePolls = 20;
constexpr auto kIdlePollInterval = std::chrono::milliseconds(5);

struct Tally {
  bool passed = false;   // the reader was in this segment or went through it
  bool damaged = false;  // a problem was reported for it; its header is not checked
  std::uint64_t records = 0;
  std::uint64_t record_bytes = 0;  // padding included
  std::uint64_t min_ts = UINT64_MAX;
  std::uint64_t max_ts = 0;
};

// Where one walk of a LogReader ended: the segment it was in (none if it
// never entered one) and whether it failed there.
struct WalkEnd {
  std::optional<std::size_t> at;
  bool failed = false;
};

class LogVerifier {
 public:
  LogVerifier(std::string dir, std::vector<SegmentEntry> entries, VerifyProgress progress)
      : dir_(std::move(dir)),
        entries_(std::move(entries)),
        tallies_(entries_.size()),
        progress_(std::move(progress)) {}

  VerifyReport run();

 private:
  std::optional<LogReader> reader_at(std::size_t& index);
  WalkEnd walk(LogReader& reader, std::size_t first);
  std::size_t after_failure(const WalkEnd& end, const Error& error, std::size_t first);
  std::size_t explain_stop(const WalkEnd& end, std::size_t first);
  bool sealed_now(std::size_t i) const;
  void check_header(std::size_t i);
  void problem(std::size_t i, const Error& error) { problems_.emplace_back(i, error.message()); }
  bool reported(const std::string& message) const {
    return std::any_of(problems_.begin(), problems_.end(),
                       [&](const auto& p) { return p.second == message; });
  }
  std::optional<std::size_t> index_of(std::uint64_t id) const;
  std::string path(std::size_t i) const {
    return segment_path(dir_, entries_[i].id,
                        entries_[i].hot ? SegmentTier::Hot : SegmentTier::Cold);
  }

  std::string dir_;
  std::vector<SegmentEntry> entries_;
  std::vector<Tally> tallies_;
  std::vector<std::pair<std::size_t, std::string>> problems_;  // segment index, message
  VerifyProgress progress_;
  std::uint64_t bytes_verified_ = 0;
};

std::optional<std::size_t> LogVerifier::index_of(std::uint64_t id) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), id,
                             [](const SegmentEntry& e, std::uint64_t v) { return e.id < v; });
  if (it == entries_.end() || it->id != id) return std::nullopt;
  return static_cast<std::size_t>(it - entries_.begin());
}

// A reader positioned at the first record of segment `index`, or of the
// first segment from there on that can be read (`index` is advanced past
// those that cannot, each reported). nullopt when none is left or the walk
// cannot be resumed.
std::optional<LogReader> LogVerifier::reader_at(std::size_t& index) {
  if (index == 0) {
    auto reader = LogReader::open(dir_, both_tiers());
    if (!reader) {
      // The reader always opens the first segment; without it no walk starts.
      tallies_[0].damaged = true;
      problem(0, reader.error());
      return std::nullopt;
    }
    return std::move(*reader);
  }
  for (; index < entries_.size(); ++index) {
    auto source = header_opener().open(dir_, entries_[index].id);
    if (!source) {
      tallies_[index].damaged = true;
      problem(index, source.error());
      continue;
    }
    const std::uint64_t base_seq = (*source)->header().base_seq;
    auto reader = LogReader::open(dir_, both_tiers());
    Status sought = reader ? reader->seek_seq(base_seq) : Status(reader.error());
    const auto at =
        reader && sought && reader->segment_id() ? index_of(*reader->segment_id()) : std::nullopt;
    if (!at || *at < index) {
      // Usually seek_seq met the damage already reported; name the cause
      // only when it is new.
      std::string cause;
      if (!sought && !reported(sought.error().message())) cause = ": " + sought.error().message();
      problem(index, file_error(Errc::Corruption, path(index),
                                "not verified: the reader cannot resume here, after the damage "
                                "before it{}",
                                cause));
      return std::nullopt;
    }
    // seek_seq lands on the last segment starting at base_seq, stepping over
    // empty ones, whose headers check_header still verifies.
    for (std::size_t i = index; i < *at; ++i) tallies_[i].passed = true;
    index = *at;
    return std::move(*reader);
  }
  return std::nullopt;
}

bool LogVerifier::sealed_now(std::size_t i) const {
  auto source = header_opener().open(dir_, entries_[i].id);
  return source && is_sealed((*source)->header());
}

WalkEnd LogVerifier::walk(LogReader& reader, std::size_t first) {
  const std::size_t last = entries_.size() - 1;
  std::optional<std::size_t> at;
  int idle_polls = 0;
  bool drained = false;
  RecordView rec;
  for (;;) {
    const Step step = reader.next(rec);
    if (const auto id = reader.segment_id()) {
      const auto i = index_of(*id);
      // A segment created after the listing: the log as listed is done.
      if (!i) return {at, false};
      for (std::size_t j = at.value_or(first); j <= *i; ++j) tallies_[j].passed = true;
      if (progress_ && at != i) progress_(*i, entries_.size(), bytes_verified_);
      at = i;
    }
    if (step == Step::Record) {
      Tally& t = tallies_[*at];
      ++t.records;
      t.record_bytes += record_size(rec.payload.size());
      bytes_verified_ += record_size(rec.payload.size());
      t.min_ts = std::min(t.min_ts, rec.timestamp_ns);
      t.max_ts = std::max(t.max_ts, rec.timestamp_ns);
      idle_polls = 0;
      continue;
    }
    if (step == Step::Failed) return {at, true};
    if (at && *at == last) {
      // If the writer sealed the last segment since, read what it appended
      // before sealing, so that the header check compares like with like.
      if (!drained && sealed_now(last)) {
        drained = true;
        continue;
      }
      return {at, false};
    }
    if (++idle_polls > kIdlePolls) return {at, false};
    std::this_thread::sleep_for(kIdlePollInterval);
  }
}

// Reports the reader's failure against the segment it names and returns the
// index to resume from. The library's messages start with the escaped path of
// the file at fault: a failure while entering the next segment names that one.
std::size_t LogVerifier::after_failure(const WalkEnd& end, const Error& error, std::size_t first) {
  std::size_t blamed = end.at.value_or(first);
  const std::size_t next = blamed + 1;
  if (end.at && next < entries_.size() &&
      error.message().starts_with(escape_bytes(path(next)) + ":")) {
    blamed = next;
  }
  tallies_[blamed].damaged = true;
  problem(blamed, error);
  return next;
}

// The reader waits for records although later segments are listed: say why
// it cannot go on, and return the index to resume from.
std::size_t LogVerifier::explain_stop(const WalkEnd& end, std::size_t first) {
  const std::size_t next = end.at ? *end.at + 1 : first;
  std::optional<std::uint64_t> current, end_offset;
  if (end.at) {
    current = entries_[*end.at].id;
    end_offset = kSegmentHeaderSize + tallies_[*end.at].record_bytes;
  }
  ReaderStop stop = explain_reader_stop(dir_, current, entries_[next], end_offset);
  switch (stop.kind) {
    case StopKind::Unsealed:
      problem(end.at.value_or(next), stop.error);
      return next;
    case StopKind::Unopenable:
      tallies_[next].damaged = true;
      problem(next, stop.error);
      return next + 1;
  }
  return next + 1;
}

// The reader checks a sealed segment's end_of_data and record_count where it
// reaches them; the timestamps in the header it does not check at all.
void LogVerifier::check_header(std::size_t i) {
  auto source = header_opener().open(dir_, entries_[i].id);
  if (!source) {
    problem(i, source.error());
    return;
  }
  const SegmentHeader h = (*source)->header();
  if (!is_sealed(h)) return;
  const Tally& t = tallies_[i];
  const std::uint64_t min_ts = t.records ? t.min_ts : 0;
  const std::uint64_t max_ts = t.records ? t.max_ts : 0;
  const std::uint64_t end = kSegmentHeaderSize + t.record_bytes;
  const std::string p = path(i);
  if (h.record_count != t.records) {
    problem(i, corruption(p, offsetof(SegmentHeader, record_count),
                          "header record_count is {} but the segment holds {} records",
                          h.record_count, t.records));
  }
  if (h.min_timestamp_ns != min_ts) {
    problem(i, corruption(p, offsetof(SegmentHeader, min_timestamp_ns),
                          "header min_timestamp_ns is {} but the records' smallest is {}",
                          h.min_timestamp_ns, min_ts));
  }
  if (h.max_timestamp_ns != max_ts) {
    problem(i, corruption(p, offsetof(SegmentHeader, max_timestamp_ns),
                          "header max_timestamp_ns is {} but the records' largest is {}",
                          h.max_timestamp_ns, max_ts));
  }
  if (h.end_of_data != end) {
    problem(i,
            corruption(p, offsetof(SegmentHeader, end_of_data),
                       "header end_of_data is {} but the records end at {}", h.end_of_data, end));
  }
}

VerifyReport LogVerifier::run() {
  std::size_t next = 0;
  while (next < entries_.size()) {
    auto reader = reader_at(next);
    if (!reader) break;
    const std::size_t first = next;
    const WalkEnd end = walk(*reader, first);
    if (end.failed) {
      next = after_failure(end, reader->status().error(), first);
    } else if (end.at && *end.at + 1 >= entries_.size()) {
      break;
    } else {
      next = explain_stop(end, first);
    }
  }

  VerifyReport report;
  report.segments = entries_.size();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Tally& t = tallies_[i];
    if (!t.passed) continue;
    report.records += t.records;
    report.bytes += kSegmentHeaderSize + t.record_bytes;
    if (!t.damaged) check_header(i);
  }
  // One line per problem, in segment order, each once (a damaged header can
  // be met both by the walk and when resuming).
  std::stable_sort(problems_.begin(), problems_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::set<std::string> seen;
  for (auto& [index, message] : problems_) {
    if (seen.insert(message).second) report.problems.push_back(std::move(message));
  }
  return report;
}

}  // namespace

Result<VerifyReport> verify_log(const std::string& dir, const VerifyProgress& progress) {
  auto entries = list_segments(dir);
  if (!entries) return std::move(entries).error();
  if (entries->empty()) return VerifyReport{};
  return LogVerifier(dir, std::move(*entries), progress).run();
}

}  // namespace chronicle::cli
