#pragma once
// The operation-sequence model of one partition (RELIABILITY M1, N8): a
// TimeSeriesWriter and a TimeSeriesReader over hot and cold segments, driven
// by a sequence of choices, next to a plain vector of the records appended.
// After every operation chronicle must agree with the vector: appends, flush
// and sync, reopening the writer, seeks by timestamp and by seq, reads of k
// records, compressing and decompressing sealed segments, and, at the end, a
// flipped byte in a sealed segment, after which a read from the start must
// stop with Corruption exactly at the damaged record.
//
// The choices come from a seeded generator (model_test) or from a fuzz input
// (ops_fuzz); a disagreement goes to the caller's `fail`, after which the run
// stops.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
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

namespace chronicle::test {

// Where the run's decisions come from.
class Choices {
 public:
  virtual ~Choices() = default;
  // A number in [0, n). REQUIRES: n > 0.
  virtual std::uint64_t pick(std::uint64_t n) = 0;
  // No more decisions: the run ends after the current operation.
  virtual bool exhausted() const = 0;
};

class SeededChoices final : public Choices {
 public:
  explicit SeededChoices(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t pick(std::uint64_t n) override { return rng_() % n; }
  bool exhausted() const override { return false; }

 private:
  std::mt19937_64 rng_;
};

class PartitionModelRun {
 public:
  using Fail = std::function<void(const std::string& what)>;

  PartitionModelRun(std::string dir, Choices& choices, Fail fail)
      : dir_(std::move(dir)), choices_(choices), fail_(std::move(fail)) {
    options_.log.segment_size = 8192;
    options_.index_stride = static_cast<std::uint32_t>(1 + choices_.pick(8));
  }

  // Runs up to `operations` operations (fewer if the choices run out), then
  // with `flip_at_end` damages a sealed segment and reads it back. Returns
  // false after a disagreement.
  bool run(int operations, bool flip_at_end) {
    auto w = TimeSeriesWriter::open(dir_, options_);
    if (!ok(w, "open the writer")) return false;
    writer_.emplace(std::move(*w));
    auto r = TimeSeriesReader::open(dir_);
    if (!ok(r, "open the reader")) return false;
    reader_.emplace(std::move(*r));
    for (int op = 0; op < operations && !failed_ && !choices_.exhausted(); ++op) {
      operation_ = op;
      step();
    }
    if (!failed_ && flip_at_end) flip_a_byte_and_read();
    return !failed_;
  }

 private:
  template <class R>
  bool ok(const R& r, const std::string& what) {
    if (r) return true;
    return disagree(what + ": " + r.error().to_string());
  }
  bool disagree(const std::string& what) {
    failed_ = true;
    fail_("operation " + std::to_string(operation_) + ": " + what);
    return false;
  }

  void step() {
    const auto roll = choices_.pick(100);
    if (roll < 55) return append();
    if (roll < 60) return flush_or_sync();
    if (roll < 62) return reopen_writer();
    if (roll < 72) return seek_timestamp();
    if (roll < 80) return seek_seq();
    if (roll < 92) return read_some(1 + choices_.pick(40));
    if (roll < 97) return compress_one();
    return decompress_one();
  }

  struct Record {
    std::uint64_t ts;
    std::uint16_t type;
    std::vector<std::byte> payload;
  };

  void append() {
    const std::uint64_t ts =
        model_.empty() ? 1000 + choices_.pick(100) : model_.back().ts + choices_.pick(3);
    Record r{ts, static_cast<std::uint16_t>(choices_.pick(5)), {}};
    r.payload.resize(choices_.pick(10) == 0 ? 1000 + choices_.pick(2000) : choices_.pick(200));
    std::mt19937 bytes(static_cast<std::uint32_t>(model_.size()));
    for (auto& b : r.payload) b = static_cast<std::byte>(bytes());
    auto seq = writer_->append(r.type, r.ts, r.payload);
    if (!ok(seq, "append")) return;
    if (*seq != model_.size()) {
      disagree("append returned seq " + std::to_string(*seq) + ", expected " +
               std::to_string(model_.size()));
      return;
    }
    model_.push_back(std::move(r));
  }

  void flush_or_sync() {
    const bool sync = choices_.pick(2) == 1;
    ok(sync ? writer_->sync() : writer_->flush(), sync ? "sync" : "flush");
  }

  void reopen_writer() {
    if (!ok(writer_->close(), "close the writer")) return;
    writer_.reset();
    auto w = TimeSeriesWriter::open(dir_, options_);
    if (!ok(w, "reopen the writer")) return;
    writer_.emplace(std::move(*w));
  }

  // Reads up to k records from the reader's position, which the model holds
  // as `at_`, and compares each.
  void read_some(std::uint64_t k) {
    RecordView v;
    for (std::uint64_t i = 0; i < k && !failed_; ++i) {
      const Step step = reader_->next(v);
      const std::string which = "read of seq " + std::to_string(at_);
      if (at_ == model_.size()) {
        if (step != Step::NothingYet) disagree(which + ": expected the end of the log");
        return;
      }
      if (step != Step::Record) {
        disagree(which + ": no record; " +
                 (reader_->status() ? std::string("NothingYet")
                                    : reader_->status().error().to_string()));
        return;
      }
      const Record& want = model_[at_];
      if (v.seq != at_ || v.timestamp_ns != want.ts || v.type_id != want.type ||
          !std::equal(v.payload.begin(), v.payload.end(), want.payload.begin(),
                      want.payload.end())) {
        disagree(which + ": got seq " + std::to_string(v.seq) + " ts " +
                 std::to_string(v.timestamp_ns) + " type " + std::to_string(v.type_id) + " and " +
                 std::to_string(v.payload.size()) + " payload bytes; expected ts " +
                 std::to_string(want.ts) + " type " + std::to_string(want.type) + " and " +
                 std::to_string(want.payload.size()) + " bytes");
        return;
      }
      ++at_;
    }
  }

  void seek_timestamp() {
    const std::uint64_t lo = model_.empty() ? 0 : model_.front().ts;
    const std::uint64_t hi = model_.empty() ? 2000 : model_.back().ts;
    const std::uint64_t ts = lo - std::min<std::uint64_t>(lo, 5) + choices_.pick(hi - lo + 10);
    const std::string what = "seek_timestamp(" + std::to_string(ts) + ")";
    auto got = reader_->seek_timestamp(ts);
    if (!ok(got, what)) return;
    const auto first = std::find_if(model_.begin(), model_.end(),
                                    [&](const Record& r) { return r.ts >= ts; });
    at_ = static_cast<std::uint64_t>(first - model_.begin());
    const SeekResult want = first == model_.end()    ? SeekResult::EndOfLog
                            : ts < model_.front().ts ? SeekResult::BeforeStart
                                                     : SeekResult::Found;
    if (*got != want) {
      disagree(what + " gave " + std::string(seek_result_name(*got)) + ", expected " +
               std::string(seek_result_name(want)));
      return;
    }
    read_some(3);
  }

  void seek_seq() {
    const std::uint64_t seq = choices_.pick(model_.size() + 1);
    if (!ok(reader_->seek_seq(seq), "seek_seq(" + std::to_string(seq) + ")")) return;
    at_ = seq;
    read_some(3);
  }

  // A sealed segment of the given tier, chosen by the choices, if any.
  std::optional<std::uint64_t> pick_sealed(bool hot) {
    auto listed = list_segments(dir_);
    if (!ok(listed, "list_segments")) return std::nullopt;
    std::vector<std::uint64_t> ids;
    for (const SegmentEntry& e : *listed) {
      if (e.id != writer_->log().segment_id() && (hot ? e.hot : e.cold && !e.hot)) {
        ids.push_back(e.id);
      }
    }
    if (ids.empty()) return std::nullopt;
    return ids[choices_.pick(ids.size())];
  }

  void compress_one() {
    if (auto id = pick_sealed(true)) ok(compress_segment(dir_, *id), "compress_segment");
  }
  void decompress_one() {
    if (auto id = pick_sealed(false)) ok(decompress_segment(dir_, *id), "decompress_segment");
  }

  // Flips one byte inside a record (header after the commit word, or
  // payload: what its checksum covers) of a sealed hot segment, then reads
  // the partition from the start with a new reader: every record before the
  // damaged one, then Corruption naming the segment file.
  void flip_a_byte_and_read() {
    auto id = pick_sealed(true);
    if (!id) return;
    const std::string path = segment_path(dir_, *id);
    std::uint64_t victim = 0, at = 0;
    {
      auto seg = HotSegment::open(FileSystem::system(), path, *id);
      if (!ok(seg, "open " + path)) return;
      const SegmentHeader h = (*seg)->header();
      if (h.record_count == 0) return;
      victim = h.base_seq + choices_.pick(h.record_count);
      // Records lie back to back after the header.
      std::uint64_t offset = kSegmentHeaderSize;
      for (std::uint64_t s = h.base_seq; s < victim; ++s) {
        std::uint32_t commit;
        std::memcpy(&commit, (*seg)->data() + offset, sizeof commit);
        offset += record_size(commit - 1);
      }
      at = offset + 8 + choices_.pick(kRecordHeaderSize - 8 + model_[victim].payload.size());
    }
    // In unsigned char: a byte above 127 is a negative char.
    const auto byte = static_cast<unsigned char>(read_file(path)[at]);
    const auto flipped = static_cast<char>(byte ^ static_cast<unsigned char>(1 + choices_.pick(255)));
    set_bytes(path, at, &flipped, 1);

    auto r = TimeSeriesReader::open(dir_);
    if (!ok(r, "open a reader after the flip")) return;
    reader_.emplace(std::move(*r));
    at_ = 0;
    read_some(victim);
    RecordView v;
    const std::string where = "seq " + std::to_string(victim) + " damaged at offset " +
                              std::to_string(at) + " of " + path;
    if (failed_) return;
    if (reader_->next(v) != Step::Failed) {
      disagree("the damaged record was read: " + where);
    } else if (reader_->status().error().code() != Errc::Corruption ||
               reader_->status().error().message().find(path) == std::string::npos) {
      disagree("expected Corruption naming the file for " + where + ", got " +
               reader_->status().error().to_string());
    }
  }

  std::string dir_;
  Choices& choices_;
  Fail fail_;
  TimeSeriesOptions options_;
  std::optional<TimeSeriesWriter> writer_;
  std::optional<TimeSeriesReader> reader_;
  std::vector<Record> model_;
  std::uint64_t at_ = 0;  // the seq the reader returns next
  int operation_ = -1;
  bool failed_ = false;
};

}  // namespace chronicle::test
