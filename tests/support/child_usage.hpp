#pragma once
// Runs a function in a forked child and measures what it cost: the growth of
// the child's peak RSS over what it inherited (getrusage before, wait4's
// ru_maxrss after) and the wall time (RELIABILITY S8). The function's result
// comes back through a pipe as one line of text.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace chronicle::test {

struct ChildUsage {
  std::string result;         // what the function returned
  bool exited_cleanly = false;  // the child exited 0 (no crash, no sanitizer report)
  std::uint64_t peak_rss_growth_bytes = 0;
  std::chrono::nanoseconds wall{0};
};

inline ChildUsage run_measured(const std::function<std::string()>& fn) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    rusage before {};
    ::getrusage(RUSAGE_SELF, &before);
    const std::string line = std::to_string(before.ru_maxrss) + " " + fn();
    std::size_t done = 0;
    while (done < line.size()) {
      const ssize_t n = ::write(fds[1], line.data() + done, line.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  rusage after {};
  ::wait4(pid, &status, 0, &after);
  ChildUsage out;
  out.wall = std::chrono::steady_clock::now() - start;
  out.exited_cleanly = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  const auto space = text.find(' ');
  if (space == std::string::npos) return out;
  const long before_kb = std::stol(text.substr(0, space));
  out.result = text.substr(space + 1);
  // ru_maxrss is in KiB on Linux.
  if (after.ru_maxrss > before_kb) {
    out.peak_rss_growth_bytes = static_cast<std::uint64_t>(after.ru_maxrss - before_kb) * 1024;
  }
  return out;
}

}  // namespace chronicle::test
