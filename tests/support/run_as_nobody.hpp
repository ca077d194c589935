#pragma once
// Runs code as the unprivileged user nobody (65534), for tests of
// permissions: root bypasses permission checks, so a test that runs as root
// drops to nobody in a forked child (RELIABILITY C5, S4, S11).

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

namespace chronicle::test {

inline constexpr uid_t kNobody = 65534;

// Runs `body` in a forked child as uid and gid nobody with no supplementary
// groups (when this process is root; otherwise as itself) and returns the
// child's exit status: body's result, 90 if the privileges could not be
// dropped, 100 + the signal if it was killed.
inline int run_as_nobody(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setresgid(kNobody, kNobody, kNobody) != 0 ||
         ::setresuid(kNobody, kNobody, kNobody) != 0)) {
      ::_exit(90);
    }
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

}  // namespace chronicle::test
