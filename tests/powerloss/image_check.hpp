#pragma once
// Checks one log of a power-loss image (RELIABILITY B1, B2): P3 for a reader
// before any recovery, then P1 for the durable appends, P2, P3, P4 and P6
// after the writer's recovery.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <string>

#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "crash/crash_harness.hpp"

namespace chronicle::powerloss {

// What the workload knew when the power went: appends [0, durable_end) were
// covered by a sync() that returned success; [0, acked_end) had returned.
struct Acknowledged {
  std::uint64_t durable_end = 0;
  std::uint64_t acked_end = 0;
};

// The deterministic record expected at each sequence number (HX1). Records
// [0, switch_at) were written with the first seed, later ones with the
// second: a writer that resumes a log after a power loss writes with a new
// seed, so that a stale record coming back can never pass for a new one.
class Records {
 public:
  Records(std::uint64_t seed, std::size_t max_len)
      : first_(seed), second_(seed), max_len_(max_len) {}
  // From `from` on, records carry `seed`.
  void switch_at(std::uint64_t from, std::uint64_t seed) {
    switch_at_ = from;
    second_ = seed;
  }
  std::uint64_t seed_for(std::uint64_t seq) const { return seq < switch_at_ ? first_ : second_; }
  std::size_t max_len() const { return max_len_; }
  // Empty when `view` is exactly record `seq`.
  std::string mismatch(const RecordView& view, std::uint64_t seq) const {
    return crash::record_mismatch(view, seq, seed_for(seq), max_len_);
  }
  Result<std::uint64_t> append(SegmentWriter& w) const {
    return crash::append_expected(w, seed_for(w.next_seq()), max_len_);
  }

 private:
  std::uint64_t first_, second_;
  std::uint64_t switch_at_ = UINT64_MAX;
  std::size_t max_len_;
};

// Reads the log from its first record: every record returned must be the
// expected one, from seq 0 on (P2, P3). `*count` is how many were read;
// `*error` is empty when the reader ended with NothingYet, else why it
// failed (it then must be a Corruption error naming a file of the log).
inline ::testing::AssertionResult read_records(const std::string& dir, const Records& records,
                                               std::uint64_t* count, std::string* error) {
  *count = 0;
  error->clear();
  auto reader = LogReader::open(dir, both_tiers());
  if (!reader) {
    *error = reader.error().to_string();
    if (reader.error().code() != Errc::Corruption ||
        reader.error().message().find(dir) == std::string::npos) {
      return ::testing::AssertionFailure() << "not a clear error: " << *error;
    }
    return ::testing::AssertionSuccess();
  }
  RecordView view;
  Step step;
  while ((step = reader->next(view)) == Step::Record) {
    if (auto wrong = records.mismatch(view, *count); !wrong.empty()) {
      return ::testing::AssertionFailure() << "P3: " << wrong;
    }
    ++*count;
  }
  if (step == Step::Failed) {
    const Error& e = reader->status().error();
    *error = e.to_string();
    if (e.code() != Errc::Corruption || e.message().find(dir) == std::string::npos) {
      return ::testing::AssertionFailure() << "not a clear error: " << *error;
    }
  }
  return ::testing::AssertionSuccess();
}

// How an image whose log had no promise (no sync() had returned) fared.
enum class Unpromised : std::uint8_t { Recovered, Refused, ReadStopsAtDamage };

// The whole check of the log in `dir` of an image: P3 for a reader before
// recovery; the writer recovers (P4: it opens); a fresh reader then reads
// `*records` records, every durable one among them (P1), without gap or
// wrong record (P2, P3) and at most one past the acknowledged ones; a second
// open finds nothing to repair and the same end (P6); `m` appends continue
// the sequence and a fresh reader reads the log and them, then "nothing
// yet" (P4).
//
// Before its first sync() a log has no promise for a power loss (the
// durability statement, docs/RELIABILITY.md; recovery does not scan a log
// that sync() never covered). For such an image (`ack.durable_end` 0) the
// writer may refuse the log, or readers may stop at damage in an older
// segment, with a clear Corruption error naming the file (`*unpromised`
// says which); a wrong record is a failure all the same.
inline ::testing::AssertionResult check_log_image(const std::string& dir, const LogOptions& options,
                                                  const Records& records, const Acknowledged& ack,
                                                  std::uint64_t m, std::uint64_t* count,
                                                  Unpromised* unpromised) {
  *unpromised = Unpromised::Recovered;
  const bool promised = ack.durable_end > 0;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (!promised) {
      *count = 0;
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "P1: the log directory is gone, yet " << ack.durable_end << " appends were durable";
  }
  std::uint64_t before = 0;
  std::string error;
  if (auto ok = read_records(dir, records, &before, &error); !ok) return ok << " (before recovery)";

  RecoveryReport report;
  {
    auto w = SegmentWriter::open(dir, options);
    if (!w && !promised && w.error().code() == Errc::Corruption &&
        w.error().message().find(dir) != std::string::npos) {
      *unpromised = Unpromised::Refused;
      *count = before;
      return ::testing::AssertionSuccess();
    }
    if (!w) {
      return ::testing::AssertionFailure()
             << "P4: the writer cannot reopen the log: " << w.error().to_string();
    }
    report = w->recovery_report();
    if (auto closed = w->close(); !closed) {
      return ::testing::AssertionFailure() << "close: " << closed.error().to_string();
    }
  }
  const std::string recovery = " (recovery: " + report.to_string() + ")";
  std::uint64_t r = 0;
  if (auto ok = read_records(dir, records, &r, &error); !ok) return ok << recovery;
  if (!error.empty()) {
    if (!promised) {
      *unpromised = Unpromised::ReadStopsAtDamage;
      *count = r;
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "P2: the reader stops after seq " << r << ": " << error << recovery;
  }
  if (r < ack.durable_end) {
    return ::testing::AssertionFailure() << "P1: the recovered log ends at seq " << r << " but [0, "
                                         << ack.durable_end << ") was durable" << recovery;
  }
  if (r > ack.acked_end + 1) {
    return ::testing::AssertionFailure()
           << "P2: the recovered log ends at seq " << r << ", more than one past the "
           << ack.acked_end << " acknowledged appends";
  }
  if (before > r) {
    return ::testing::AssertionFailure() << "a reader before recovery read " << before
                                         << " records, recovery kept " << r << recovery;
  }
  {
    auto w = SegmentWriter::open(dir, options);
    if (!w) return ::testing::AssertionFailure() << "second open: " << w.error().to_string();
    if (w->next_seq() != r) {
      return ::testing::AssertionFailure() << "P6: the second open continues at seq "
                                           << w->next_seq() << ", the log ends at " << r;
    }
    if (!w->recovery_report().clean()) {
      return ::testing::AssertionFailure() << "P6: the second recovery still repaired something: "
                                           << w->recovery_report().to_string() << recovery;
    }
    for (std::uint64_t i = 0; i < m; ++i) {
      auto seq = records.append(*w);
      if (!seq) return ::testing::AssertionFailure() << "append: " << seq.error().to_string();
      if (*seq != r + i) {
        return ::testing::AssertionFailure()
               << "P4: append #" << i << " got seq " << *seq << ", expected " << r + i;
      }
    }
    if (auto closed = w->close(); !closed) {
      return ::testing::AssertionFailure() << "close: " << closed.error().to_string();
    }
  }
  std::uint64_t extended = 0;
  if (auto ok = read_records(dir, records, &extended, &error); !ok) {
    return ok << " (after " << m << " new appends)" << recovery;
  }
  if (!error.empty() || extended != r + m) {
    return ::testing::AssertionFailure()
           << "P4: after " << m << " appends to " << r << " records a fresh reader read "
           << extended << " " << error << recovery;
  }
  *count = r;
  return ::testing::AssertionSuccess();
}

}  // namespace chronicle::powerloss
