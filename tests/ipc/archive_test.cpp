#include <chronicle/ipc/archive.hpp>
#include <chronicle/ipc/archive_reader.hpp>
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <tuple>

#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle::ipc {
namespace {

using test::TempDirTest;

constexpr std::uint64_t kDay0 = 1'769'644'800'000'000'000ull;  // 2026-01-29
constexpr std::uint64_t kDayNs = 86'400'000'000'000ull;

std::vector<std::byte> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), reinterpret_cast<const std::byte*>(s.data()) + s.size()};
}

class ArchiveTest : public TempDirTest {
 protected:
  std::string root() const { return tmp_.sub("archive"); }
  TableConfig small() const {
    TableConfig c = default_archive_config();
    c.segment_size = 16 * 1024;
    return c;
  }
};

TEST_F(ArchiveTest, LayoutNamesTheStreamDirectory) {
  ASSERT_OK_AND_ASSIGN(auto rel, ArchiveLayout::relative_path({"XNAS", "AAPL", "2026-01-29", "trades"}));
  EXPECT_EQ(rel, "venue=XNAS/symbol=AAPL/date=2026-01-29/stream=trades");
  ASSERT_OK_AND_ASSIGN(auto abs, ArchiveLayout::path("/data", {"XNAS", "BRK.B", "2026-01-29", "quotes"}));
  EXPECT_EQ(abs, "/data/venue=XNAS/symbol=BRK.B/date=2026-01-29/stream=quotes");
}

TEST_F(ArchiveTest, BadNamesAndDatesAreRefusedBeforeAnythingIsCreated) {
  const std::vector<StreamId> bad = {
      {"", "AAPL", "2026-01-29", "t"},          {"XNAS", "../etc", "2026-01-29", "t"},
      {"XNAS", "a/b", "2026-01-29", "t"},       {"XNAS", ".hidden", "2026-01-29", "t"},
      {"XNAS", "-flag", "2026-01-29", "t"},     {"XNAS", std::string(65, 'A'), "2026-01-29", "t"},
      {"XNAS", "AAPL", "2026-02-30", "t"},      {"XNAS", "AAPL", "29/01/2026", "t"},
      {"XNAS", "AAPL", "2026-01-29", "tr ades"}, {"X\nNAS", "AAPL", "2026-01-29", "t"}};
  for (const StreamId& id : bad) {
    auto a = Archive::open(root(), id, small());
    ASSERT_FALSE(a) << id.venue << "/" << id.symbol << "/" << id.date << "/" << id.stream;
    EXPECT_EQ(a.error().code(), Errc::InvalidArgument);
    EXPECT_EQ(a.error().message().find('\n'), std::string::npos) << "escaped";
  }
  EXPECT_FALSE(std::filesystem::exists(root()));
}

TEST_F(ArchiveTest, AppendFinishReopenAndContinue) {
  const StreamId id{"XNAS", "AAPL", "2026-01-29", "trades"};
  {
    ASSERT_OK_AND_ASSIGN(auto a, Archive::open(root(), id, small()));
    for (int i = 0; i < 50; ++i) ASSERT_OK(a.append(2, kDay0 + i, bytes_of("t" + std::to_string(i))));
    ASSERT_OK(a.finish());
    EXPECT_ERROR(a.append(2, kDay0 + 99, {}), Errc::Closed);
  }
  ASSERT_OK_AND_ASSIGN(auto a, Archive::open(root(), id, small()));
  EXPECT_EQ(a.next_seq(), 50u);
  ASSERT_OK_AND_ASSIGN(auto seq, a.append(2, kDay0 + 100, bytes_of("after reopen")));
  EXPECT_EQ(seq, 50u);
  EXPECT_EQ(a.table().config().compression_policy, CompressionPolicy::idle_after(7, true));
  ASSERT_OK_AND_ASSIGN(auto r, ArchiveReader::open(root(), {"XNAS", "AAPL"}));
  ArchiveRecord rec;
  std::vector<std::uint64_t> seqs;
  while (r.next(rec) == Step::Record) seqs.push_back(rec.record.seq);
  ASSERT_EQ(seqs.size(), 51u);
  EXPECT_EQ(seqs.back(), 50u);
}

TEST_F(ArchiveTest, ATableWithAnotherSchemeIsRefused) {
  ASSERT_OK(Table::create(root(), PartitionScheme::create({{"x", KeyType::Int, 0}}).value()));
  EXPECT_ERROR(Archive::open(root(), {"XNAS", "AAPL", "2026-01-29", "t"}), Errc::InvalidArgument);
  EXPECT_ERROR(ArchiveReader::open(root(), {"XNAS", "AAPL"}), Errc::InvalidArgument);
}

TEST_F(ArchiveTest, MergedReadsAcrossStreamsAndDatesMatchAModel) {
  // Two venues x two symbols x three dates x three streams, written by
  // separate Archives into one table; some segments compressed.
  using Row = std::tuple<std::uint64_t, std::string, std::string, std::uint64_t, std::string>;  // ts, date, stream, seq, payload
  std::map<std::pair<std::string, std::string>, std::vector<Row>> model;  // (venue, symbol) -> rows
  std::mt19937_64 rng(3);
  for (const std::string venue : {"XNAS", "XNYS"}) {
    for (const std::string symbol : {"AAPL", "MSFT"}) {
      for (int day = 0; day < 3; ++day) {
        const std::string date = "2026-01-" + std::to_string(29 + day);
        for (const std::string stream : {"trades", "quotes", "book"}) {
          ASSERT_OK_AND_ASSIGN(auto a, Archive::open(root(), {venue, symbol, date, stream}, small()));
          std::uint64_t ts = kDay0 + static_cast<std::uint64_t>(day) * kDayNs;
          for (int i = 0; i < 150; ++i) {
            ts += 1 + rng() % 5'000'000'000ull;
            const std::string payload = venue + symbol + stream + std::to_string(i);
            ASSERT_OK_AND_ASSIGN(auto seq, a.append(1, ts, bytes_of(payload)));
            model[{venue, symbol}].emplace_back(ts, date, stream, seq, payload);
          }
          ASSERT_OK(a.finish());
        }
      }
    }
  }
  LifecycleConfig lc;
  lc.policy = CompressionPolicy::custom([](const SegmentInfo& s, std::uint64_t) { return s.segment_id % 2 == 0; });
  ASSERT_OK_AND_ASSIGN(auto m, StorageLifecycleManager::open(root(), lc));
  ASSERT_OK_AND_ASSIGN(auto stats, m.run_once());
  ASSERT_GT(stats.compressed, 0u);

  auto check = [&](ArchiveQuery q, auto keep) {
    ASSERT_OK_AND_ASSIGN(auto r, ArchiveReader::open(root(), q));
    std::vector<Row> got;
    ArchiveRecord rec;
    Step step;
    while ((step = r.next(rec)) == Step::Record) {
      got.emplace_back(rec.record.timestamp_ns, rec.stream->date, rec.stream->stream, rec.record.seq,
                       std::string(reinterpret_cast<const char*>(rec.record.payload.data()),
                                   rec.record.payload.size()));
    }
    EXPECT_EQ(step, Step::NothingYet) << r.status().error().to_string();
    std::vector<Row> want;
    for (const Row& row : model[{q.venue, q.symbol}]) {
      if (keep(row)) want.push_back(row);
    }
    // Timestamp order; ties by stream order (book < quotes < trades within a date), then seq.
    std::sort(want.begin(), want.end(), [](const Row& a, const Row& b) {
      return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a), std::get<3>(a)) <
             std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b), std::get<3>(b));
    });
    EXPECT_EQ(got, want);
  };
  check({"XNAS", "AAPL"}, [](const Row&) { return true; });
  check({"XNYS", "MSFT", "2026-01-30", "2026-01-30"},
        [](const Row& r) { return std::get<1>(r) == "2026-01-30"; });
  ArchiveQuery two{"XNAS", "MSFT"};
  two.streams = {"trades", "quotes"};
  check(two, [](const Row& r) { return std::get<2>(r) != "book"; });
  ArchiveQuery window{"XNYS", "AAPL"};
  window.range = {kDay0 + kDayNs - 300'000'000'000ull, kDay0 + kDayNs + 300'000'000'000ull};
  check(window, [&](const Row& r) {
    return std::get<0>(r) >= *window.range.from_ns && std::get<0>(r) < *window.range.to_ns;
  });
}

TEST_F(ArchiveTest, ReaderTailsTheCurrentDateLive) {
  const StreamId id{"XNAS", "AAPL", "2026-01-29", "trades"};
  ASSERT_OK_AND_ASSIGN(auto a, Archive::open(root(), id, small()));
  ASSERT_OK(a.append(1, kDay0 + 1, bytes_of("first")));
  ASSERT_OK_AND_ASSIGN(auto r, ArchiveReader::open(root(), {"XNAS", "AAPL"}));
  ArchiveRecord rec;
  ASSERT_EQ(r.next(rec), Step::Record);
  EXPECT_EQ(r.next(rec), Step::NothingYet);
  for (int i = 0; i < 200; ++i) ASSERT_OK(a.append(1, kDay0 + 2 + i, bytes_of(std::string(100, 'x'))));
  int n = 0;
  while (r.next(rec) == Step::Record) ++n;
  EXPECT_EQ(n, 200);
}

TEST_F(ArchiveTest, BadQueriesAreRefused) {
  ASSERT_OK(Archive::open(root(), {"XNAS", "AAPL", "2026-01-29", "t"}, small()));
  EXPECT_ERROR(ArchiveReader::open(root(), {"", "AAPL"}), Errc::InvalidArgument);
  EXPECT_ERROR(ArchiveReader::open(root(), {"XNAS", "AAPL", "2026-13-01"}), Errc::InvalidArgument);
  ArchiveQuery q{"XNAS", "AAPL"};
  q.streams = {"../x"};
  EXPECT_ERROR(ArchiveReader::open(root(), q), Errc::InvalidArgument);
  EXPECT_ERROR(ArchiveReader::open(tmp_.sub("nothing"), {"XNAS", "AAPL"}), Errc::NotFound);
}

// Every field of ArchiveQuery and the config of Archive::open, one bad value
// each, named in the message; a refused open creates nothing.
TEST_F(ArchiveTest, EveryBadQueryFieldAndConfigIsNamed) {
  TableConfig bad_config = small();
  bad_config.segment_size = 100;
  auto a = Archive::open(root(), {"XNAS", "AAPL", "2026-01-29", "t"}, bad_config);
  EXPECT_ERROR(a, Errc::InvalidArgument);
  EXPECT_NE(a.error().message().find("segment_size 100"), std::string::npos) << a.error().message();
  EXPECT_FALSE(std::filesystem::exists(root()));

  ASSERT_OK(Archive::open(root(), {"XNAS", "AAPL", "2026-01-29", "t"}, small()));
  struct Case {
    const char* named;
    std::function<void(ArchiveQuery&)> set;
  };
  const std::vector<Case> cases = {
      {"venue", [](ArchiveQuery& q) { q.venue = "a/b"; }},
      {"symbol", [](ArchiveQuery& q) { q.symbol = ""; }},
      {"symbol", [](ArchiveQuery& q) { q.symbol = std::string(65, 'S'); }},
      {"2026-13-01", [](ArchiveQuery& q) { q.from_date = "2026-13-01"; }},
      {"2026-02-30", [](ArchiveQuery& q) { q.to_date = "2026-02-30"; }},
      {"from_date 2026-01-30 is after to_date 2026-01-29",
       [](ArchiveQuery& q) {
         q.from_date = "2026-01-30";
         q.to_date = "2026-01-29";
       }},
      {"stream", [](ArchiveQuery& q) { q.streams = {"t", "../x"}; }},
      {"[10, 5)", [](ArchiveQuery& q) { q.range = {10, 5}; }},
      {"merge strategy 9", [](ArchiveQuery& q) { q.strategy = static_cast<MergeStrategy>(9); }},
  };
  for (const Case& k : cases) {
    ArchiveQuery q{"XNAS", "AAPL"};
    k.set(q);
    auto r = ArchiveReader::open(root(), q);
    ASSERT_FALSE(r) << k.named;
    EXPECT_EQ(r.error().code(), Errc::InvalidArgument) << k.named << ": " << r.error().to_string();
    EXPECT_NE(r.error().message().find(k.named), std::string::npos) << r.error().message();
  }
}

}  // namespace
}  // namespace chronicle::ipc
