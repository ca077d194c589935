#pragma once
// The checks behind `chronicle verify`. A LogReader reading both tiers (hot
// .q and cold .q.zst) walks every record of the log from the first one,
// which verifies each record's checksum, the sequence numbers within and
// across segments, and the end of each sealed segment against its
// end_of_data and record_count. On top of that the
// verifier checks what the reader does not: that each sealed segment's header
// agrees with its records (record_count, min/max timestamp, end_of_data), and
// that the reader reached every segment listed in the directory (no gap in
// the ids, no unsealed segment in the middle).
//
// After a damaged segment the walk resumes at the next segment (through
// LogReader::seek_seq), so one run reports every damaged segment it can reach.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>

namespace chronicle::cli {

struct VerifyReport {
  std::uint64_t segments = 0;  // segments listed in the directory
  std::uint64_t records = 0;   // records whose checksum and seq were verified
  std::uint64_t bytes = 0;     // bytes of the segments read: headers and records
  // One line per problem, naming the file and the offset where there is one.
  std::vector<std::string> problems;

  bool ok() const noexcept { return problems.empty(); }
};

// Called as the walk enters each listed segment: segments passed so far, of
// how many, and the record bytes verified so far.
using VerifyProgress = std::function<void(std::uint64_t done, std::uint64_t total, std::uint64_t bytes)>;

// Verifies the log in `dir` as listed when the call starts (segments a writer
// adds meanwhile are not read). Fails only when `dir` cannot be listed;
// damage is reported in VerifyReport::problems.
Result<VerifyReport> verify_log(const std::string& dir, const VerifyProgress& progress = {});

}  // namespace chronicle::cli
