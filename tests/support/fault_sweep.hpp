#pragma once
// The fault sweep of RELIABILITY C1: run an operation once under a counting
// FaultFs, then again for every file-system call it made, failing that call
// once and, separately, from then on, with EIO and with ENOSPC.

#include <functional>
#include <string>

#include <gtest/gtest.h>

#include <chronicle/core/error.hpp>

#include "support/fault_fs.hpp"
#include "support/process_resources.hpp"

namespace chronicle::test {

inline constexpr FsOp kSweptOps[] = {FsOp::Open,   FsOp::Fallocate, FsOp::Ftruncate, FsOp::Mmap,
                                     FsOp::Msync,  FsOp::Fsync,     FsOp::SyncRange, FsOp::Rename,
                                     FsOp::Unlink, FsOp::Mkdir,     FsOp::DirSync,   FsOp::Pread,
                                     FsOp::Pwrite, FsOp::Lock};

// After each faulty run: the fault was reached; a failure (if the operation
// reports one) is Io or NoSpace with the injected errno and names a path
// containing `path_hint`; descriptors and mappings are back to their
// baseline; then `verify(what)` checks the state left on disk. `prepare`
// rebuilds the starting state before every run. Returns the number of points.
inline int sweep_faults(const std::string& path_hint, const std::function<void()>& prepare,
                        const std::function<Status(FileSystem&)>& scenario,
                        const std::function<void(const std::string& what)>& verify) {
  FaultFs counter;
  prepare();
  const Status clean = scenario(counter);
  EXPECT_TRUE(clean.has_value()) << "without faults: " << clean.error().to_string();
  if (!clean) return 0;
  int points = 0;
  for (FsOp op : kSweptOps) {
    const int calls = counter.count(op);
    for (int n = 1; n <= calls; ++n) {
      for (int err : {EIO, ENOSPC}) {
        for (bool persistent : {false, true}) {
          const std::string what = std::string(fs_op_name(op)) + " call " + std::to_string(n) +
                                   (err == EIO ? " EIO" : " ENOSPC") +
                                   (persistent ? " persistent" : " once");
          prepare();
          const int fds = open_fd_count();
          const int maps = mapping_count();
          FaultFs faulty;
          faulty.fail(op, n, err, persistent);
          const Status got = scenario(faulty);
          EXPECT_GT(faulty.injected(), 0) << what << ": the fault was never reached";
          if (!got) {
            const Error& e = got.error();
            EXPECT_TRUE(e.code() == Errc::Io || e.code() == Errc::NoSpace) << what << ": " << e.to_string();
            EXPECT_EQ(e.sys_errno(), err) << what << ": " << e.to_string();
            EXPECT_NE(e.message().find(path_hint), std::string::npos) << what << ": " << e.message();
          }
          EXPECT_EQ(open_fd_count(), fds) << what << ": descriptors leaked";
          EXPECT_EQ(mapping_count(), maps) << what << ": mappings leaked";
          verify(what);
          ++points;
          if (::testing::Test::HasFailure()) return points;
        }
      }
    }
  }
  return points;
}

}  // namespace chronicle::test
