// A6: a table written through a RollingWriter with an HourRoller (index
// stride 4, 8 KiB segments, 120 records per hour partition, so segments and
// partitions both roll) by a crash child that is killed with SIGKILL, at
// random moments or at the named crash points a partition roll goes through
// (index.*, partition.*). After every kill, per partition:
//   - every acknowledged record is there, the records form one contiguous
//     stream k = 0..K-1 across the partitions (at most the one in-flight
//     append beyond the acknowledged ones), each exactly as written (P1-P3);
//   - the next writer continues at K (the next child's first ack, or the
//     test's own writer), and completes the index of the partition it
//     continued (P4);
//   - seek_timestamp of every recovered timestamp, and of one nanosecond
//     after each, positions at the first record a brute-force scan finds;
//   - every .idx present is never ahead of the data: its records exist and
//     its entries point at records with those timestamps; one the test
//     damaged is refused as Corruption and seeks stay right;
//   - a partition that was being created is absent or readable.

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chronicle/core/crash_point.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/segment_index.hpp>
#include <chronicle/table/table.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "crash/crash_harness.hpp"
#include "crash/rolling_records.hpp"
#include "support/files.hpp"

namespace chronicle::crash {
namespace {

using rolling::kRecordsPerHour;

// What one verification found.
struct TableState {
  std::uint64_t records = 0;     // K: records k = 0..K-1 are in the table
  std::uint64_t partitions = 0;  // partitions listed (the last may be empty)
};

// Ids of the `.idx` files in `dir`.
std::vector<std::uint64_t> index_ids(const std::string& dir) {
  std::vector<std::uint64_t> ids;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ids;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name.size() == 13 && name.ends_with(".idx")) {
      ids.push_back(std::stoull(std::string(name.substr(0, 9))));
    }
  }
  ::closedir(d);
  std::sort(ids.begin(), ids.end());
  return ids;
}

class RollingChecker {
 public:
  RollingChecker(std::string root, std::uint64_t seed) : root_(std::move(root)), seed_(seed) {}

  // Checks partitions from hour `from` on (the earlier ones were checked
  // before and are full) and sets `*out`.
  ::testing::AssertionResult verify(std::uint64_t from, TableState* out) {
    auto table = Table::open(root_);
    if (!table) return ::testing::AssertionFailure() << "Table::open: " << table.error().to_string();
    auto parts = table->partitions();
    if (!parts) {
      return ::testing::AssertionFailure() << "partitions(): " << parts.error().to_string();
    }
    const std::uint64_t h_count = parts->size();
    for (std::uint64_t h = 0; h < h_count; ++h) {
      if ((*parts)[h].values != rolling::partition_of(*table, h)) {
        return ::testing::AssertionFailure()
               << "partition #" << h << " is " << (*parts)[h].path << ": a partition is missing";
      }
    }
    TableState state{0, h_count};
    for (std::uint64_t h = std::min(from, h_count); h < h_count; ++h) {
      std::vector<std::uint64_t> ts;
      if (auto ok = read_partition(*table, h, &ts); !ok) return ok;
      if (h + 1 < h_count && ts.size() != kRecordsPerHour) {
        return ::testing::AssertionFailure()
               << "P2: partition " << (*parts)[h].path << " holds " << ts.size()
               << " records, but a later partition exists (a hole in the stream)";
      }
      if (auto ok = check_indexes(*table, h, ts); !ok) return ok;
      if (auto ok = check_seeks(*table, h, ts); !ok) return ok;
      if (h + 1 == h_count) state.records = h * kRecordsPerHour + ts.size();
    }
    if (from >= h_count && h_count > 0) {
      return ::testing::AssertionFailure() << "verify from hour " << from << " but only "
                                           << h_count << " partitions exist";
    }
    *out = state;
    return ::testing::AssertionSuccess();
  }

  // Damages one .idx of partition h (a flipped byte), which readers must
  // refuse and seeks must survive. False if the partition has none.
  bool damage_an_index(std::uint64_t h, std::mt19937_64& rng) {
    auto table = Table::open(root_);
    if (!table) return false;
    const std::string dir = table->partition_dir(rolling::partition_of(*table, h)).value();
    const auto ids = index_ids(dir);
    if (ids.empty()) return false;
    const std::string path = segment_index_path(dir, ids[rng() % ids.size()]);
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    const auto size = static_cast<std::uint64_t>(f.tellg());
    const auto at = static_cast<std::streamoff>(rng() % size);
    char c = 0;
    f.seekg(at);
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(at);
    f.write(&c, 1);
    damaged_.insert(path);
    return true;
  }

  std::uint64_t seeks() const { return seeks_; }
  std::uint64_t indexes() const { return indexes_; }

 private:
  ::testing::AssertionResult read_partition(const Table& t, std::uint64_t h,
                                            std::vector<std::uint64_t>* ts) {
    auto reader = t.reader(rolling::partition_of(t, h));
    if (!reader) {
      return ::testing::AssertionFailure() << "partition of hour " << h
                                           << " is neither absent nor readable: "
                                           << reader.error().to_string();
    }
    RecordView v;
    Step step;
    while ((step = reader->next(v)) == Step::Record) {
      const std::uint64_t n = ts->size();
      const std::uint64_t k = h * kRecordsPerHour + n;
      if (v.seq != n || n >= kRecordsPerHour) {
        return ::testing::AssertionFailure() << "P2: hour " << h << " record #" << n
                                             << " has seq " << v.seq;
      }
      const auto payload = rolling::payload_of(seed_, k);
      if (v.type_id != rolling::type_of(seed_, k) || v.timestamp_ns != rolling::timestamp_of(k) ||
          v.payload.size() != payload.size() ||
          (!payload.empty() && std::memcmp(v.payload.data(), payload.data(), payload.size()) != 0)) {
        return ::testing::AssertionFailure()
               << "P3: hour " << h << " seq " << n << " is not record " << k << " as written";
      }
      ts->push_back(v.timestamp_ns);
    }
    if (step == Step::Failed) {
      return ::testing::AssertionFailure() << "reader of hour " << h << " failed after "
                                           << ts->size() << " records: "
                                           << reader->status().error().to_string();
    }
    return ::testing::AssertionSuccess();
  }

  // Every index file is consistent with the records read, never ahead of them.
  ::testing::AssertionResult check_indexes(const Table& t, std::uint64_t h,
                                           const std::vector<std::uint64_t>& ts) {
    const std::string dir = t.partition_dir(rolling::partition_of(t, h)).value();
    for (const std::uint64_t id : index_ids(dir)) {
      const std::string path = segment_index_path(dir, id);
      auto index = read_segment_index(t.file_system(), dir, id);
      if (damaged_.count(path) != 0) {
        if (index || index.error().code() != Errc::Corruption) {
          return ::testing::AssertionFailure() << "a damaged index was accepted: " << path;
        }
        continue;
      }
      if (!index) return ::testing::AssertionFailure() << index.error().to_string();
      ++indexes_;
      const SegmentIndex& x = *index;
      if (x.record_count == 0 || x.base_seq + x.record_count > ts.size()) {
        return ::testing::AssertionFailure()
               << path << " covers seqs [" << x.base_seq << ", " << x.base_seq + x.record_count
               << ") but the partition holds " << ts.size() << " records: index ahead of data";
      }
      if (x.stride != rolling::kIndexStride ||
          x.entries.size() != (x.record_count + x.stride - 1) / x.stride ||
          x.min_timestamp_ns != ts[x.base_seq] ||
          x.max_timestamp_ns != ts[x.base_seq + x.record_count - 1] || !x.ordered) {
        return ::testing::AssertionFailure() << path << " does not describe its records";
      }
      for (std::size_t j = 0; j < x.entries.size(); ++j) {
        const IndexEntry& e = x.entries[j];
        if (e.seq != x.base_seq + j * x.stride || e.timestamp_ns != ts[e.seq]) {
          return ::testing::AssertionFailure()
                 << path << " entry " << j << " (seq " << e.seq << ", ts " << e.timestamp_ns
                 << ") does not match the record read";
        }
      }
    }
    return ::testing::AssertionSuccess();
  }

  // seek_timestamp against a brute-force scan of `ts`.
  ::testing::AssertionResult check_seeks(const Table& t, std::uint64_t h,
                                         const std::vector<std::uint64_t>& ts) {
    if (ts.empty()) return ::testing::AssertionSuccess();
    auto reader = t.reader(rolling::partition_of(t, h));
    if (!reader) return ::testing::AssertionFailure() << reader.error().to_string();
    std::vector<std::uint64_t> queries{ts.front() - 1};
    for (std::size_t i = 0; i < ts.size(); ++i) {
      if (i == 0 || ts[i] != ts[i - 1]) {
        queries.push_back(ts[i]);
        queries.push_back(ts[i] + 1);
      }
    }
    for (const std::uint64_t q : queries) {
      ++seeks_;
      std::size_t first = 0;
      while (first < ts.size() && ts[first] < q) ++first;
      auto r = reader->seek_timestamp(q);
      if (!r) {
        return ::testing::AssertionFailure() << "seek_timestamp(" << q << ") in hour " << h << ": "
                                             << r.error().to_string();
      }
      RecordView v;
      const Step step = reader->next(v);
      const bool ok = first == ts.size()
                          ? *r == SeekResult::EndOfLog && step == Step::NothingYet
                          : step == Step::Record && v.seq == first &&
                                (*r == SeekResult::Found || (first == 0 && *r == SeekResult::BeforeStart));
      if (!ok) {
        return ::testing::AssertionFailure()
               << "seek_timestamp(" << q << ") in hour " << h << " gave "
               << seek_result_name(*r) << " then "
               << (step == Step::Record ? "seq " + std::to_string(v.seq) : "no record")
               << "; the first record with timestamp >= it is seq " << first << " of " << ts.size();
      }
    }
    return ::testing::AssertionSuccess();
  }

  std::string root_;
  std::uint64_t seed_;
  std::set<std::string> damaged_;
  std::uint64_t seeks_ = 0;
  std::uint64_t indexes_ = 0;
};

// Appends records [k, k + m) with a writer of this process and finishes it
// (P4: the next writer continues the stream where the crash left it).
::testing::AssertionResult extend(const std::string& root, std::uint64_t seed, std::uint64_t k,
                                  std::uint64_t m) {
  auto table = Table::open(root);
  if (!table) return ::testing::AssertionFailure() << table.error().to_string();
  auto writer = rolling::open_writer(*table);
  if (!writer) return ::testing::AssertionFailure() << writer.error().to_string();
  for (std::uint64_t i = k; i < k + m; ++i) {
    auto seq = rolling::append_record(*writer, seed, i);
    if (!seq) {
      return ::testing::AssertionFailure() << "P4: append of record " << i << ": "
                                           << seq.error().to_string();
    }
    if (*seq != i % kRecordsPerHour) {
      return ::testing::AssertionFailure() << "P4: record " << i << " got seq " << *seq
                                           << " in its partition, expected " << i % kRecordsPerHour;
    }
  }
  if (auto st = writer->finish(); !st) return ::testing::AssertionFailure() << st.error().to_string();
  return ::testing::AssertionSuccess();
}

// After a writer of this process finished partition h, each of its sealed
// segments has its index (missing ones are rebuilt when the writer opens).
::testing::AssertionResult indexes_complete(const std::string& root, std::uint64_t h) {
  auto table = Table::open(root);
  if (!table) return ::testing::AssertionFailure() << table.error().to_string();
  const std::string dir = table->partition_dir(rolling::partition_of(*table, h)).value();
  auto segments = list_segments(dir);
  if (!segments) return ::testing::AssertionFailure() << segments.error().to_string();
  for (const SegmentEntry& e : *segments) {
    if (!read_segment_index(table->file_system(), dir, e.id)) {
      return ::testing::AssertionFailure()
             << "segment " << e.id << " of " << dir << " has no readable index after finish()";
    }
  }
  return ::testing::AssertionSuccess();
}

// A child appending records k = start, start+1, ... to the table.
struct RollingChild {
  Child child;
  SeqStream acks;
};

RollingChild spawn_rolling(const std::string& root, std::uint64_t seed, std::uint64_t start,
                           std::uint64_t count, const std::vector<std::string>& env = {}) {
  Pipe pipe = Pipe::make();
  Child child = Child::spawn({root, std::to_string(seed), std::to_string(rolling::kSegmentSize),
                              "rolling", std::to_string(start), std::to_string(count)},
                             env, {{3, pipe.write.get()}});
  pipe.write.reset();
  return RollingChild{std::move(child), SeqStream(std::move(pipe.read))};
}

// P1/P2 for the stream: K covers every ack and at most one in-flight record.
::testing::AssertionResult stream_ok(std::uint64_t before, const SeqStream& acks,
                                     const TableState& s) {
  const std::uint64_t acked_end = acks.size() == 0 ? before : acks.values().back() + 1;
  if (s.records < acked_end || s.records < before) {
    return ::testing::AssertionFailure() << "P1: the table holds records [0, " << s.records
                                         << ") but record " << acked_end - 1
                                         << " was acknowledged (before the trial: " << before << ")";
  }
  if (s.records > acked_end + 1) {
    return ::testing::AssertionFailure() << "P2: the table holds " << s.records
                                         << " records, more than one past the acknowledged "
                                         << acked_end;
  }
  return ::testing::AssertionSuccess();
}

class RollingKillFixture {
 protected:
  RollingKillFixture() : seed_(test_seed()), rng_(seed_), root_(tmp_.sub("table")) {}

  void create_table() {
    ASSERT_OK(Table::create(root_, rolling::scheme(), rolling::config()));
  }

  // Verifies from the partition before the one the stream ends in.
  void verify(bool full) {
    const std::uint64_t h = rolling::hour_of(state_.records);
    TableState s;
    ASSERT_TRUE(checker_.verify(full || h == 0 ? 0 : h - 1, &s));
    state_ = s;
  }

  ScratchDir tmp_;
  std::uint64_t seed_;
  std::mt19937_64 rng_;
  std::string root_;
  RollingChecker checker_{root_, seed_};
  TableState state_;
};

class RollingKillTest : public ::testing::Test, public RollingKillFixture {};

TEST_F(RollingKillTest, EveryAcknowledgedRecordSurvivesRandomKillsAcrossPartitionRolls) {
  create_table();
  const int trials = scaled_trials(60);
  announce_seed(seed_, trials);
  const auto started = Clock::now();
  std::uint64_t acked = 0, extended = 0, damaged = 0;
  for (int trial = 0; trial < trials; ++trial) {
    SCOPED_TRACE("seed " + std::to_string(seed_) + ", trial " + std::to_string(trial));
    const std::uint64_t before = state_.records;
    RollingChild c = spawn_rolling(root_, seed_, before, 0);
    if (rng_() % 2 == 0) {
      const auto deadline = Clock::now() + std::chrono::microseconds(rng_() % 20'001);
      for (auto now = Clock::now(); now < deadline && !c.acks.eof(); now = Clock::now()) {
        c.acks.poll(std::chrono::duration_cast<milliseconds>(deadline - now) + milliseconds(1));
      }
    } else {
      const std::size_t target = 1 + rng_() % (4 * kRecordsPerHour);
      const auto deadline = Clock::now() + std::chrono::seconds(30);
      while (c.acks.size() < target && !c.acks.eof() && Clock::now() < deadline) {
        c.acks.poll(milliseconds(5));
      }
    }
    if (!c.child.running()) {
      c.acks.drain();
      ADD_FAILURE() << "the crash child ended before it was killed: " << c.child.wait().describe();
    } else {
      c.child.kill();
      EXPECT_TRUE(c.child.wait().killed_by(SIGKILL));
      EXPECT_TRUE(c.acks.drain());
    }
    acked += c.acks.size();
    EXPECT_TRUE(acks_contiguous(c.acks, before)) << "the child did not continue the stream";
    const bool full = trial % 10 == 9 || trial == trials - 1;
    verify(full);
    EXPECT_TRUE(stream_ok(before, c.acks, state_));
    if (!HasFailure() && trial % 5 == 4 && state_.partitions >= 2) {
      // A damaged index of a finished partition: refused, and seeks stay
      // right (checked by the next full verification).
      damaged += checker_.damage_an_index(rng_() % (state_.partitions - 1), rng_) ? 1 : 0;
    }
    if (!HasFailure() && (rng_() % 2 == 0 || trial == trials - 1)) {
      ++extended;
      const std::uint64_t k = state_.records;
      EXPECT_TRUE(extend(root_, seed_, k, 1 + rng_() % kRecordsPerHour));
      EXPECT_TRUE(indexes_complete(root_, rolling::hour_of(k)));
      verify(full);
    }
    if (HasFailure()) {
      save_artifacts(root_, seed_, trial);
      break;
    }
  }
  const auto ms =
      std::chrono::duration_cast<milliseconds>(Clock::now() - started).count();
  std::printf("[   info   ] %d trials, %llu acks, %llu records in %llu partitions, %llu extended "
              "by the test, %llu indexes damaged, %llu indexes and %llu seeks checked, %lld ms\n",
              trials, static_cast<unsigned long long>(acked),
              static_cast<unsigned long long>(state_.records),
              static_cast<unsigned long long>(state_.partitions),
              static_cast<unsigned long long>(extended), static_cast<unsigned long long>(damaged),
              static_cast<unsigned long long>(checker_.indexes()),
              static_cast<unsigned long long>(checker_.seeks()), static_cast<long long>(ms));
}

// Files under `root` with the temporary name of a segment being prepared.
int prep_files(const std::string& root) {
  int n = 0;
  for (const auto& [path, bytes] : test::files_under(root)) n += path.ends_with(kPrepSuffix);
  return n;
}

std::vector<std::string_view> table_points() {
  std::vector<std::string_view> out;
  for (const auto p : detail::kCrashPoints) {
    if (is_table_crash_point(p)) out.push_back(p);
  }
  return out;
}

class RollingCrashPointTest : public ::testing::TestWithParam<std::string_view>,
                              public RollingKillFixture {};

TEST_P(RollingCrashPointTest, TableRecoversAfterAKillAtThePoint) {
  const std::string_view point = GetParam();
  create_table();
  const int last_hit = scaled_trials(200) >= 1000 ? 20 : 3;
  announce_seed(seed_, last_hit);
  for (int hit = 1; hit <= last_hit; ++hit) {
    SCOPED_TRACE("crash point " + std::string(point) + ", hit " + std::to_string(hit) +
                 ", seed " + std::to_string(seed_));
    const std::uint64_t before = state_.records;
    // Enough records for `hit` partition rolls, whatever the start.
    RollingChild c = spawn_rolling(root_, seed_, before, kRecordsPerHour * (hit + 2),
                                   {"CHRONICLE_CRASH_AT=" + std::string(point),
                                    "CHRONICLE_CRASH_HIT=" + std::to_string(hit)});
    const bool drained = c.acks.drain(milliseconds(30000));
    const auto status = c.child.wait_for(milliseconds(drained ? 30000 : 0));
    ASSERT_TRUE(status.has_value()) << "the child hangs on its way to " << point;
    ASSERT_FALSE(status->exited_with(0)) << point << " was not reached " << hit << " time(s)";
    ASSERT_TRUE(status->killed_by(SIGKILL)) << status->describe();
    ASSERT_TRUE(acks_contiguous(c.acks, before));
    verify(false);
    ASSERT_FALSE(HasFailure());
    EXPECT_TRUE(stream_ok(before, c.acks, state_));
    // Killed inside a partition roll: the next partition exists and is empty.
    // (The previous partition is finished on the writer's finisher thread,
    // while the appending thread may already fill the next one.)
    if (point.starts_with("partition.") && point != "partition.after_finish_previous") {
      EXPECT_EQ(state_.records % kRecordsPerHour, 0u);
      EXPECT_EQ(state_.partitions, rolling::hour_of(state_.records) + 1)
          << "no partition was being created";
    }
    // Killed with the previous partition's spare renamed into the next one,
    // not yet started there: it lies under its temporary name.
    if (point == "partition.after_adopt_spare") {
      EXPECT_EQ(prep_files(root_), 1);
    }
    // The next writer continues the stream and completes the indexes of the
    // partition it continues.
    const std::uint64_t k = state_.records;
    EXPECT_TRUE(extend(root_, seed_, k, 1 + rng_() % kRecordsPerHour));
    EXPECT_TRUE(indexes_complete(root_, rolling::hour_of(k)));
    if (point == "partition.after_adopt_spare") {
      EXPECT_EQ(prep_files(root_), 0) << "the next writer left the interrupted spare behind";
    }
    verify(hit == last_hit);
    if (HasFailure()) {
      save_artifacts(root_, seed_, hit);
      return;
    }
  }
  std::printf("[   info   ] %d hits, %llu records in %llu partitions, %llu seeks checked\n",
              last_hit, static_cast<unsigned long long>(state_.records),
              static_cast<unsigned long long>(state_.partitions),
              static_cast<unsigned long long>(checker_.seeks()));
}

INSTANTIATE_TEST_SUITE_P(Named, RollingCrashPointTest, ::testing::ValuesIn(table_points()),
                         crash_point_test_name);

}  // namespace
}  // namespace chronicle::crash
