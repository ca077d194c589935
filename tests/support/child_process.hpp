#pragma once
// Runs part of a test in a forked child, for faults that must not outlive it:
// resource limits, closed standard descriptors, a private mount namespace.
// gtest expectations work in the child; its exit status says whether any
// failed.

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>

#include <gtest/gtest.h>

namespace chronicle::test {

// Forks; the child runs `body` and exits 1 if an expectation failed in it,
// else 0 (body may also _exit with a code of its own). Returns the child's
// wait status, or -1 if fork failed (reported as a test failure).
inline int run_in_child(const std::function<void()>& body) {
  const pid_t pid = ::fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return -1;
  }
  if (pid == 0) {
    body();
    std::fflush(nullptr);  // _exit does not
    ::_exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Expects a status of run_in_child() to be a clean exit; names the signal
// (SIGBUS called out) if the child died of one.
inline void expect_child_passed(int status) {
  if (status == -1) return;
  EXPECT_TRUE(WIFEXITED(status))
      << "child died of signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
      << (WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS ? " (SIGBUS)" : "");
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0) << "expectations failed in the child";
}

}  // namespace chronicle::test
