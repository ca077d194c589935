#pragma once
// Builds logs for reader and recovery tests from deterministic records, and
// reads them back as (seq, payload) lists.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "support/records.hpp"

namespace chronicle::test {

struct ReadBack {
  std::vector<std::uint64_t> seqs;
  Step last = Step::NothingYet;
  Status status;
};

// Appends records [from, to) of seed `seed` with payloads up to max_len.
inline void append_records(SegmentWriter& writer, std::uint64_t seed, std::uint64_t from,
                           std::uint64_t to, std::size_t max_len = 300) {
  for (std::uint64_t s = from; s < to; ++s) {
    auto r = writer.append(type_for(seed, s), timestamp_for(seed, s), payload_for(seed, s, max_len));
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(*r, s);
  }
}

// Reads `dir` from its first record, checking every record against the
// deterministic content of `seed`.
inline ReadBack read_back(const std::string& dir, std::uint64_t seed, std::size_t max_len = 300,
                          ReaderOptions options = {}) {
  ReadBack out;
  auto reader = LogReader::open(dir, options);
  if (!reader) {
    out.last = Step::Failed;
    out.status = reader.error();
    return out;
  }
  RecordView v;
  while ((out.last = reader->next(v)) == Step::Record) {
    EXPECT_EQ(v.type_id, type_for(seed, v.seq));
    EXPECT_EQ(v.timestamp_ns, timestamp_for(seed, v.seq));
    const auto expected = payload_for(seed, v.seq, max_len);
    EXPECT_TRUE(std::equal(v.payload.begin(), v.payload.end(), expected.begin(), expected.end()))
        << "payload of seq " << v.seq;
    out.seqs.push_back(v.seq);
  }
  out.status = reader->status();
  return out;
}

inline std::vector<std::uint64_t> iota_seqs(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> v;
  for (std::uint64_t s = from; s < to; ++s) v.push_back(s);
  return v;
}

}  // namespace chronicle::test
