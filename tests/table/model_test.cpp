// M1: the operation-sequence model test. Random sequences of operations run
// against one partition (TimeSeriesWriter and TimeSeriesReader over hot and
// cold segments) and against a plain vector of the records appended. After
// every operation chronicle must agree with the vector: appends, flush and
// sync, reopening the writer, seeks by timestamp and by seq, reads of k
// records, compressing and decompressing sealed segments, and, at the end of
// some sequences, a flipped byte in a sealed segment, after which a read
// from the start must stop with Corruption exactly at the damaged record.
// CHRONICLE_SEED replays a run; CHRONICLE_TRIALS scales the number of
// sequences (RELIABILITY M1).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/segment/hot_segment.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/table/reader/time_series_reader.hpp>
#include <chronicle/table/writer/time_series_writer.hpp>

#include "support/files.hpp"
#include "support/seeds.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

constexpr int kOperations = 500;

struct ModelRecord {
  std::uint64_t ts;
  std::uint16_t type;
  std::vector<std::byte> payload;
};

class ModelRun {
 public:
  ModelRun(std::string dir, std::uint64_t seed) : dir_(std::move(dir)), rng_(seed) {
    options_.log.segment_size = 8192;
    options_.index_stride = 1 + rng_() % 8;
  }

  void run() {
    open_writer();
    auto reader = TimeSeriesReader::open(dir_);
    ASSERT_OK(reader);
    reader_.emplace(std::move(*reader));
    for (int op = 0; op < kOperations && !::testing::Test::HasFailure(); ++op) {
      SCOPED_TRACE("operation " + std::to_string(op) + " of the sequence");
      step();
    }
    if (!::testing::Test::HasFailure() && rng_() % 4 == 0) flip_a_byte_and_read();
  }

 private:
  void step() {
    const auto roll = rng_() % 100;
    if (roll < 55) return append();
    if (roll < 60) return flush_or_sync();
    if (roll < 62) return reopen_writer();
    if (roll < 72) return seek_timestamp();
    if (roll < 80) return seek_seq();
    if (roll < 92) return read_some();
    if (roll < 97) return compress_one();
    return decompress_one();
  }

  void open_writer() {
    auto w = TimeSeriesWriter::open(dir_, options_);
    ASSERT_OK(w);
    writer_.emplace(std::move(*w));
  }

  void append() {
    const std::uint64_t ts = model_.empty() ? 1000 + rng_() % 100 : model_.back().ts + rng_() % 3;
    ModelRecord r{ts, static_cast<std::uint16_t>(rng_() % 5), {}};
    r.payload.resize(rng_() % 10 == 0 ? 1000 + rng_() % 2000 : rng_() % 200);
    for (auto& b : r.payload) b = static_cast<std::byte>(rng_());
    auto seq = writer_->append(r.type, r.ts, r.payload);
    ASSERT_OK(seq);
    ASSERT_EQ(*seq, model_.size());
    model_.push_back(std::move(r));
  }

  void flush_or_sync() { ASSERT_OK(rng_() % 2 ? writer_->flush() : writer_->sync()); }

  void reopen_writer() {
    ASSERT_OK(writer_->close());
    writer_.reset();
    open_writer();
  }

  // Reads up to k records from the reader's position, which the model holds
  // as `at_`, and compares each.
  void read_some(std::uint64_t k) {
    RecordView v;
    for (std::uint64_t i = 0; i < k; ++i) {
      const Step step = reader_->next(v);
      if (at_ == model_.size()) {
        ASSERT_EQ(step, Step::NothingYet) << "read past the last record appended";
        return;
      }
      ASSERT_EQ(step, Step::Record) << "expected seq " << at_ << ": "
                                    << reader_->status().error().to_string();
      const ModelRecord& want = model_[at_];
      ASSERT_EQ(v.seq, at_);
      ASSERT_EQ(v.timestamp_ns, want.ts) << "seq " << at_;
      ASSERT_EQ(v.type_id, want.type) << "seq " << at_;
      ASSERT_TRUE(std::equal(v.payload.begin(), v.payload.end(), want.payload.begin(),
                             want.payload.end()))
          << "payload of seq " << at_;
      ++at_;
    }
  }
  void read_some() { read_some(1 + rng_() % 40); }

  void seek_timestamp() {
    const std::uint64_t lo = model_.empty() ? 0 : model_.front().ts;
    const std::uint64_t hi = model_.empty() ? 2000 : model_.back().ts;
    const std::uint64_t ts = lo - std::min<std::uint64_t>(lo, 5) + rng_() % (hi - lo + 10);
    auto got = reader_->seek_timestamp(ts);
    ASSERT_OK(got);
    const auto first = std::find_if(model_.begin(), model_.end(),
                                    [&](const ModelRecord& r) { return r.ts >= ts; });
    at_ = static_cast<std::uint64_t>(first - model_.begin());
    const SeekResult want = first == model_.end()       ? SeekResult::EndOfLog
                            : ts < model_.front().ts    ? SeekResult::BeforeStart
                                                        : SeekResult::Found;
    ASSERT_EQ(*got, want) << "seek_timestamp(" << ts << ")";
    read_some(3);
  }

  void seek_seq() {
    const std::uint64_t seq = rng_() % (model_.size() + 1);
    SCOPED_TRACE("seek_seq(" + std::to_string(seq) + ")");
    ASSERT_OK(reader_->seek_seq(seq));
    at_ = seq;
    read_some(3);
  }

  // A sealed segment of the given tier, chosen at random, if any.
  std::optional<std::uint64_t> pick_sealed(bool hot) {
    auto listed = list_segments(dir_);
    EXPECT_OK(listed);
    std::vector<std::uint64_t> ids;
    for (const SegmentEntry& e : *listed) {
      if (e.id != writer_->log().segment_id() && (hot ? e.hot : e.cold && !e.hot)) ids.push_back(e.id);
    }
    if (ids.empty()) return std::nullopt;
    return ids[rng_() % ids.size()];
  }

  void compress_one() {
    if (auto id = pick_sealed(true)) ASSERT_OK(compress_segment(dir_, *id));
  }
  void decompress_one() {
    if (auto id = pick_sealed(false)) ASSERT_OK(decompress_segment(dir_, *id));
  }

  // Flips one byte inside a record (header after the commit word, or
  // payload: what its checksum covers) of a sealed hot segment, then reads
  // the partition from the start with a new reader: every record before the
  // damaged one, then Corruption naming the segment file.
  void flip_a_byte_and_read() {
    auto id = pick_sealed(true);
    if (!id) return;
    const std::string path = segment_path(dir_, *id);
    auto seg = HotSegment::open(FileSystem::system(), path, *id);
    ASSERT_OK(seg);
    const std::uint64_t base = (*seg)->header().base_seq;
    const std::uint64_t count = (*seg)->header().record_count;
    ASSERT_GT(count, 0u);
    const std::uint64_t victim = base + rng_() % count;
    // Walk to the victim's record: records are back to back from the header.
    const std::byte* bytes = (*seg)->data();
    std::uint64_t offset = kSegmentHeaderSize;
    for (std::uint64_t s = base; s < victim; ++s) {
      std::uint32_t commit;
      std::memcpy(&commit, bytes + offset, sizeof commit);
      offset += record_size(commit - 1);
    }
    const std::uint64_t covered = kRecordHeaderSize - 8 + model_[victim].payload.size();
    const std::uint64_t at = offset + 8 + rng_() % covered;
    seg->reset();
    const char flipped = static_cast<char>(test::read_file(path)[at] ^ (1 + rng_() % 255));
    test::set_bytes(path, at, &flipped, 1);

    auto reader = TimeSeriesReader::open(dir_);
    ASSERT_OK(reader);
    reader_.emplace(std::move(*reader));
    at_ = 0;
    read_some(victim);
    RecordView v;
    ASSERT_EQ(reader_->next(v), Step::Failed)
        << "seq " << victim << " was damaged at offset " << at << " of " << path;
    EXPECT_EQ(reader_->status().error().code(), Errc::Corruption);
    EXPECT_NE(reader_->status().error().message().find(path), std::string::npos)
        << reader_->status().error().to_string();
  }

  std::string dir_;
  std::mt19937_64 rng_;
  TimeSeriesOptions options_;
  std::optional<TimeSeriesWriter> writer_;
  std::optional<TimeSeriesReader> reader_;
  std::vector<ModelRecord> model_;
  std::uint64_t at_ = 0;  // the seq the reader returns next
};

TEST(ModelTest, ChronicleAgreesWithTheModelAfterEveryOperation) {
  const std::uint64_t seed = test::test_seed();
  const int sequences = test::scaled_trials(200);
  test::announce_seed(seed, sequences);
  for (int i = 0; i < sequences && !::testing::Test::HasFailure(); ++i) {
    SCOPED_TRACE("sequence " + std::to_string(i) + " (seed " + std::to_string(seed + i) + ")");
    test::TempDir tmp;
    ModelRun(tmp.sub("p"), seed + static_cast<std::uint64_t>(i)).run();
  }
}

}  // namespace
}  // namespace chronicle
