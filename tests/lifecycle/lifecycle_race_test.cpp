// A writer appending, a reader tailing, a reader re-reading history and
// seeking, and the lifecycle manager compressing in the background, all at
// once for CHRONICLE_RACE_SECONDS (default 30). No reader may ever fail, see
// a record twice, skip one or see one out of order. Runs under TSan in CI.
#include <chronicle/lifecycle/storage_lifecycle_manager.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "lifecycle/lifecycle_fixture.hpp"

namespace chronicle {
namespace {

using test::LifecycleTest;

int race_seconds() {
  const char* env = std::getenv("CHRONICLE_RACE_SECONDS");
  return env ? std::max(1, std::atoi(env)) : 30;
}

std::vector<std::byte> payload_of(std::uint64_t seq) {
  std::vector<std::byte> p(40 + seq % 200);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::byte>(seq * 31 + i);
  return p;
}

bool payload_ok(const RecordView& v) {
  const auto want = payload_of(v.seq);
  return std::equal(v.payload.begin(), v.payload.end(), want.begin(), want.end());
}

TEST_F(LifecycleTest, WriterReadersAndBackgroundCompressionNeverDisagree) {
  make_table(1, 0);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> written{0};
  std::string failure;
  std::mutex failure_mu;
  auto fail = [&](const std::string& why) {
    std::lock_guard lock(failure_mu);
    if (failure.empty()) failure = why;
    stop = true;
  };

  std::thread writer([&] {
    auto w = table_->partition_writer(values(0));
    if (!w) return fail("writer: " + w.error().to_string());
    for (std::uint64_t seq = 0; !stop; ++seq) {
      auto r = w->append(1, 1'000'000 + seq, payload_of(seq));
      if (!r || *r != seq) return fail("append " + std::to_string(seq));
      written = seq + 1;
      if (seq % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    (void)w->finish();
  });

  std::thread tailer([&] {
    auto r = table_->reader(values(0));
    if (!r) return fail("tailer open: " + r.error().to_string());
    std::uint64_t expected = 0;
    RecordView v;
    while (!stop) {
      const Step step = r->next(v);
      if (step == Step::Failed) return fail("tailer: " + r->status().error().to_string());
      if (step == Step::NothingYet) {
        std::this_thread::yield();
        continue;
      }
      if (v.seq != expected || !payload_ok(v)) {
        return fail("tailer got seq " + std::to_string(v.seq) + ", expected " + std::to_string(expected));
      }
      ++expected;
    }
  });

  std::thread historian([&] {
    std::uint64_t passes = 0;
    while (!stop) {
      auto r = table_->reader(values(0));
      if (!r) return fail("historian open: " + r.error().to_string());
      const std::uint64_t target = 1'000'000 + (passes * 7919) % (written + 1);
      auto s = r->seek_timestamp(target);
      if (!s) return fail("seek: " + s.error().to_string());
      RecordView v;
      std::uint64_t expected = target - 1'000'000;
      Step step;
      while (!stop && (step = r->next(v)) == Step::Record) {
        if (v.seq != expected || !payload_ok(v)) {
          return fail("historian got seq " + std::to_string(v.seq) + ", expected " + std::to_string(expected));
        }
        ++expected;
      }
      if (!stop && step == Step::Failed) return fail("historian: " + r->status().error().to_string());
      ++passes;
    }
  });

  LifecycleConfig c;
  c.policy = CompressionPolicy::immediate();
  auto m = manager(c);
  std::atomic<std::uint64_t> compressed{0};
  ASSERT_OK(m.start_background(std::chrono::milliseconds(20), [&](const Result<LifecycleStats>& s) {
    if (!s) return fail("lifecycle: " + s.error().to_string());
    if (!s->errors.empty()) return fail("lifecycle: " + s->to_string());
    compressed += s->compressed;
  }));

  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(race_seconds());
  while (!stop && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop = true;
  m.stop_background();
  writer.join();
  tailer.join();
  historian.join();
  EXPECT_EQ(failure, "");
  EXPECT_GT(compressed.load(), 0u);
  std::printf("[   info   ] %llu records written, %llu segments compressed\n",
              static_cast<unsigned long long>(written.load()),
              static_cast<unsigned long long>(compressed.load()));
}

}  // namespace
}  // namespace chronicle
