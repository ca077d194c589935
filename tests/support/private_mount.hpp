#pragma once
// Runs a test body in a child process with a private mount namespace and a
// small filesystem mounted at a directory (RELIABILITY HX6): a tmpfs, or a
// loop-mounted ext4 image (RELIABILITY D2: the real block allocator and
// delayed allocation), so disk-full paths run against a real full
// filesystem. Where mounting is not permitted the test is skipped visibly,
// with the reason.

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/child_process.hpp"

namespace chronicle::test {

inline constexpr int kMountRefused = 77;

// Runs `argv` (no shell, output discarded) and returns true if it exited 0.
inline bool run_program(std::vector<const char*> argv) {
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execvp(argv[0], const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Forks; the child unshares its mount namespace, mounts with `mount_at(dir)`
// (false: refused), runs `body`, and exits non-zero if any gtest expectation
// failed in it. Returns false if mounting was refused.
inline bool run_on_private_mount(const std::string& dir,
                                 const std::function<bool(const std::string&)>& mount_at,
                                 const std::function<void()>& body) {
  const int status = run_in_child([&] {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 || !mount_at(dir)) {
      std::fprintf(stderr, "cannot mount a filesystem at %s: %s\n", dir.c_str(),
                   std::strerror(errno));
      ::_exit(kMountRefused);
    }
    body();
  });
  if (WIFEXITED(status) && WEXITSTATUS(status) == kMountRefused) return false;
  expect_child_passed(status);
  return true;
}

// A tmpfs of `size_option` (e.g. "size=2m").
inline bool run_on_small_tmpfs(const std::string& dir, const std::string& size_option,
                               const std::function<void()>& body) {
  return run_on_private_mount(
      dir,
      [&](const std::string& at) {
        return ::mount("tmpfs", at.c_str(), "tmpfs", 0, size_option.c_str()) == 0;
      },
      body);
}

// An ext4 image of `size_mib` MiB made at `image` (mkfs.ext4, then `mount -o
// loop`, which detaches the loop device again when the child's namespace,
// and with it the mount, goes away).
inline bool run_on_small_ext4(const std::string& image, std::uint64_t size_mib,
                              const std::string& dir, const std::function<void()>& body) {
  const std::string size = std::to_string(size_mib) + "M";
  if (!run_program({"mkfs.ext4", "-q", "-F", image.c_str(), size.c_str()})) return false;
  return run_on_private_mount(
      dir,
      [&](const std::string& at) {
        return run_program({"mount", "-o", "loop", "-t", "ext4", image.c_str(), at.c_str()});
      },
      body);
}

}  // namespace chronicle::test
