// Replays saved inputs through one fuzz target without libFuzzer (SQLite's
// fuzzcheck idea): linked with a target's .cpp, it calls its
// LLVMFuzzerTestOneInput once for every file of each directory given, in
// name order, and prints per directory how many inputs ran and the slowest.
// The targets abort on a property violation; so do ASan and UBSan (the
// presets make every report fatal). Whatever kills the process, the input
// that did it is named on stderr first. ctest runs one replay per target
// over tests/fuzz/corpus/<name> and tests/fuzz/regressions/<name>.
//
//   <target>_replay [--slow-ms=N] DIR... exits 0 when every input ran; 1 when
//   an input took longer than N ms (default 1000, RELIABILITY row 14's
//   timeout); 2 on a usage error or an unreadable directory or file.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

// Set by ASan and UBSan runtimes when linked in; called before they exit on
// a report (which may be through _exit, bypassing the signal handler below).
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace {

namespace fs = std::filesystem;

// The input being run, for the crash message; fixed storage so the signal
// handler reads it without allocating.
char g_current[4096] = "";

void write_stderr(const char* s) {
  std::size_t n = std::strlen(s);
  while (n > 0) {
    const ssize_t w = ::write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

void name_current_input() {
  if (g_current[0] == '\0') return;
  write_stderr("\nfuzz replay: FAILED on input ");
  write_stderr(g_current);
  write_stderr("\n");
  g_current[0] = '\0';  // once, though a sanitizer's abort() comes here again
}

extern "C" void on_fatal_signal(int sig) {
  name_current_input();
  // Die of the same signal, so ctest and the shell see what happened.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

bool read_file(const fs::path& path, std::vector<std::uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), {});
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  double slow_ms = 1000;
  std::vector<fs::path> dirs;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--slow-ms=")) {
      slow_ms = std::strtod(argv[i] + 10, nullptr);
    } else if (arg.starts_with("-")) {
      std::fprintf(stderr, "usage: %s [--slow-ms=N] DIR...\n", argv[0]);
      return 2;
    } else {
      dirs.emplace_back(arg);
    }
  }
  if (dirs.empty()) {
    std::fprintf(stderr, "usage: %s [--slow-ms=N] DIR...\n", argv[0]);
    return 2;
  }
  if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(name_current_input);
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, on_fatal_signal);

  int status = 0;
  std::size_t total = 0;
  std::vector<std::uint8_t> bytes;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    std::vector<fs::path> files;
    // A target without regressions has no directory yet.
    if (!fs::exists(dir, ec) && !ec) {
      std::printf("%s: no such directory, 0 inputs\n", dir.c_str());
      continue;
    }
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      // README and other notes are not inputs.
      if (it->is_regular_file() && it->path().filename().string().find('.') != 0 &&
          it->path().filename() != "README.md")
        files.push_back(it->path());
    }
    if (ec) {
      std::fprintf(stderr, "fuzz replay: cannot list %s: %s\n", dir.c_str(), ec.message().c_str());
      return 2;
    }
    std::sort(files.begin(), files.end());
    double slowest_ms = 0;
    std::string slowest;
    for (const fs::path& file : files) {
      if (!read_file(file, bytes)) {
        std::fprintf(stderr, "fuzz replay: cannot read %s\n", file.c_str());
        return 2;
      }
      std::snprintf(g_current, sizeof g_current, "%s", file.c_str());
      // A copy of exactly the input's size, so ASan sees reads past its end.
      const auto input = std::make_unique<std::uint8_t[]>(bytes.size() + (bytes.empty() ? 1 : 0));
      std::memcpy(input.get(), bytes.data(), bytes.size());
      const auto start = std::chrono::steady_clock::now();
      LLVMFuzzerTestOneInput(input.get(), bytes.size());
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      g_current[0] = '\0';
      if (ms > slowest_ms) {
        slowest_ms = ms;
        slowest = file.filename().string();
      }
      if (ms > slow_ms) {
        std::fprintf(stderr, "fuzz replay: %s took %.0f ms (limit %.0f ms)\n", file.c_str(), ms,
                     slow_ms);
        status = 1;
      }
    }
    total += files.size();
    std::printf("%s: %zu inputs", dir.c_str(), files.size());
    if (!files.empty()) std::printf(", slowest %s %.1f ms", slowest.c_str(), slowest_ms);
    std::printf("\n");
  }
  std::printf("%zu inputs replayed%s\n", total, status == 0 ? "" : ", some too slow");
  return status;
}
