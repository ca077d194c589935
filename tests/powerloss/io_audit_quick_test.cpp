// B3 on the whole quick suite: each test binary labelled `quick` runs under
// io_fault_shim in logging mode, with TMPDIR at a fresh directory whose
// file-system calls the shim logs (every process: the binary, its forked
// children and the programs they run), and the log must follow the rules of
// io_log_audit.hpp. One test per binary, so ctest can run two at once; the
// checker itself is shown to catch a break of each rule on hand-made logs.
//
// IO_AUDIT_BINARIES lists "name=path" pairs, comma separated (CMake fills
// it with the binaries of chronicle_add_test_binary(... LABELS quick)).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "powerloss/io_log_audit.hpp"
#include "support/child_process.hpp"
#include "support/sanitizers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle::powerloss {
namespace {

struct QuickBinary {
  std::string name;
  std::string path;
};
void PrintTo(const QuickBinary& b, std::ostream* os) { *os << b.name; }

// CHRONICLE_IO_AUDIT_BINARIES, in the same form, replaces the list: to
// audit other test binaries (the `threads` ones, say) by hand.
std::vector<QuickBinary> quick_binaries() {
  std::vector<QuickBinary> out;
  const char* env = std::getenv("CHRONICLE_IO_AUDIT_BINARIES");
  std::istringstream list(env != nullptr && *env != '\0' ? env : IO_AUDIT_BINARIES);
  for (std::string item; std::getline(list, item, ',');) {
    const auto eq = item.find('=');
    if (eq != std::string::npos) out.push_back({item.substr(0, eq), item.substr(eq + 1)});
  }
  return out;
}

std::string tail_of(const std::string& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

class IoAuditQuickTest : public ::testing::TestWithParam<QuickBinary> {
 protected:
  test::TempDir tmp_;
};

TEST_P(IoAuditQuickTest, EveryFileSystemCallFollowsTheRules) {
  if (!test::kSanitizer.empty()) {
    GTEST_SKIP() << "built with " << test::kSanitizer
                 << ": its runtime must be first in the library list, so the LD_PRELOAD shim "
                    "cannot be loaded (the test preset runs this test)";
  }
  const QuickBinary& b = GetParam();
  const std::string tree = tmp_.sub("tmp");
  const std::string log = tmp_.sub("io.log");
  const std::string out = tmp_.sub("out.txt");
  // Open to all, as /tmp is: some tests run a child as nobody.
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(tree.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(tree.c_str(), 01777), 0);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0666);
  ASSERT_GE(log_fd, 0);
  ::fchmod(log_fd, 0666);
  ::close(log_fd);

  const auto start = std::chrono::steady_clock::now();
  const int status = test::run_in_child([&] {
    ::setenv("TMPDIR", tree.c_str(), 1);
    ::setenv("LD_PRELOAD", IO_FAULT_SHIM, 1);
    ::setenv("CHRONICLE_IO_LOG", log.c_str(), 1);
    ::setenv("CHRONICLE_IO_LOG_DIR", tree.c_str(), 1);
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0) ::_exit(126);
    ::close(fd);
    const char* argv[] = {b.path.c_str(), "--gtest_brief=1", nullptr};
    ::execv(b.path.c_str(), const_cast<char**>(argv));
    std::perror("execv");
    ::_exit(127);
  });
  const double run_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  test::expect_child_passed(status);
  if (HasFailure()) {
    ADD_FAILURE() << b.name << " failed under the shim; the end of its output:\n"
                  << tail_of(out, 4000);
    return;
  }

  const LogAuditResult r = audit_log(log);
  EXPECT_GT(r.processes, 0u) << "no process logged its start: is the shim loaded?";
  const std::size_t shown = std::min<std::size_t>(r.violations.size(), 40);
  std::string report;
  for (std::size_t i = 0; i < shown; ++i) report += "\n  " + r.violations[i];
  if (!r.violations.empty()) {
    // Kept for a look at the sequence (and the seed in the output).
    std::filesystem::create_directories(IO_AUDIT_ARTIFACT_DIR);
    const std::string kept = std::string(IO_AUDIT_ARTIFACT_DIR) + "/" + b.name;
    std::filesystem::copy_file(log, kept + ".io.log",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(out, kept + ".out.txt",
                               std::filesystem::copy_options::overwrite_existing);
    ADD_FAILURE() << r.violations.size() << " rule breaks in " << b.name << " (first " << shown
                  << "):" << report << "\nthe log and the output are kept as " << kept
                  << ".io.log and .out.txt";
  }

  std::printf(
      "[   info   ] %s: %.1f s under the shim; %llu processes (%llu killed), %llu calls "
      "audited; rule 1/2: %d renames (%llu other renames not checked), rule 3: %d unlinks "
      "(%llu by std::filesystem not checked), "
      "rule 4: %llu msyncs, rule 5: %d ftruncates; exempt from 1/2:",
      b.name.c_str(), run_s, static_cast<unsigned long long>(r.processes),
      static_cast<unsigned long long>(r.killed), static_cast<unsigned long long>(r.calls),
      r.rules.renames, static_cast<unsigned long long>(r.other_renames), r.rules.unlinks,
      static_cast<unsigned long long>(r.cleanup_unlinks), static_cast<unsigned long long>(r.syncs),
      r.rules.truncates);
  for (const auto& [why, n] : r.rules.exempt) std::printf(" %d (%.30s...)", n, why.c_str());
  std::printf("\n");
  RecordProperty("processes", std::to_string(r.processes));
  RecordProperty("calls", std::to_string(r.calls));
}

// The log checker catches a break of each rule (hand-made logs).
class IoLogAuditRulesTest : public ::testing::Test {
 protected:
  std::vector<std::string> audit(const std::vector<std::string>& lines) {
    const std::string path = tmp_.sub("log" + std::to_string(++logs_));
    std::ofstream(path) << [&] {
      std::string text;
      for (const std::string& l : lines) text += "10 10 " + l + "\n";
      return text;
    }();
    return audit_log(path).violations;
  }
  static std::vector<std::string> without(std::vector<std::string> lines, const std::string& l) {
    std::erase(lines, l);
    return lines;
  }
  static bool only(const std::vector<std::string>& v, const std::string& rule) {
    return !v.empty() && std::all_of(v.begin(), v.end(), [&](const std::string& x) {
      return x.find(rule) != std::string::npos;
    });
  }
  test::TempDir tmp_;
  int logs_ = 0;
};

TEST_F(IoLogAuditRulesTest, EachRuleCatchesItsBreak) {
  // _table.json: temp written, fsynced, renamed, directory fsynced.
  const std::vector<std::string> meta = {"start 1",
                                         "open 193 1 5 0 /t/_table.json.tmp-1",
                                         "pwrite 0 10 1 5 0 /t/_table.json.tmp-1",
                                         "fsync 1 5 0 /t/_table.json.tmp-1",
                                         "rename 0 1 5 0 /t/_table.json.tmp-1 /t/_table.json",
                                         "fsync 1 2 1 /t",
                                         "exit 0"};
  EXPECT_TRUE(audit(meta).empty()) << ::testing::PrintToString(audit(meta));
  EXPECT_TRUE(only(audit(without(meta, "fsync 1 5 0 /t/_table.json.tmp-1")), "rule 1"));
  EXPECT_TRUE(only(audit(without(meta, "fsync 1 2 1 /t")), "rule 2"));
  // Killed before the directory fsync: it never reported success.
  EXPECT_TRUE(audit(without(without(meta, "fsync 1 2 1 /t"), "exit 0")).empty());

  // Compression: verified, renamed, directory fsynced, then the .q unlinked.
  const std::vector<std::string> compress = {
      "start 1",
      "open 193 1 7 0 /t/000000000.q.zst.tmp-1",
      "pwrite 0 10 1 7 0 /t/000000000.q.zst.tmp-1",
      "fsync 1 7 0 /t/000000000.q.zst.tmp-1",
      "open 0 1 7 0 /t/000000000.q.zst.tmp-1",
      "rename 1 1 7 0 /t/000000000.q.zst.tmp-1 /t/000000000.q.zst",
      "fsync 1 2 1 /t",
      "unlink 0 0 /t/000000000.q",
      "fsync 1 2 1 /t",
      "exit 0"};
  EXPECT_TRUE(audit(compress).empty()) << ::testing::PrintToString(audit(compress));
  auto early_unlink = compress;
  early_unlink.erase(early_unlink.begin() + 6);
  const auto v = audit(early_unlink);
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](const std::string& x) {
    return x.find("rule 3") != x.npos;
  })) << ::testing::PrintToString(v);
  EXPECT_TRUE(only(audit(without(compress, "open 0 1 7 0 /t/000000000.q.zst.tmp-1")), "rule 3"));

  // A writer rolls from segment 0 to 1 and syncs: fdatasync of 0, msync of
  // 1, directory fsync for the new name.
  const std::vector<std::string> sync = {"start 1",
                                         "open 194 1 20 0 /l/000000000.q.prep",
                                         "mmap 4096 8192 3 1 0 1 20 0 /l/000000000.q.prep",
                                         "rename 1 1 20 0 /l/000000000.q.prep /l/000000000.q",
                                         "open 194 1 21 0 /l/000000001.q.prep",
                                         "mmap 16384 8192 3 1 0 1 21 0 /l/000000001.q.prep",
                                         "rename 1 1 21 0 /l/000000001.q.prep /l/000000001.q",
                                         "fdatasync 1 20 0 /l/000000000.q",
                                         "msync 16384 100 4",
                                         "fsync 1 3 1 /l",
                                         "exit 0"};
  EXPECT_TRUE(audit(sync).empty()) << ::testing::PrintToString(audit(sync));
  EXPECT_TRUE(only(audit(without(sync, "fdatasync 1 20 0 /l/000000000.q")), "rule 4"));
  EXPECT_TRUE(only(audit(without(sync, "fsync 1 3 1 /l")), "rule 4"));
  auto async = sync;
  async[8] = "msync 16384 100 1";
  EXPECT_TRUE(only(audit(async), "rule 4"));

  // Rule 5: a segment, or any file the process mapped, is never truncated.
  EXPECT_TRUE(
      only(audit({"start 1", "ftruncate 0 8192 1 20 0 /l/000000000.q", "exit 0"}), "rule 5"));
  EXPECT_TRUE(audit({"start 1", "ftruncate 0 6 1 9 0 /l/.lock", "exit 0"}).empty());
  EXPECT_TRUE(only(
      audit({"start 1", "mmap 4096 8192 1 1 0 1 9 0 /l/x", "ftruncate 0 6 1 9 0 /l/x", "exit 0"}),
      "rule 5"));
}

INSTANTIATE_TEST_SUITE_P(Quick, IoAuditQuickTest, ::testing::ValuesIn(quick_binaries()),
                         [](const ::testing::TestParamInfo<QuickBinary>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace chronicle::powerloss
