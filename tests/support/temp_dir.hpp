#pragma once
// A fresh directory per test, removed afterwards. Lives under $TMPDIR (or
// /tmp), so CI can point tests at another filesystem.

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace chronicle::test {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/chronicle-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// gtest fixture owning a TempDir.
class TempDirTest : public ::testing::Test {
 protected:
  TempDir tmp_;
};

}  // namespace chronicle::test
