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

// Reads the log from its first record: every record returned must be the
// expected one, from seq 0 on (P2, P3). `*count` is how many were read;
// `*error` is empty when the reader ended with NothingYet, else why it
// failed (it then must be a Corruption error naming a file of the log).
inline ::testing::AssertionResult read_records(const std::string& dir, crash::LogChecker& checker,
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
    if (!checker.matches(view, *count, true)) {
      return ::testing::AssertionFailure()
             << "P3: " << crash::record_mismatch(view, *count, checker.seed(), checker.max_len());
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

// The whole check of the log in `dir` of an image. `m` records are appended
// after recovery (P4). On success `*records` is how many the recovered log
// held.
//
// Before its first sync() a log has no promise for a power loss (the
// durability statement, docs/RELIABILITY.md; recovery does not scan a log
// that sync() never covered). For such an image (`ack.durable_end` 0) the
// writer may refuse the log, or readers may stop at damage in an older
// segment, with a clear Corruption error naming the file (`*unpromised`
// says which); a wrong record is a failure all the same.
inline ::testing::AssertionResult check_log_image(const std::string& dir, const LogOptions& options,
                                                  crash::LogChecker& checker,
                                                  const Acknowledged& ack, std::uint64_t m,
                                                  std::uint64_t* records, Unpromised* unpromised) {
  *unpromised = Unpromised::Recovered;
  const bool promised = ack.durable_end > 0;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (ack.durable_end == 0) {
      *records = 0;
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "P1: the log directory is gone, yet " << ack.durable_end << " appends were durable";
  }
  std::uint64_t before = 0;
  std::string error;
  if (auto ok = read_records(dir, checker, &before, &error); !ok) return ok << " (before recovery)";

  // The first recovery happens inside reopen_and_extend(); read what it kept
  // first, through a writer that is opened and closed.
  crash::LogRange r;
  RecoveryReport report;
  {
    auto w = SegmentWriter::open(dir, options);
    if (!w && !promised && w.error().code() == Errc::Corruption &&
        w.error().message().find(dir) != std::string::npos) {
      *unpromised = Unpromised::Refused;
      *records = before;
      return ::testing::AssertionSuccess();
    }
    if (!w) {
      return ::testing::AssertionFailure()
             << "P4: the writer cannot reopen the log: " << w.error().to_string();
    }
    report = w->recovery_report();
    if (auto st2 = w->close(); !st2) {
      return ::testing::AssertionFailure() << "close: " << st2.error().to_string();
    }
  }
  if (auto ok = read_records(dir, checker, &r.end, &error); !ok) {
    return ok << " (after recovery: " << report.to_string() << ")";
  }
  if (!error.empty()) {
    if (!promised) {
      *unpromised = Unpromised::ReadStopsAtDamage;
      *records = r.end;
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "P2: the reader stops after seq " << r.end << ": " << error
           << " (after recovery: " << report.to_string() << ")";
  }
  if (r.end < ack.durable_end) {
    return ::testing::AssertionFailure()
           << "P1: the recovered log ends at seq " << r.end << " but [0, " << ack.durable_end
           << ") was durable (recovery: " << report.to_string() << ")";
  }
  if (r.end > ack.acked_end + 1) {
    return ::testing::AssertionFailure()
           << "P2: the recovered log ends at seq " << r.end << ", more than one past the "
           << ack.acked_end << " acknowledged appends";
  }
  if (before > r.end) {
    return ::testing::AssertionFailure()
           << "a reader before recovery read " << before << " records, recovery kept " << r.end
           << " (" << report.to_string() << ")";
  }
  crash::LogRange after;
  if (auto ok = crash::reopen_and_extend(dir, options, checker, r, m, &after); !ok) {
    return ok << " (first recovery: " << report.to_string() << ")";
  }
  *records = r.end;
  return ::testing::AssertionSuccess();
}

}  // namespace chronicle::powerloss
