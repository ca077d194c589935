// Migration of every v1 vector into chronicle's format, read back with
// chronicle's own readers (LogReader, TimeSeriesReader, Table::query) and
// compared with expected.jsonl; and what happens to the target when a
// migration is refused or fails.
#include <chronicle/ipc/v1/v1_format.hpp>
#include <chronicle/ipc/v1/v1_log_reader.hpp>
#include <chronicle/ipc/v1/v1_migration.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/table/table.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "ipc/v1_test_util.hpp"
#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle::ipc::v1 {
namespace {

namespace fs = std::filesystem;

class V1MigrationTest : public test::TempDirTest {
 protected:
  static void expect_ok(const MigrationReport& r) {
    EXPECT_TRUE(r.ok()) << r.status.error().to_string();
    EXPECT_EQ(r.target, TargetState::Complete) << target_state_name(r.target);
  }
};

TEST_F(V1MigrationTest, MigratesEveryLogVector) {
  const auto expected = test::load_expected("log_hot");
  const std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> vectors = {
      {"log_hot", 3, 0}, {"log_cold", 0, 3}, {"log_cold_1m", 0, 3}, {"log_mixed", 1, 2}};
  for (const auto& [name, hot, cold] : vectors) {
    SCOPED_TRACE(name);
    const std::string out = tmp_.sub(name);
    const MigrationReport r = migrate_log(test::v1_vector(name), out);
    expect_ok(r);
    EXPECT_EQ(r.records, 2000u);
    ASSERT_EQ(r.logs.size(), 1u);
    EXPECT_EQ(r.logs[0].hot_segments, hot);
    EXPECT_EQ(r.logs[0].cold_segments, cold);
    EXPECT_EQ(r.logs[0].sessions, 1u);
    EXPECT_TRUE(r.logs[0].verified);
    EXPECT_FALSE(fs::exists(out + "/" + std::string(kIncompleteMarker)));
    std::uint64_t bytes = 0;
    for (const auto& e : expected) bytes += e.payload.size();
    EXPECT_EQ(r.payload_bytes, bytes);

    // Read back with chronicle's plain LogReader: the same records, and the
    // v1 seq (one session, so 0..1999) is the new contiguous seq.
    ASSERT_OK_AND_ASSIGN(auto log, LogReader::open(out));
    EXPECT_EQ(test::expect_records(log, expected), expected.size());
  }
}

TEST_F(V1MigrationTest, ProgressCountsEverySegmentOnceAndEndsAtTheTotals) {
  for (const std::string name : {"log_mixed", "table"}) {
    SCOPED_TRACE(name);
    std::vector<MigrationProgress> seen;
    MigrationOptions options;
    options.on_progress = [&](const MigrationProgress& p) { seen.push_back(p); };
    const std::string out = tmp_.sub("progress-" + name);
    const MigrationReport r = name == "table" ? migrate_table(test::v1_vector(name), out, options)
                                              : migrate_log(test::v1_vector(name), out, options);
    expect_ok(r);
    ASSERT_FALSE(seen.empty());
    std::uint64_t segments = 0;
    for (const MigratedLog& log : r.logs) segments += log.hot_segments + log.cold_segments;
    for (std::size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i].segments_total, segments);
      if (i > 0) {
        EXPECT_GT(seen[i].segments_done, seen[i - 1].segments_done);
        EXPECT_GE(seen[i].records, seen[i - 1].records);
      }
    }
    EXPECT_EQ(seen.back().segments_done, segments);
    EXPECT_EQ(seen.back().records, r.records);
    EXPECT_EQ(seen.back().payload_bytes, r.payload_bytes);
  }
}

TEST_F(V1MigrationTest, MigratedLogSeeksLikeTheV1Log) {
  const std::string out = tmp_.sub("log");
  expect_ok(migrate_log(test::v1_vector("log_cold"), out));
  ASSERT_OK_AND_ASSIGN(auto fresh, TimeSeriesReader::open(out));
  ASSERT_OK_AND_ASSIGN(auto old, V1LogReader::open(test::v1_vector("log_hot")));
  const auto expected = test::load_expected("log_hot");
  for (std::size_t i = 0; i < expected.size(); i += 97) {
    for (std::uint64_t ts : {expected[i].timestamp_ns - 1, expected[i].timestamp_ns,
                             expected[i].timestamp_ns + 1}) {
      ASSERT_OK_AND_ASSIGN(SeekResult a, old.seek_timestamp(ts));
      ASSERT_OK_AND_ASSIGN(SeekResult b, fresh.seek_timestamp(ts));
      EXPECT_EQ(a, b) << ts;
      RecordView va;
      RecordView vb;
      const Step sa = old.next(va);
      ASSERT_EQ(sa, fresh.next(vb)) << ts;
      if (sa == Step::Record) {
        EXPECT_EQ(va.seq, vb.seq) << ts;
      }
    }
  }
}

TEST_F(V1MigrationTest, MigratesTheTableVector) {
  const std::string out = tmp_.sub("table");
  const MigrationReport r = migrate_table(test::v1_vector("table"), out);
  expect_ok(r);
  EXPECT_EQ(r.records, 1200u);
  ASSERT_EQ(r.logs.size(), 3u);
  EXPECT_EQ(r.logs[0].partition, "channel=101/date=2026-01-27");
  for (const MigratedLog& l : r.logs) {
    EXPECT_EQ(l.records, 400u);
    EXPECT_EQ(l.hot_segments, 2u);
    EXPECT_TRUE(l.verified);
  }
  ASSERT_EQ(r.notes.size(), 1u);  // the vector's expected.jsonl
  EXPECT_NE(r.notes[0].find("expected.jsonl"), std::string::npos);

  ASSERT_OK_AND_ASSIGN(auto table, Table::open(out));
  ASSERT_OK_AND_ASSIGN(auto scheme, PartitionScheme::create({{"channel", KeyType::String, 0},
                                                             {"date", KeyType::Date, 0}}));
  EXPECT_EQ(table.scheme(), scheme);
  ASSERT_OK_AND_ASSIGN(auto parts, table.partitions());
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2].path, "channel=101/date=2026-01-29");
  EXPECT_EQ(parts[2].record_count, 400u);

  // Table::query over every partition in timestamp order: expected.jsonl,
  // partition by partition (the days do not overlap), seq from 0 in each.
  const auto expected = test::load_expected("table");
  ASSERT_OK_AND_ASSIGN(auto query, table.query(PartitionFilter::all()));
  TableRecord rec;
  std::size_t n = 0;
  Step step;
  while ((step = query.next(rec)) == Step::Record) {
    ASSERT_LT(n, expected.size());
    const auto& e = expected[n];
    EXPECT_EQ(query.partitions()[rec.partition].path, e.partition) << n;
    EXPECT_EQ(rec.record.seq, e.seq) << n;
    EXPECT_EQ(rec.record.timestamp_ns, e.timestamp_ns) << n;
    EXPECT_EQ(rec.record.type_id, e.type_id) << n;
    EXPECT_TRUE(test::same_payload(rec.record.payload, e.payload)) << n;
    ++n;
  }
  EXPECT_EQ(step, Step::NothingYet) << query.status().error().to_string();
  EXPECT_EQ(n, expected.size());
}

TEST_F(V1MigrationTest, RefusesANonEmptyTarget) {
  const std::string out = tmp_.sub("busy");
  fs::create_directory(out);
  test::write_file(out + "/keep.txt", {'k'});
  const MigrationReport r = migrate_log(test::v1_vector("log_hot"), out);
  EXPECT_EQ(r.status.error().code(), Errc::InvalidArgument) << r.status.error().to_string();
  EXPECT_EQ(r.target, TargetState::Untouched);
  EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 1);
  const MigrationReport t = migrate_table(test::v1_vector("table"), out);
  EXPECT_EQ(t.status.error().code(), Errc::InvalidArgument);
  EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 1);
  test::write_file(tmp_.sub("file"), {'f'});
  EXPECT_FALSE(migrate_log(test::v1_vector("log_hot"), tmp_.sub("file")).ok());
}

// Bad options are refused before the target is created (RELIABILITY J: a
// call that fails creates nothing), naming the field and the value.
TEST_F(V1MigrationTest, RefusesBadOptionsWithoutTouchingTheTarget) {
  struct Case {
    const char* named;
    std::function<void(MigrationOptions&)> set;
  };
  const std::vector<Case> cases = {
      {"segment_size 100", [](MigrationOptions& o) { o.log.log.segment_size = 100; o.table.segment_size = 100; }},
      {"index_stride 0", [](MigrationOptions& o) { o.log.index_stride = 0; o.table.index_stride = 0; }},
      {"timestamp_order 9",
       [](MigrationOptions& o) {
         o.log.timestamp_order = static_cast<TimestampOrder>(9);
         o.table.timestamp_order = static_cast<TimestampOrder>(9);
       }},
      {"dir_mode 777", [](MigrationOptions& o) { o.log.log.dir_mode = 0777; o.table.dir_mode = 0777; }},
  };
  const std::string out = tmp_.sub("out");
  for (const Case& k : cases) {
    MigrationOptions o;
    k.set(o);
    for (const bool table : {false, true}) {
      const MigrationReport r = table ? migrate_table(test::v1_vector("table"), out, o)
                                      : migrate_log(test::v1_vector("log_hot"), out, o);
      ASSERT_FALSE(r.ok()) << k.named;
      EXPECT_EQ(r.status.error().code(), Errc::InvalidArgument) << r.status.error().to_string();
      EXPECT_NE(r.status.error().message().find(k.named), std::string::npos)
          << r.status.error().message();
      EXPECT_EQ(r.target, TargetState::Untouched) << k.named;
      EXPECT_FALSE(fs::exists(out)) << k.named << (table ? " (table)" : " (log)");
    }
  }
}

TEST_F(V1MigrationTest, RefusesAnUnreadableSourceWithoutTouchingTheTarget) {
  const std::string out = tmp_.sub("out");
  const MigrationReport r = migrate_log(tmp_.sub("no-such-log"), out);
  EXPECT_EQ(r.status.error().code(), Errc::NotFound);
  EXPECT_EQ(r.target, TargetState::Untouched);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(V1MigrationTest, DamageFoundMidwayRemovesTheTarget) {
  const std::string src = tmp_.sub("src");
  test::copy_vector("log_mixed", src);
  test::flip_bit(src + "/000000002.q", 64 * 200 + 64 + 3, 1);  // in segment 2, the last
  const std::string out = tmp_.sub("out");
  const MigrationReport r = migrate_log(src, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status.error().code(), Errc::Corruption);
  EXPECT_NE(r.status.error().message().find("000000002.q"), std::string::npos);
  EXPECT_EQ(r.target, TargetState::Removed);
  EXPECT_FALSE(fs::exists(out));
  ASSERT_EQ(r.logs.size(), 1u);
  EXPECT_GE(r.logs[0].records, 1598u);  // how far it got
  EXPECT_FALSE(r.logs[0].verified);

  // An empty directory given as the target is kept, empty.
  fs::create_directory(out);
  const MigrationReport again = migrate_log(src, out);
  EXPECT_EQ(again.target, TargetState::Removed);
  EXPECT_TRUE(fs::exists(out));
  EXPECT_TRUE(fs::is_empty(out));
}

TEST_F(V1MigrationTest, RenumbersSeqAcrossWriterSessions) {
  const std::string src = tmp_.sub("src");
  test::copy_vector("log_hot", src);
  // Make segment 2 the work of a second writer session: its seq restarts at 0.
  fs::remove(src + "/000000002.idx");
  const std::string seg = src + "/000000002.q";
  auto bytes = test::read_file(seg);
  for (std::uint64_t off = 64, seq = 0;; ++seq) {
    std::uint32_t commit;
    std::memcpy(&commit, bytes.data() + off, 4);
    if (commit == 0) break;
    std::memcpy(bytes.data() + off + 8, &seq, 8);
    off += v1::record_size(commit - 1);  // not chronicle::record_size
  }
  test::write_file(seg, bytes);

  const std::string out = tmp_.sub("out");
  const MigrationReport r = migrate_log(src, out);
  expect_ok(r);
  EXPECT_EQ(r.logs[0].sessions, 2u);
  ASSERT_OK_AND_ASSIGN(auto log, LogReader::open(out));
  // The new seq is contiguous 0..1999 (expected.jsonl's seq), though v1 said
  // 0..1597 then 0..401.
  EXPECT_EQ(test::expect_records(log, test::load_expected("log_hot")), 2000u);
}

TEST_F(V1MigrationTest, BackwardTimestampsNeedPermissiveOrder) {
  const std::string src = tmp_.sub("src");
  test::copy_vector("log_hot", src);
  const std::uint64_t early = 1;  // record 5's timestamp, not covered by the CRC
  test::set_bytes(src + "/000000000.q", 64 + 64 + 128 + 128 + 128 + 128 + 16, &early, 8);
  ASSERT_OK_AND_ASSIGN(auto check, V1LogReader::open(src));
  RecordView v;
  for (int i = 0; i < 6; ++i) ASSERT_EQ(check.next(v), Step::Record);
  ASSERT_EQ(v.timestamp_ns, 1u) << "poked the wrong record";

  const MigrationReport strict = migrate_log(src, tmp_.sub("strict"));
  EXPECT_EQ(strict.status.error().code(), Errc::InvalidArgument) << strict.status.error().to_string();
  EXPECT_EQ(strict.target, TargetState::Removed);
  EXPECT_FALSE(fs::exists(tmp_.sub("strict")));

  MigrationOptions options;
  options.log.timestamp_order = TimestampOrder::Permissive;
  const MigrationReport permissive = migrate_log(src, tmp_.sub("permissive"), options);
  expect_ok(permissive);
  EXPECT_EQ(permissive.records, 2000u);
}

TEST_F(V1MigrationTest, RefusesATableWithADirectoryThatIsNotAPartition) {
  const std::string src = tmp_.sub("src");
  test::copy_vector("table", src);
  fs::create_directory(src + "/channel=101/old-data");
  const std::string out = tmp_.sub("out");
  const MigrationReport r = migrate_table(src, out);
  EXPECT_EQ(r.status.error().code(), Errc::InvalidArgument);
  EXPECT_NE(r.status.error().message().find("old-data"), std::string::npos);
  EXPECT_EQ(r.target, TargetState::Untouched);
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace chronicle::ipc::v1
