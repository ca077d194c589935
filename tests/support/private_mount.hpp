#pragma once
// Runs a test body in a child process with a private mount namespace and a
// small tmpfs mounted at a directory (RELIABILITY HX6), so disk-full paths
// run against a real full filesystem. Where mounting is not permitted the
// test is skipped visibly, with the reason.

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "support/child_process.hpp"

namespace chronicle::test {

inline constexpr int kMountRefused = 77;

// Forks; the child unshares its mount namespace, mounts a tmpfs of
// `size_option` (e.g. "size=2m") at `dir`, runs `body`, and exits non-zero if
// any gtest expectation failed in it. Returns false (after GTEST_SKIP-worthy
// reporting) if mounting was refused.
inline bool run_on_small_tmpfs(const std::string& dir, const std::string& size_option,
                               const std::function<void()>& body) {
  const int status = run_in_child([&] {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", dir.c_str(), "tmpfs", 0, size_option.c_str()) != 0) {
      std::fprintf(stderr, "cannot mount a tmpfs: %s\n", std::strerror(errno));
      ::_exit(kMountRefused);
    }
    body();
  });
  if (WIFEXITED(status) && WEXITSTATUS(status) == kMountRefused) return false;
  expect_child_passed(status);
  return true;
}

}  // namespace chronicle::test
