#pragma once
// A small generator of realistic market data, shared by the demo, examples
// and benchmarks: quotes and trades for an instrument, prices on a random
// walk in ticks, sizes in round lots, bursty nanosecond timestamps (mostly
// sub-millisecond gaps inside bursts, sometimes pauses of seconds).

#include <cstdint>
#include <cstring>
#include <random>
#include <span>
#include <vector>

namespace chronicle::examples {

enum MessageType : std::uint16_t { kQuote = 1, kTrade = 2 };

// 48-byte quote and 40-byte trade, as a feed handler would record them.
struct Quote {
  std::uint64_t instrument_id;
  std::int64_t bid_price;  // in 1e-4 units
  std::int64_t ask_price;
  std::uint32_t bid_size;
  std::uint32_t ask_size;
  std::uint64_t exchange_ts_ns;
  std::uint32_t sequence;
  std::uint32_t flags;
};
struct Trade {
  std::uint64_t instrument_id;
  std::int64_t price;
  std::uint32_t size;
  std::uint8_t aggressor_side;
  std::uint8_t pad[3];
  std::uint64_t trade_id;
  std::uint64_t exchange_ts_ns;
};
static_assert(sizeof(Quote) == 48 && sizeof(Trade) == 40);

struct Message {
  std::uint16_t type_id;
  std::uint64_t timestamp_ns;
  std::span<const std::byte> payload;
};

class MarketDataGenerator {
 public:
  // `mean_gap_ns` sets the average spacing; `trade_share` of 8 messages are
  // trades when mixing (quotes_only / trades_only pick one kind).
  enum class Kinds { Mixed, QuotesOnly, TradesOnly };
  explicit MarketDataGenerator(std::uint64_t seed = 42, int instruments = 8,
                               std::uint64_t start_ns = 1'769'680'800'000'000'000ull,
                               Kinds kinds = Kinds::Mixed, std::uint64_t mean_gap_ns = 1000)
      : rng_(seed), now_ns_(start_ns), kinds_(kinds), mean_gap_ns_(mean_gap_ns) {
    for (int i = 0; i < instruments; ++i) {
      mid_cents_.push_back(10'000 + 500 * i);  // prices around $100
      seq_.push_back(0);
    }
  }

  // The next message; its payload stays valid until the next call.
  Message next() {
    // Bursty arrivals: one gap in a hundred is a pause 100x the mean.
    const std::uint64_t r = rng_();
    now_ns_ += (r % 100 == 0) ? mean_gap_ns_ * 100 + r % (mean_gap_ns_ * 100)
                              : 1 + r % (mean_gap_ns_ + mean_gap_ns_ / 10);
    const std::size_t i = rng_() % mid_cents_.size();
    mid_cents_[i] += static_cast<int>(rng_() % 5) - 2;
    const std::int64_t mid = mid_cents_[i] * 100;
    const bool trade = kinds_ == Kinds::TradesOnly || (kinds_ == Kinds::Mixed && rng_() % 8 == 0);
    if (!trade) {
      Quote q{};
      q.instrument_id = 1000 + i;
      q.bid_price = mid - 50;  // a one-cent spread
      q.ask_price = mid + 50;
      q.bid_size = 100 * static_cast<std::uint32_t>(1 + rng_() % 20);
      q.ask_size = 100 * static_cast<std::uint32_t>(1 + rng_() % 20);
      q.exchange_ts_ns = now_ns_ - 20'000;
      q.sequence = ++seq_[i];
      std::memcpy(buf_, &q, sizeof q);
      return {kQuote, now_ns_, std::span<const std::byte>(buf_, sizeof q)};
    }
    Trade t{};
    t.instrument_id = 1000 + i;
    t.price = mid + ((rng_() & 1) ? 50 : -50);
    t.size = 100 * static_cast<std::uint32_t>(1 + rng_() % 10);
    t.aggressor_side = static_cast<std::uint8_t>(rng_() & 1);
    t.trade_id = ++trade_id_;
    t.exchange_ts_ns = now_ns_ - 20'000;
    std::memcpy(buf_, &t, sizeof t);
    return {kTrade, now_ns_, std::span<const std::byte>(buf_, sizeof t)};
  }

  std::uint64_t now_ns() const noexcept { return now_ns_; }

 private:
  std::mt19937_64 rng_;
  std::uint64_t now_ns_;
  Kinds kinds_;
  std::uint64_t mean_gap_ns_;
  std::vector<std::int64_t> mid_cents_;  // mid price of each instrument, in cents
  std::vector<std::uint32_t> seq_;
  std::uint64_t trade_id_ = 0;
  alignas(8) std::byte buf_[64];
};

}  // namespace chronicle::examples
