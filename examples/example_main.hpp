#pragma once
// The main() every reference example shares: `example [DIR]` works in DIR
// (kept afterwards) or, without it, in a fresh temporary directory that is
// removed at the end; prints OK or FAILED and returns 0 or 1.

#include <stdlib.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <string>

namespace chronicle::examples {

inline int example_main(const char* name, int argc, char** argv,
                        const std::function<int(const std::string& dir)>& run) {
  const bool keep = argc > 1;
  std::string dir =
      keep ? std::string(argv[1])
           : (std::filesystem::temp_directory_path() / (std::string("chronicle-") + name + "-XXXXXX")).string();
  if (!keep && ::mkdtemp(dir.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  int rc = 1;
  try {
    std::filesystem::create_directories(dir);
    rc = run(dir);
  } catch (const std::exception& e) {  // value() of a failed Result throws BadResultAccess
    std::fprintf(stderr, "%s: %s\n", name, e.what());
  }
  if (!keep) std::filesystem::remove_all(dir);
  std::printf("%s\n", rc == 0 ? "OK" : "FAILED");
  return rc;
}

}  // namespace chronicle::examples
