// The crash child (RELIABILITY HX2): a separate small program that the crash
// tests start with posix_spawn and kill. It writes or follows a log of
// deterministic records (crash_records.hpp) and reports on descriptor 3.
//
//   crash_child DIR SEED SEGMENT_SIZE MODE [ARGS...]
//
//   append [N [PACE_US]]   appends N records (0 or absent: until killed),
//                          sleeping PACE_US every 64 records; each seq is
//                          written to fd 3 (8 bytes) after append() returned
//   sync N [PACE_US]       as append, then sync() and close(); exits 0
//   cycle C K              C times: open the log, append K records, close()
//   tail WAIT [END]        follows the log from its first record with WAIT
//                          (spin, yield or backoff), checking every record
//                          against its expected content; writes each seq it
//                          delivers to fd 3, after kTailReady once following;
//                          exits 0 once seq END-1 was delivered (END 0: never)
//   compress               compresses every sealed hot segment but the newest
//   decompress             restores every cold segment but the newest
//   rolling START [N]      DIR is a table (rolling_records.hpp): opens a
//                          RollingWriter and appends records START,
//                          START+1, ... (N of them, 0: until killed), writing
//                          each k to fd 3 after append() returned; then
//                          finish() and exit 0
//   lock K                 writes "READY" and blocks until fd 4 reaches EOF
//                          (the barrier), opens the log and writes a line to
//                          fd 3: "OK <pid>" or "<Errc name> <message>"; the
//                          winner then waits for EOF on fd 5, appends K
//                          records and closes
//
// Exit status: 0 done, 1 usage, 2 a record differed from what was expected
// (tail), 3 a library call failed, 4 fd 3 is gone. Named crash points
// (CHRONICLE_CRASH_AT / CHRONICLE_CRASH_HIT) end it with SIGKILL.

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/segment/wait_strategy.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "crash/crash_records.hpp"
#include "crash/rolling_records.hpp"

namespace chronicle::crash {
namespace {

constexpr int kReportFd = 3;
constexpr int kBarrierFd = 4;
constexpr int kHoldFd = 5;

struct Args {
  std::string dir;
  std::uint64_t seed = 0;
  std::uint64_t segment_size = 0;
  std::size_t max_len = 0;
  std::vector<std::string> rest;  // mode, then its arguments
};

[[noreturn]] void fail(int code, const std::string& what) {
  std::fprintf(stderr, "crash_child[%d]: %s\n", static_cast<int>(::getpid()), what.c_str());
  std::fflush(stderr);
  std::_Exit(code);
}

std::uint64_t number(const std::vector<std::string>& rest, std::size_t i, std::uint64_t dflt) {
  if (i >= rest.size()) return dflt;
  char* end = nullptr;
  const std::uint64_t v = std::strtoull(rest[i].c_str(), &end, 10);
  if (end == rest[i].c_str() || *end != '\0') fail(1, "not a number: " + rest[i]);
  return v;
}

void write_all(int fd, const void* data, std::size_t len) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    const ssize_t n = ::write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(4, "cannot report on fd " + std::to_string(fd));
    p += n;
    len -= static_cast<std::size_t>(n);
  }
}

void report_seq(std::uint64_t seq) { write_all(kReportFd, &seq, sizeof seq); }

// Reads `fd` until EOF, so that the caller is released when the test closes
// the other end.
void wait_for_eof(int fd) {
  char buf[64];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) return;
    if (n < 0 && errno != EINTR) fail(3, "read of fd " + std::to_string(fd) + " failed");
  }
}

SegmentWriter open_writer(const Args& a) {
  LogOptions options;
  options.segment_size = a.segment_size;
  auto writer = SegmentWriter::open(a.dir, options);
  if (!writer) fail(3, "open: " + writer.error().to_string());
  return std::move(*writer);
}

void append_acked(SegmentWriter& writer, const Args& a, std::uint64_t count,
                  std::uint64_t pace_us) {
  for (std::uint64_t i = 0; count == 0 || i < count; ++i) {
    auto seq = append_expected(writer, a.seed, a.max_len);
    if (!seq) fail(3, "append: " + seq.error().to_string());
    report_seq(*seq);
    if (pace_us != 0 && i % 64 == 63) ::usleep(static_cast<useconds_t>(pace_us));
  }
}

int run_append(const Args& a, bool sync) {
  SegmentWriter writer = open_writer(a);
  append_acked(writer, a, number(a.rest, 1, 0), number(a.rest, 2, 0));
  if (sync) {
    if (auto st = writer.sync(); !st) fail(3, "sync: " + st.error().to_string());
  }
  if (auto st = writer.close(); !st) fail(3, "close: " + st.error().to_string());
  return 0;
}

int run_cycle(const Args& a) {
  const std::uint64_t cycles = number(a.rest, 1, 4);
  const std::uint64_t per_cycle = number(a.rest, 2, 100);
  for (std::uint64_t c = 0; c < cycles; ++c) {
    SegmentWriter writer = open_writer(a);
    append_acked(writer, a, per_cycle, 0);
    if (auto st = writer.close(); !st) fail(3, "close: " + st.error().to_string());
  }
  return 0;
}

template <class Wait>
int follow(const Args& a, Wait wait, std::uint64_t end) {
  Result<LogReader> reader = LogReader::open(a.dir, both_tiers());
  if (!reader) fail(3, "LogReader::open: " + reader.error().to_string());
  report_seq(kTailReady);
  std::uint64_t expected = 0;
  RecordView view;
  while (end == 0 || expected < end) {
    const Step step = wait_next(*reader, view, wait);
    if (step == Step::Failed) fail(2, "reader failed: " + reader->status().error().to_string());
    if (step != Step::Record) continue;
    if (auto bad = record_mismatch(view, expected, a.seed, a.max_len); !bad.empty()) {
      fail(2, "tail read a wrong record: " + bad);
    }
    report_seq(view.seq);
    ++expected;
  }
  return 0;
}

int run_tail(const Args& a) {
  const std::string wait = a.rest.size() > 1 ? a.rest[1] : "backoff";
  const std::uint64_t end = number(a.rest, 2, 0);
  if (wait == "spin") return follow(a, BusySpinWait(), end);
  if (wait == "yield") return follow(a, YieldWait(), end);
  if (wait == "backoff") return follow(a, BackoffWait(), end);
  fail(1, "unknown wait strategy " + wait);
}

int run_compress(const Args& a, bool decompress) {
  auto segments = list_segments(a.dir);
  if (!segments) fail(3, "list_segments: " + segments.error().to_string());
  for (const SegmentEntry& e : *segments) {
    if (e.id == segments->back().id) break;
    if (!decompress && e.hot && !e.cold) {
      if (auto r = compress_segment(a.dir, e.id); !r) {
        fail(3, "compress_segment: " + r.error().to_string());
      }
    }
    if (decompress && e.cold && !e.hot) {
      if (auto r = decompress_segment(a.dir, e.id); !r) {
        fail(3, "decompress_segment: " + r.error().to_string());
      }
    }
  }
  return 0;
}

int run_lock(const Args& a) {
  write_all(kReportFd, "READY\n", 6);
  wait_for_eof(kBarrierFd);
  LogOptions options;
  options.segment_size = a.segment_size;
  auto writer = SegmentWriter::open(a.dir, options);
  if (!writer) {
    const std::string line =
        std::string(errc_name(writer.error().code())) + " " + writer.error().message() + "\n";
    write_all(kReportFd, line.data(), line.size());
    return writer.error().code() == Errc::Locked ? 0 : 3;
  }
  const std::string line = "OK " + std::to_string(::getpid()) + "\n";
  write_all(kReportFd, line.data(), line.size());
  wait_for_eof(kHoldFd);
  for (std::uint64_t i = 0, n = number(a.rest, 1, 1); i < n; ++i) {
    if (auto seq = append_expected(*writer, a.seed, a.max_len); !seq) {
      fail(3, "append: " + seq.error().to_string());
    }
  }
  if (auto st = writer->close(); !st) fail(3, "close: " + st.error().to_string());
  return 0;
}

int run_rolling(const Args& a) {
  auto table = Table::open(a.dir);
  if (!table) fail(3, "Table::open: " + table.error().to_string());
  auto writer = rolling::open_writer(*table);
  if (!writer) fail(3, "rolling_writer: " + writer.error().to_string());
  const std::uint64_t start = number(a.rest, 1, 0);
  const std::uint64_t count = number(a.rest, 2, 0);
  for (std::uint64_t k = start; count == 0 || k < start + count; ++k) {
    if (auto seq = rolling::append_record(*writer, a.seed, k); !seq) {
      fail(3, "append of record " + std::to_string(k) + ": " + seq.error().to_string());
    }
    report_seq(k);
  }
  if (auto st = writer->finish(); !st) fail(3, "finish: " + st.error().to_string());
  return 0;
}

int run(int argc, char** argv) {
  if (argc < 5) fail(1, "usage: crash_child DIR SEED SEGMENT_SIZE MODE [ARGS...]");
  Args a;
  a.dir = argv[1];
  a.rest.assign(argv + 4, argv + argc);
  a.seed = number({argv[2]}, 0, 0);
  a.segment_size = number({argv[3]}, 0, 0);
  a.max_len = max_len_for(a.segment_size);
  const std::string_view mode = a.rest[0];
  if (mode == "append") return run_append(a, false);
  if (mode == "sync") return run_append(a, true);
  if (mode == "cycle") return run_cycle(a);
  if (mode == "tail") return run_tail(a);
  if (mode == "compress") return run_compress(a, false);
  if (mode == "decompress") return run_compress(a, true);
  if (mode == "lock") return run_lock(a);
  if (mode == "rolling") return run_rolling(a);
  fail(1, "unknown mode " + std::string(mode));
}

}  // namespace
}  // namespace chronicle::crash

int main(int argc, char** argv) {
  // A child must not outlive a test that crashed or was stopped: tailers
  // never end by themselves.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() == 1) return 4;
  return chronicle::crash::run(argc, argv);
}
