#pragma once
// The parent side of the crash tests (RELIABILITY HX2, HX8): starting the
// crash child with posix_spawn, reading what it reports, checking how it
// ended, and checking a log against P1-P4 and P6 after a crash.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/core/checksum.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "crash/crash_records.hpp"
#include "support/seeds.hpp"
#include "support/status_matchers.hpp"

extern char** environ;

namespace chronicle::crash {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using test::announce_seed;
using test::scaled_trials;
using test::test_seed;

// Crash points of the table layer, reached only through a RollingWriter:
// rolling_kill_test.cpp tests them, crash_point_test.cpp all the others.
inline bool is_table_crash_point(std::string_view point) {
  return point.starts_with("index.") || point.starts_with("partition.");
}

// Copies the log directory to the artifact folder under the build directory,
// named after the test, the seed and the trial, and returns where.
inline std::string save_artifacts(const std::string& dir, std::uint64_t seed, int trial) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  const std::filesystem::path dst =
      std::filesystem::path(CRASH_ARTIFACT_DIR) /
      (name + "-seed" + std::to_string(seed) + "-trial" + std::to_string(trial));
  std::error_code ec;
  std::filesystem::remove_all(dst, ec);
  std::filesystem::create_directories(dst, ec);
  std::filesystem::copy(dir, dst, std::filesystem::copy_options::recursive, ec);
  std::printf("[ artifact ] log copied to %s%s\n", dst.c_str(),
              ec ? (" (failed: " + ec.message() + ")").c_str() : "");
  return dst.string();
}

// A fresh directory under `base` ($TMPDIR or /tmp by default), removed at
// the end of the test.
class ScratchDir {
 public:
  explicit ScratchDir(std::string base = {}) {
    if (base.empty()) {
      const char* env = std::getenv("TMPDIR");
      base = env != nullptr && *env != '\0' ? env : "/tmp";
    }
    std::string pattern = base + "/chronicle-crash-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp in " + base);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// An owned descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// A close-on-exec pipe whose ends lie at descriptors >= 10, so that mapping
// them onto the child's 3, 4 and 5 never collides with the target number.
struct Pipe {
  Fd read, write;
  static Pipe make() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    Pipe p;
    for (int i = 0; i < 2; ++i) {
      const int high = ::fcntl(fds[i], F_DUPFD_CLOEXEC, 10);
      ::close(fds[i]);
      if (high < 0) throw std::runtime_error("F_DUPFD_CLOEXEC failed");
      (i == 0 ? p.read : p.write) = Fd(high);
    }
    return p;
  }
};

// How a child ended, as waitpid reported it.
struct ExitStatus {
  int raw = 0;
  bool killed_by(int sig) const { return WIFSIGNALED(raw) && WTERMSIG(raw) == sig; }
  bool exited_with(int code) const { return WIFEXITED(raw) && WEXITSTATUS(raw) == code; }
  std::string describe() const {
    if (WIFEXITED(raw)) return "exited with status " + std::to_string(WEXITSTATUS(raw));
    if (WIFSIGNALED(raw)) {
      return "killed by signal " + std::to_string(WTERMSIG(raw)) + " (" + strsignal(WTERMSIG(raw)) +
             ")";
    }
    return "waitpid status " + std::to_string(raw);
  }
};

// A running crash child. The destructor kills (SIGKILL) and reaps a child
// that is still running, so no test leaves one behind.
class Child {
 public:
  // Starts the crash child with `args`. Its environment is this process's
  // minus CHRONICLE_CRASH_AT/HIT, plus `env` ("NAME=value"). `fds` maps a
  // child descriptor number to a descriptor of this process.
  static Child spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
                     const std::vector<std::pair<int, int>>& fds) {
    std::vector<std::string> argv_s{CRASH_CHILD_PATH};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::vector<std::string> env_s;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view v(*e);
      if (v.starts_with("CHRONICLE_CRASH_AT=") || v.starts_with("CHRONICLE_CRASH_HIT=")) continue;
      env_s.emplace_back(v);
    }
    env_s.insert(env_s.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (const auto& [child_fd, parent_fd] : fds) {
      posix_spawn_file_actions_adddup2(&actions, parent_fd, child_fd);
    }
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    const int err =
        ::posix_spawn(&pid, CRASH_CHILD_PATH, &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (err != 0) throw std::runtime_error(std::string("posix_spawn: ") + std::strerror(err));
    return Child(pid);
  }

  Child(Child&& o) noexcept
      : pid_(std::exchange(o.pid_, -1)), status_(std::exchange(o.status_, std::nullopt)) {}
  Child& operator=(Child&&) = delete;
  ~Child() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }

  pid_t pid() const { return pid_; }

  // True while the child runs; reaps it once it has ended.
  bool running() {
    if (status_) return false;
    int raw = 0;
    const pid_t r = ::waitpid(pid_, &raw, WNOHANG);
    if (r == pid_) status_ = ExitStatus{raw};
    return !status_;
  }

  void kill() { ::kill(pid_, SIGKILL); }

  ExitStatus wait() {
    while (!status_) {
      int raw = 0;
      const pid_t r = ::waitpid(pid_, &raw, 0);
      if (r == pid_) status_ = ExitStatus{raw};
      if (r < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
    }
    return *status_;
  }

  // The exit status, or nothing if the child still runs after `timeout`.
  std::optional<ExitStatus> wait_for(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (running()) {
      if (Clock::now() >= deadline) return std::nullopt;
      ::usleep(1000);
    }
    return status_;
  }

 private:
  explicit Child(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

// The read end of a child's report pipe, decoded as 8-byte values.
class SeqStream {
 public:
  explicit SeqStream(Fd fd) : fd_(std::move(fd)) {
    ::fcntl(fd_.get(), F_SETFL, ::fcntl(fd_.get(), F_GETFL) | O_NONBLOCK);
  }

  // Takes what is available, waiting up to `timeout` for it to start.
  // Returns false once the writing ends are all closed and nothing is left.
  bool poll(milliseconds timeout) {
    if (eof_) return false;
    pollfd p{fd_.get(), POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r <= 0) return true;
    for (;;) {
      char buf[8192];
      const ssize_t n = ::read(fd_.get(), buf, sizeof buf);
      if (n > 0) {
        partial_.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) eof_ = true;
      break;
    }
    std::size_t i = 0;
    for (; i + 8 <= partial_.size(); i += 8) {
      std::uint64_t v;
      std::memcpy(&v, partial_.data() + i, 8);
      values_.push_back(v);
    }
    partial_.erase(0, i);
    return !eof_;
  }

  // Reads until EOF (every writer is gone), for at most `timeout`. False on
  // timeout.
  bool drain(milliseconds timeout = milliseconds(20000)) {
    const auto deadline = Clock::now() + timeout;
    while (poll(milliseconds(50))) {
      if (Clock::now() >= deadline) return false;
    }
    return true;
  }

  const std::vector<std::uint64_t>& values() const { return values_; }
  std::size_t size() const { return values_.size(); }
  bool eof() const { return eof_; }
  // Bytes of a value cut short (a child never writes fewer than 8).
  std::size_t leftover() const { return partial_.size(); }

 private:
  Fd fd_;
  std::vector<std::uint64_t> values_;
  std::string partial_;
  bool eof_ = false;
};

// The read end of a child's report pipe, as lines of text.
class LineStream {
 public:
  explicit LineStream(Fd fd) : fd_(std::move(fd)) {
    ::fcntl(fd_.get(), F_SETFL, ::fcntl(fd_.get(), F_GETFL) | O_NONBLOCK);
  }

  // The next line (without its newline), or nothing if none came within
  // `timeout` or the pipe closed first.
  std::optional<std::string> next_line(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      if (const auto nl = buf_.find('\n'); nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[512];
      const ssize_t n = ::read(fd_.get(), chunk, sizeof chunk);
      if (n == 0) return std::nullopt;
      if (n > 0) buf_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  Fd fd_;
  std::string buf_;
};

// A crash child in "lock" mode: it reports READY, waits until the barrier
// pipe (its fd 4) is closed by every writer, tries to open the log, and
// reports "OK <pid>" or "<Errc name> <message>". The winner appends
// `appends` records once its hold pipe (fd 5) is closed too.
struct LockContender {
  Child child;
  LineStream report;
};

inline LockContender spawn_contender(const std::string& dir, std::uint64_t seed,
                                     std::uint64_t segment_size, int appends, int barrier_read,
                                     int hold_read) {
  Pipe pipe = Pipe::make();
  Child child = Child::spawn(
      {dir, std::to_string(seed), std::to_string(segment_size), "lock", std::to_string(appends)},
      {}, {{3, pipe.write.get()}, {4, barrier_read}, {5, hold_read}});
  pipe.write.reset();
  return LockContender{std::move(child), LineStream(std::move(pipe.read))};
}

// Records [first, end) of a log, read from its first record.
struct LogRange {
  std::uint64_t first = 0;
  std::uint64_t end = 0;
  bool operator==(const LogRange&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const LogRange& r) {
  return os << "[" << r.first << ", " << r.end << ")";
}

// Checks whole logs of deterministic records (P2, P3). Reading a long log
// after every trial is the cost of the kill loop, so it remembers a hash of
// each expected payload, and a read that is not `full` compares payload bytes
// only for records that no earlier read has compared; sequence number, type,
// timestamp and length are compared for every record, and the reader itself
// verifies every record's checksum.
class LogChecker {
 public:
  LogChecker(std::uint64_t seed, std::size_t max_len) : seed_(seed), max_len_(max_len) {}

  std::uint64_t seed() const { return seed_; }
  std::size_t max_len() const { return max_len_; }

  // Reads `dir` from its first record to "nothing yet". Succeeds when every
  // record passes its checksum (the reader's check), the sequence numbers run
  // from 0 without gap or duplicate, every record is exactly the expected
  // one, and the reader ends with NothingYet rather than Failed.
  ::testing::AssertionResult read(const std::string& dir, LogRange* out, bool full = true) {
    auto reader = LogReader::open(dir, both_tiers());
    if (!reader) {
      return ::testing::AssertionFailure() << "LogReader::open: " << reader.error().to_string();
    }
    RecordView view;
    std::uint64_t expected = 0;
    Step step;
    while ((step = reader->next(view)) == Step::Record) {
      if (!matches(view, expected, full || expected >= compared_end_)) {
        return ::testing::AssertionFailure()
               << "P2/P3: " << record_mismatch(view, expected, seed_, max_len_);
      }
      ++expected;
    }
    if (step == Step::Failed) {
      return ::testing::AssertionFailure() << "reader failed after seq " << expected << ": "
                                           << reader->status().error().to_string();
    }
    *out = LogRange{0, expected};
    compared_end_ = std::max(compared_end_, expected);
    return ::testing::AssertionSuccess();
  }

  bool matches(const RecordView& view, std::uint64_t expected, bool compare_payload) {
    if (view.seq != expected || view.type_id != test::type_for(seed_, expected) ||
        view.timestamp_ns != test::timestamp_for(seed_, expected)) {
      return false;
    }
    while (hashes_.size() <= expected) {
      const auto p = test::payload_for(seed_, hashes_.size(), max_len_);
      hashes_.push_back({p.size(), XXH3_64bits(p.data(), p.size())});
    }
    const auto& [len, hash] = hashes_[expected];
    return view.payload.size() == len &&
           (!compare_payload || XXH3_64bits(view.payload.data(), view.payload.size()) == hash);
  }

 private:
  std::uint64_t seed_;
  std::size_t max_len_;
  std::vector<std::pair<std::size_t, std::uint64_t>> hashes_;
  std::uint64_t compared_end_ = 0;  // payloads of [0, compared_end_) were compared
};

// Checks that the acknowledgements of one child are a contiguous run of
// sequence numbers starting where the log ended when the child started.
inline ::testing::AssertionResult acks_contiguous(const SeqStream& acks, std::uint64_t start) {
  if (acks.leftover() != 0) {
    return ::testing::AssertionFailure() << "a report of " << acks.leftover() << " bytes";
  }
  for (std::size_t i = 0; i < acks.size(); ++i) {
    if (acks.values()[i] != start + i) {
      return ::testing::AssertionFailure()
             << "acknowledgement #" << i << " is seq " << acks.values()[i] << ", expected "
             << start + i << " (the writer did not continue where the log ended)";
    }
  }
  return ::testing::AssertionSuccess();
}

// P1 and P2 after a single writer was killed: the log `r`, read after the
// crash, still holds the log `before` it (nothing lost from earlier), every
// acknowledged seq, and at most the one in-flight append beyond them.
inline ::testing::AssertionResult no_loss_no_hole(const LogRange& before, const SeqStream& acks,
                                                  const LogRange& r) {
  if (r.first != before.first) {
    return ::testing::AssertionFailure()
           << "the log now starts at seq " << r.first << " instead of " << before.first;
  }
  const std::uint64_t acked_end = acks.size() == 0 ? before.end : acks.values().back() + 1;
  if (r.end < acked_end || r.end < before.end) {
    return ::testing::AssertionFailure()
           << "P1: the log ends at seq " << r.end << " but seq " << acked_end - 1
           << " was acknowledged (log before the trial: " << before << ")";
  }
  if (r.end > acked_end + 1) {
    return ::testing::AssertionFailure()
           << "P2: the log ends at seq " << r.end << ", more than one append past the last "
           << "acknowledged end " << acked_end;
  }
  return ::testing::AssertionSuccess();
}

// P4 and P6 after a crash, given the log `r` that a reader found before any
// writer opened it: a writer opened, closed, and opened again resumes at
// r.end both times, and the second open has nothing left to repair (P6);
// `m` appends get r.end..r.end+m-1, and a fresh reader then reads exactly r
// and them, then NothingYet (P4), so neither recovery changed r. On success
// `*after` is the extended log and `*first_report` what the first recovery
// reported.
inline ::testing::AssertionResult reopen_and_extend(
    const std::string& dir, const LogOptions& options, LogChecker& checker, const LogRange& r,
    std::uint64_t m, LogRange* after, RecoveryReport* first_report = nullptr, bool full = true) {
  {
    auto w = SegmentWriter::open(dir, options);
    if (!w) return ::testing::AssertionFailure() << "reopen: " << w.error().to_string();
    if (w->next_seq() != r.end) {
      return ::testing::AssertionFailure() << "P4: reopened writer continues at seq "
                                           << w->next_seq() << ", the log ends at " << r.end;
    }
    if (first_report != nullptr) *first_report = w->recovery_report();
    if (auto st = w->close(); !st) {
      return ::testing::AssertionFailure() << "close: " << st.error().to_string();
    }
  }
  auto w = SegmentWriter::open(dir, options);
  if (!w) return ::testing::AssertionFailure() << "second reopen: " << w.error().to_string();
  if (w->next_seq() != r.end) {
    return ::testing::AssertionFailure() << "P6: the second reopen continues at seq "
                                         << w->next_seq() << ", the first at " << r.end;
  }
  const RecoveryReport& report = w->recovery_report();
  if (report.discarded_bytes != 0 || report.sealed_previous || report.recreated_segment) {
    return ::testing::AssertionFailure()
           << "P6: the second recovery still repaired something: " << report.to_string();
  }
  for (std::uint64_t i = 0; i < m; ++i) {
    auto seq = append_expected(*w, checker.seed(), checker.max_len());
    if (!seq) return ::testing::AssertionFailure() << "append: " << seq.error().to_string();
    if (*seq != r.end + i) {
      return ::testing::AssertionFailure()
             << "P4: append #" << i << " got seq " << *seq << ", expected " << r.end + i;
    }
  }
  LogRange extended;
  if (auto ok = checker.read(dir, &extended, full); !ok) {
    return ok << " (after recovery and " << m << " new appends)";
  }
  if (extended != LogRange{r.first, r.end + m}) {
    return ::testing::AssertionFailure()
           << "P4: after " << m << " appends to " << r << " a fresh reader read " << extended;
  }
  if (auto st = w->close(); !st) {
    return ::testing::AssertionFailure() << "close: " << st.error().to_string();
  }
  *after = extended;
  return ::testing::AssertionSuccess();
}

// A gtest parameter name for crash point `p` ("roll.after_publish" ->
// "roll_after_publish").
inline std::string crash_point_test_name(
    const ::testing::TestParamInfo<std::string_view>& p) {
  std::string name(p.param);
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name;
}

}  // namespace chronicle::crash
