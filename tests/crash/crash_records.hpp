#pragma once
// What the crash child writes and what every checker expects (RELIABILITY HX1),
// shared by the crash child and the tests: record `seq` of a log written with
// seed `seed` carries payload_for(seed, seq, max_len), type_for(seed, seq) and
// timestamp_for(seed, seq), whoever appended it (a child or the test itself).

#include <algorithm>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/segment/log_options.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/record_view.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "support/records.hpp"

namespace chronicle::crash {

// Written by a tailing child on fd 3 once its reader is open, before any seq.
inline constexpr std::uint64_t kTailReady = UINT64_MAX;

// Largest payload the crash workloads write into segments of this size: the
// HX1 mix up to 5000 bytes, or less where a segment cannot hold that much.
inline std::size_t max_len_for(std::uint64_t segment_size) {
  return static_cast<std::size_t>(
      std::min<std::uint64_t>(5000, chronicle::max_payload_size(segment_size)));
}

// Appends the deterministic record for writer.next_seq().
inline Result<std::uint64_t> append_expected(SegmentWriter& writer, std::uint64_t seed,
                                             std::size_t max_len) {
  const std::uint64_t seq = writer.next_seq();
  const auto payload = test::payload_for(seed, seq, max_len);
  return writer.append(test::type_for(seed, seq), test::timestamp_for(seed, seq), payload);
}

// Empty when `view` is exactly record `expected_seq`; otherwise what differs.
inline std::string record_mismatch(const RecordView& view, std::uint64_t expected_seq,
                                   std::uint64_t seed, std::size_t max_len) {
  if (view.seq != expected_seq) {
    return "seq " + std::to_string(view.seq) + " where " + std::to_string(expected_seq) +
           " was expected";
  }
  const std::string at = "record seq " + std::to_string(view.seq) + ": ";
  if (view.type_id != test::type_for(seed, view.seq)) {
    return at + "type_id " + std::to_string(view.type_id) + ", expected " +
           std::to_string(test::type_for(seed, view.seq));
  }
  if (view.timestamp_ns != test::timestamp_for(seed, view.seq)) {
    return at + "timestamp " + std::to_string(view.timestamp_ns) + ", expected " +
           std::to_string(test::timestamp_for(seed, view.seq));
  }
  const auto payload = test::payload_for(seed, view.seq, max_len);
  if (view.payload.size() != payload.size()) {
    return at + "payload of " + std::to_string(view.payload.size()) + " bytes, expected " +
           std::to_string(payload.size());
  }
  if (!payload.empty() && std::memcmp(view.payload.data(), payload.data(), payload.size()) != 0) {
    return at + "payload bytes differ from the expected ones";
  }
  return {};
}

// Known library bug, reproduced by the DISABLED_ tests of SealRaceTest
// (known_bugs_test.cpp): a live reader that loads a commit word of 0 and then
// finds the segment header sealed (the writer committed a record or stored
// the end marker, and sealed, in between) fails with Corruption "uncommitted
// record inside a sealed segment" or "sealed segment has no end-of-segment
// marker at its end_of_data". Until it is fixed, the readers of these tests
// take exactly that failure for "nothing yet" and reopen at the same seq
// (TolerantReader); a real hole in a sealed segment fails again at once and
// so still stops them. Set to false once the bug is fixed.
inline constexpr bool kToleratesSealRaceBug = true;

inline bool is_seal_race_failure(const Status& status) {
  if (!kToleratesSealRaceBug || status) return false;
  const std::string& msg = status.error().message();
  return status.error().code() == Errc::Corruption &&
         (msg.find("uncommitted record inside a sealed segment") != std::string::npos ||
          msg.find("sealed segment has no end-of-segment marker at its end_of_data") !=
              std::string::npos);
}

// A LogReader of both tiers (hot and compressed segments) from the first
// record that works around the bug above: after that failure it reopens the
// log and seeks back to the seq it expects. If reopened readers keep failing
// so without delivering a record, that is no race but damage, and it stays
// failed. Everything else is the LogReader's own answer.
class TolerantReader {
 public:
  static Result<TolerantReader> open(const std::string& dir) {
    auto reader = LogReader::open(dir, both_tiers());
    if (!reader) return std::move(reader).error();
    return TolerantReader(dir, std::move(*reader));
  }

  Step next(RecordView& out) {
    if (reopen_) {
      auto reader = LogReader::open(dir_, both_tiers());
      if (!reader) return Step::NothingYet;
      if (auto st = reader->seek_seq(expected_); !st) return Step::NothingYet;
      reader_ = std::move(*reader);
      reopen_ = false;
    }
    const Step step = reader_.next(out);
    if (step == Step::Record) {
      expected_ = out.seq + 1;
      retries_ = 0;
    } else if (step == Step::Failed && retries_ < 3 && is_seal_race_failure(reader_.status())) {
      ++worked_around_;
      ++retries_;
      reopen_ = true;
      return Step::NothingYet;
    }
    return step;
  }

  const Status& status() const { return reader_.status(); }
  // How often the seal-race failure was taken for "nothing yet".
  std::uint64_t worked_around() const { return worked_around_; }

 private:
  TolerantReader(std::string dir, LogReader reader)
      : dir_(std::move(dir)), reader_(std::move(reader)) {}
  std::string dir_;
  LogReader reader_;
  std::uint64_t expected_ = 0;
  bool reopen_ = false;  // reopen and seek to expected_ before the next step
  int retries_ = 0;      // reopened since the last record
  std::uint64_t worked_around_ = 0;
};

}  // namespace chronicle::crash
