// B3: the I/O ordering audit. Representative operations run through a
// recording PowerLossFs: appends across rolls with syncs, close and reopen,
// Table::create and a partition writer, compress_segment and
// decompress_segment, a lifecycle run with compression and retention, and
// an access-tracker flush. The recorded calls must follow rules 1, 2, 3 and
// 5 (io_order_audit.hpp); after every successful sync() the model must show
// nothing of the log that a power loss could still take (rule 4). The rule
// checker itself is shown to catch a break of each rule on hand-made call
// sequences.

#include "powerloss/io_order_audit.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/core/unique_fd.hpp>
#include <chronicle/lifecycle/access_tracker.hpp>
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/table/table.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "crash/crash_harness.hpp"
#include "powerloss/power_loss_fs.hpp"
#include "support/manual_clock.hpp"

namespace chronicle::powerloss {
namespace {

constexpr std::uint64_t kSegmentSize = 16 * 1024;
constexpr std::uint64_t kNow = 1'800'000'000'000'000'000ull;

// Files a sync() of a log does not promise: the writer lock (its pid, for
// messages), a prepared next segment (under its temporary name or named
// ahead), temp files, derived indexes, advisory access data and lock files.
bool not_promised_by_sync(const std::string& dir, const std::string& name) {
  if (name == ".lock" || name == ".lifecycle.lock" || name.ends_with(".q.prep") ||
      name.find(".tmp-") != std::string::npos || name.ends_with(".idx") ||
      name.rfind(".access", 0) == 0) {
    return true;
  }
  const auto segment = parse_segment_file_name(name);
  if (!segment || segment->suffix != kHotSuffix) return false;
  const UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) return false;
  const auto named_ahead = is_named_ahead_on_disk(dir_fd.get(), dir, segment->id);
  return named_ahead && *named_ahead;
}

class IoOrderAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.sub("root");
    std::filesystem::create_directories(root_);
    fs_ = std::make_unique<PowerLossFs>(root_);
  }

  // Rule 4: after a successful sync() of the log in `dir`, nothing of it is
  // left that a power loss could take, but the watermark of the live
  // segment (bytes 96-103), which reaches the disk with the next sync.
  void expect_sync_left_nothing(const std::string& dir, const std::string& when) {
    ++syncs_checked_;
    const auto left = fs_->not_durable(
        dir, [&](const std::string& name) { return not_promised_by_sync(dir, name); }, 96, 104);
    EXPECT_TRUE(left.empty()) << "rule 4, after " << when << ": " << ::testing::PrintToString(left);
  }

  void expect_rules_hold(const char* what) {
    const AuditResult r = audit_calls(fs_->calls());
    EXPECT_TRUE(r.violations.empty()) << what << ": " << ::testing::PrintToString(r.violations);
    std::printf(
        "[   info   ] %s: %zu calls; rule 1/2: %d renames, rule 3: %d unlinks, rule 4: %d "
        "syncs, rule 5: %d ftruncates; exempt:",
        what, fs_->calls().size(), r.renames, r.unlinks, syncs_checked_, r.truncates);
    for (const auto& [why, n] : r.exempt) std::printf(" %d (%.40s...)", n, why.c_str());
    std::printf("\n");
    last_ = r;
  }

  LogOptions log_options(bool prepare_ahead, bool sync_on_seal) {
    LogOptions o;
    o.segment_size = kSegmentSize;
    o.prepare_ahead = prepare_ahead;
    o.sync_on_seal = sync_on_seal;
    o.opener = &UnifiedSegmentOpener::instance();
    o.fs = fs_.get();
    return o;
  }

  // Appends `n` records, syncing every `every`; checks rule 4 after each sync.
  void append_and_sync(SegmentWriter& w, const std::string& dir, int n, int every) {
    for (int i = 0; i < n; ++i) {
      ASSERT_OK(crash::append_expected(w, 21, 3000));
      if ((i + 1) % every == 0) {
        fs_->mark("begin sync");
        ASSERT_OK(w.sync());
        fs_->mark("end sync");
        expect_sync_left_nothing(dir, "sync at seq " + std::to_string(w.next_seq()));
      }
    }
  }

  crash::ScratchDir tmp_;
  std::string root_;
  std::unique_ptr<PowerLossFs> fs_;
  int syncs_checked_ = 0;
  AuditResult last_;
};

TEST_F(IoOrderAuditTest, AppendsRollsSyncsCloseAndReopen) {
  const std::string dir = root_ + "/log";
  for (bool prepare_ahead : {false, true}) {
    for (bool sync_on_seal : {false, true}) {
      fs_->mark("begin open");
      auto w = SegmentWriter::open(dir, log_options(prepare_ahead, sync_on_seal));
      ASSERT_OK(w);
      fs_->mark("end open");
      append_and_sync(*w, dir, 120, 17);
      fs_->mark("begin close");
      ASSERT_OK(w->close());
      fs_->mark("end close");
    }
  }
  // A reopened writer's first sync covers what the last one left unsynced.
  auto w = SegmentWriter::open(dir, log_options(false, false));
  ASSERT_OK(w);
  fs_->mark("begin sync");
  ASSERT_OK(w->sync());
  fs_->mark("end sync");
  expect_sync_left_nothing(dir, "the first sync after a reopen");
  ASSERT_OK(w->close());
  expect_rules_hold("log");
  EXPECT_GT(last_.exempt.size(), 0u) << "the rolls renamed prepared segments";
}

TEST_F(IoOrderAuditTest, TableCreateAndAPartitionWriter) {
  const auto scheme =
      PartitionScheme::create({{"venue", KeyType::String, 0}, {"day", KeyType::Int, 0}}).value();
  TableConfig config;
  config.segment_size = kSegmentSize;
  config.index_stride = 4;
  fs_->mark("begin Table::create");
  auto t = Table::create(root_ + "/t", scheme, config, *fs_);
  ASSERT_OK(t);
  fs_->mark("end Table::create");
  auto values =
      PartitionValues::create(scheme, {{"venue", std::string("XNAS")}, {"day", std::int64_t{3}}})
          .value();
  auto w = t->partition_writer(values);
  ASSERT_OK(w);
  const std::string dir = t->partition_dir(values).value();
  for (std::uint64_t i = 0; i < 200; ++i) {
    ASSERT_OK(w->append(1, kNow + i, std::vector<std::byte>(i % 700)));
    if (i % 50 == 49) {
      fs_->mark("begin sync");
      ASSERT_OK(w->sync());
      fs_->mark("end sync");
      expect_sync_left_nothing(dir, "a partition sync");
      expect_sync_left_nothing(root_ + "/t", "a partition sync (the table directory)");
    }
  }
  ASSERT_OK(w->finish());
  expect_rules_hold("table");
  EXPECT_GE(last_.renames, 1) << "_table.json";
}

// A log no sync() ever covered, whose segment 1 a lifecycle run compressed:
// the .q.zst is durable, but segment 0 before it is not, so the next
// writer's first sync() must still cover it. (Recovery once took the newest
// cold segment for a synced point with everything before it covered, and
// that sync() left segment 0 to chance; the audit of the quick suite found
// it in model_test.)
TEST_F(IoOrderAuditTest, FirstSyncCoversSegmentsBeforeACompressedOne) {
  const std::string dir = root_ + "/log";
  {
    auto w = SegmentWriter::open(dir, log_options(false, false));
    ASSERT_OK(w);
    while (w->segment_id() < 2) ASSERT_OK(crash::append_expected(*w, 23, 3000));
    ASSERT_OK(w->close());
  }
  SegmentCompressionOptions o;
  o.seekable.block_size = 4096;
  o.fs = fs_.get();
  ASSERT_OK(compress_segment(dir, 1, o));
  auto w = SegmentWriter::open(dir, log_options(false, false));
  ASSERT_OK(w);
  ASSERT_OK(crash::append_expected(*w, 23, 3000));
  fs_->mark("begin sync");
  ASSERT_OK(w->sync());
  fs_->mark("end sync");
  expect_sync_left_nothing(dir, "the first sync after segment 1 was compressed");
  ASSERT_OK(w->close());
}

// A closed log of several sealed segments, made without the model.
void make_log(const std::string& dir) {
  LogOptions o;
  o.segment_size = kSegmentSize;
  auto w = SegmentWriter::open(dir, o);
  ASSERT_OK(w);
  while (w->segment_id() < 3) ASSERT_OK(crash::append_expected(*w, 22, 3000));
  ASSERT_OK(w->close());
}

TEST_F(IoOrderAuditTest, CompressAndDecompress) {
  fs_.reset();
  make_log(root_ + "/log");
  fs_ = std::make_unique<PowerLossFs>(root_);
  SegmentCompressionOptions o;
  o.seekable.block_size = 4096;
  o.fs = fs_.get();
  for (std::uint64_t id : {0, 1}) {
    fs_->mark("begin compress");
    ASSERT_OK(compress_segment(root_ + "/log", id, o));
    fs_->mark("end compress");
  }
  fs_->mark("begin decompress");
  ASSERT_OK(decompress_segment(root_ + "/log", 1, o));
  fs_->mark("end decompress");
  expect_rules_hold("compression");
  EXPECT_EQ(last_.renames, 3);
  EXPECT_EQ(last_.unlinks, 3);
}

TEST_F(IoOrderAuditTest, LifecycleRunWithRetentionAndAnAccessTrackerFlush) {
  fs_.reset();
  const auto scheme = PartitionScheme::create({{"symbol", KeyType::String, 0}}).value();
  TableConfig config;
  config.segment_size = kSegmentSize;
  auto t = Table::create(root_ + "/t", scheme, config);
  ASSERT_OK(t);
  // S0 old enough to lose its oldest segments; S1 old enough to go whole;
  // S2 recent: compressed only.
  const std::uint64_t day = 86'400'000'000'000ull;
  const std::uint64_t first_ts[] = {kNow - 30 * day, kNow - 40 * day, kNow - day};
  for (int p = 0; p < 3; ++p) {
    auto values = PartitionValues::create(scheme, {{"symbol", "S" + std::to_string(p)}}).value();
    auto w = t->partition_writer(values);
    ASSERT_OK(w);
    for (std::uint64_t i = 0; i < 300; ++i) {
      const std::uint64_t ts = first_ts[p] + (p == 0 ? i * (day / 10) : i);
      ASSERT_OK(w->append(1, ts, std::vector<std::byte>(200)));
    }
    ASSERT_OK(w->finish());
  }
  fs_ = std::make_unique<PowerLossFs>(root_);
  test::ManualClock clock(kNow);
  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  c.retention.max_age_days = 20;
  c.retention.delete_partitions_after_days = 35;
  c.clock = &clock;
  c.fs = fs_.get();
  auto m = StorageLifecycleManager::open(root_ + "/t", c);
  ASSERT_OK(m);
  fs_->mark("begin lifecycle run");
  auto stats = m->run_once();
  ASSERT_OK(stats);
  fs_->mark("end lifecycle run");
  EXPECT_TRUE(stats->errors.empty()) << stats->to_string();
  EXPECT_GT(stats->compressed, 0u) << stats->to_string();
  EXPECT_GT(stats->deleted_segments, 0u) << stats->to_string();
  EXPECT_EQ(stats->deleted_partitions, 1u) << stats->to_string();

  ASSERT_OK_AND_ASSIGN(auto tracker,
                       AccessTracker::create({std::chrono::milliseconds(0), &clock, fs_.get()}));
  tracker->segment_opened(root_ + "/t/symbol=S2", 0);
  fs_->mark("begin access flush");
  ASSERT_OK(tracker->flush());
  fs_->mark("end access flush");
  expect_rules_hold("lifecycle and access tracker");
  EXPECT_GT(last_.unlinks, 0);
}

// The checker catches a break of each rule (hand-made call sequences).
RecordedCall call(FsOp op, std::string path, NodeId node = {1, 1}) {
  RecordedCall c;
  c.op = op;
  c.path = std::move(path);
  c.node = node;
  return c;
}
RecordedCall marker(std::string m) {
  RecordedCall c;
  c.marker = std::move(m);
  return c;
}
RecordedCall rename(std::string from, std::string to, NodeId node = {1, 1}) {
  RecordedCall c = call(FsOp::Rename, std::move(to), node);
  c.from = std::move(from);
  return c;
}

TEST(IoOrderAuditRulesTest, EachRuleCatchesItsBreak) {
  const std::string d = "/r/t";
  const std::vector<RecordedCall> good = {marker("begin create"),
                                          call(FsOp::Open, d + "/_table.json.tmp-1"),
                                          call(FsOp::Pwrite, d + "/_table.json.tmp-1"),
                                          call(FsOp::Fsync, d + "/_table.json.tmp-1"),
                                          rename(d + "/_table.json.tmp-1", d + "/_table.json"),
                                          call(FsOp::DirSync, d),
                                          marker("end create")};
  EXPECT_TRUE(audit_calls(good).violations.empty());

  auto without = [&](std::size_t i) {
    auto v = good;
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
    return audit_calls(v).violations;
  };
  auto starts = [](const std::vector<std::string>& v, const char* rule) {
    return v.size() == 1 && v[0].rfind(rule, 0) == 0;
  };
  EXPECT_TRUE(starts(without(3), "rule 1")) << ::testing::PrintToString(without(3));
  EXPECT_TRUE(starts(without(5), "rule 2")) << ::testing::PrintToString(without(5));
  auto late_write = good;
  late_write.insert(late_write.begin() + 4, call(FsOp::Pwrite, d + "/_table.json.tmp-1"));
  EXPECT_TRUE(starts(audit_calls(late_write).violations, "rule 1"));

  // Compression: tmp written, fsynced, verified, renamed, dir fsynced, .q unlinked.
  const std::string q = d + "/000000000.q", z = q + ".zst", tmp = z + ".tmp-1";
  const NodeId zn{1, 2};
  std::vector<RecordedCall> compress = {marker("begin compress"),    call(FsOp::Open, tmp, zn),
                                        call(FsOp::Pwrite, tmp, zn), call(FsOp::Fsync, tmp, zn),
                                        call(FsOp::Open, tmp, zn),   rename(tmp, z, zn),
                                        call(FsOp::DirSync, d),      call(FsOp::Unlink, q),
                                        call(FsOp::DirSync, d),      marker("end compress")};
  compress[1].flags = O_CREAT;
  EXPECT_TRUE(audit_calls(compress).violations.empty())
      << ::testing::PrintToString(audit_calls(compress).violations);
  auto no_dir_sync = compress;
  no_dir_sync.erase(no_dir_sync.begin() + 6);
  EXPECT_TRUE(starts(audit_calls(no_dir_sync).violations, "rule 3"))
      << ::testing::PrintToString(audit_calls(no_dir_sync).violations);
  auto unverified = compress;
  unverified.erase(unverified.begin() + 4);
  EXPECT_TRUE(starts(audit_calls(unverified).violations, "rule 3"))
      << ::testing::PrintToString(audit_calls(unverified).violations);

  // Rule 5: a segment, or any file once mapped, is never truncated.
  auto t = call(FsOp::Ftruncate, d + "/.lock");
  EXPECT_TRUE(audit_calls({t}).violations.empty());
  t.mapped_before = true;
  EXPECT_TRUE(starts(audit_calls({t}).violations, "rule 5"));
  EXPECT_TRUE(starts(audit_calls({call(FsOp::Ftruncate, q)}).violations, "rule 5"));
}

}  // namespace
}  // namespace chronicle::powerloss
