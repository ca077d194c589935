// live_tail: one process writes, another follows it live. A LogReader at the
// end of the log says Step::NothingYet rather than "end of file"; asking
// again later returns what the writer appended since, across segment rolls
// and across processes, because both map the same files. wait_next() with a
// BackoffWait does the asking: it spins, then yields, then sleeps a little
// longer each time, so an idle follower costs almost nothing.
// This example forks: the child writes 200,000 market-data messages in bursts
// into 1 MiB segments (about fifteen rolls), then an end-of-stream record; the
// parent tails the log from before the first segment exists, regenerates the
// same messages and compares every record, and checks that the writer exited
// cleanly.
//
//   live_tail [DIR]   (DIR is kept; without it a temporary directory is used)

#include <chronicle/chronicle.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "market_data.hpp"

namespace {

constexpr int kMessages = 200'000;
constexpr std::uint16_t kEndOfStream = 99;

// The child: a writer with its own generator, pausing between bursts so the
// follower really waits for data. Returns the process exit code.
int write_log(const std::string& dir) {
  chronicle::LogOptions options;
  options.segment_size = 1 << 20;
  auto writer = chronicle::SegmentWriter::open(dir, options).value();
  chronicle::examples::MarketDataGenerator gen(42);
  for (int i = 0; i < kMessages; ++i) {
    const auto msg = gen.next();
    writer.append(msg.type_id, msg.timestamp_ns, msg.payload).value();
    if (i % 2000 == 1999) std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  writer.append(kEndOfStream, gen.now_ns(), {}).value();
  std::printf("writer: %d records and an end-of-stream record, %llu segment rolls\n", kMessages,
              static_cast<unsigned long long>(writer.rolls()));
  writer.close().value();
  return 0;
}

// The parent: follows the log until the end-of-stream record.
bool follow_log(const std::string& dir) {
  auto reader = chronicle::LogReader::open(dir).value();
  chronicle::examples::MarketDataGenerator expected(42);
  chronicle::BackoffWait wait;
  chronicle::RecordView rec;
  std::set<std::uint64_t> segments;
  std::uint64_t count = 0, mismatches = 0;
  for (;;) {
    // A writer that died would leave us waiting: give up after 10 s of silence.
    const chronicle::Step step = chronicle::wait_next(reader, rec, wait, std::chrono::seconds(10));
    if (step == chronicle::Step::Failed) reader.status().value();  // throws with the file and offset
    if (step == chronicle::Step::NothingYet) {
      std::printf("follower: nothing for 10 s after %llu records\n", static_cast<unsigned long long>(count));
      return false;
    }
    segments.insert(reader.segment_id().value_or(0));
    if (rec.type_id == kEndOfStream) break;
    const auto msg = expected.next();
    const bool same = rec.seq == count && rec.type_id == msg.type_id && rec.timestamp_ns == msg.timestamp_ns &&
                      rec.payload.size() == msg.payload.size() &&
                      std::memcmp(rec.payload.data(), msg.payload.data(), msg.payload.size()) == 0;
    mismatches += !same;
    ++count;
  }
  std::printf("follower: %llu records across %zu segments, %llu differing from what was written\n",
              static_cast<unsigned long long>(count), segments.size(), static_cast<unsigned long long>(mismatches));
  return count == kMessages && mismatches == 0 && segments.size() > 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Work in DIR if given (kept), else in a fresh temporary directory (removed).
  std::string dir = argc > 1 ? std::string(argv[1])
                             : (std::filesystem::temp_directory_path() / "chronicle-live_tail-XXXXXX").string();
  if (argc <= 1 && ::mkdtemp(dir.data()) == nullptr) return 1;
  const std::string log = dir + "/feed";
  std::filesystem::create_directories(log);  // the reader may open it before the writer does
  std::fflush(stdout);  // or the child would print the parent's buffered output again
  const pid_t child = ::fork();
  if (child < 0) return 1;
  if (child == 0) {
    int rc = 1;
    try {
      rc = write_log(log);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "live_tail writer: %s\n", e.what());
    }
    std::fflush(stdout);
    std::_Exit(rc);  // not return: the parent owns the directory and its cleanup
  }
  bool ok = false;
  try {
    ok = follow_log(log);
  } catch (const std::exception& e) {  // value() of a failed Result throws BadResultAccess
    std::fprintf(stderr, "live_tail follower: %s\n", e.what());
  }
  if (!ok) ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (argc <= 1) std::filesystem::remove_all(dir);
  std::printf("%s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
