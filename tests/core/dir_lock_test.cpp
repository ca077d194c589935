#include <chronicle/core/dir_lock.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

class DirLockTest : public TempDirTest {
 protected:
  FileSystem& fs = FileSystem::system();
};

TEST_F(DirLockTest, SecondLockInTheSameProcessConflicts) {
  ASSERT_OK_AND_ASSIGN(auto first, DirLock::acquire(fs, tmp_.path()));
  auto second = DirLock::acquire(fs, tmp_.path());
  EXPECT_ERROR(second, Errc::Locked);
  EXPECT_NE(second.error().message().find("pid " + std::to_string(::getpid())), std::string::npos)
      << second.error().message();
  first.release();
  EXPECT_OK(DirLock::acquire(fs, tmp_.path()));
}

TEST_F(DirLockTest, LockOfAKilledProcessIsTakenOverAtOnce) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto lock = DirLock::acquire(fs, tmp_.path());
    char c = lock ? 'y' : 'n';
    (void)::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  auto while_held = DirLock::acquire(fs, tmp_.path());
  EXPECT_ERROR(while_held, Errc::Locked);
  EXPECT_NE(while_held.error().message().find("pid " + std::to_string(pid)), std::string::npos);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_OK(DirLock::acquire(fs, tmp_.path()));
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_F(DirLockTest, RefusesASymlinkedLockFile) {
  test::write_file(tmp_.sub("canary"), {'c', 'a', 'n'});
  ASSERT_EQ(::mkdir(tmp_.sub("log").c_str(), 0755), 0);
  ASSERT_EQ(::symlink(tmp_.sub("canary").c_str(), tmp_.sub("log/.lock").c_str()), 0);
  EXPECT_FALSE(DirLock::acquire(fs, tmp_.sub("log")));
  EXPECT_EQ(test::read_file(tmp_.sub("canary")), (std::vector<char>{'c', 'a', 'n'}));
}

TEST_F(DirLockTest, RefusesAHardLinkedLockFile) {
  test::write_file(tmp_.sub("canary"), {'c', 'a', 'n'});
  ASSERT_EQ(::mkdir(tmp_.sub("log").c_str(), 0755), 0);
  ASSERT_EQ(::link(tmp_.sub("canary").c_str(), tmp_.sub("log/.lock").c_str()), 0);
  auto lock = DirLock::acquire(fs, tmp_.sub("log"));
  EXPECT_ERROR(lock, Errc::Io);
  EXPECT_EQ(test::read_file(tmp_.sub("canary")), (std::vector<char>{'c', 'a', 'n'}));
}

}  // namespace
}  // namespace chronicle
