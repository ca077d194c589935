// bench_report: writes the markdown summary of one `scripts/dev bench` run
// from the JSON files the bench binaries wrote (report/bench_summary.hpp).
//
//   bench_report [--commit C] [--elapsed TEXT] [--out FILE] <binary>.json...
//   bench_report --list-runs     every "<binary> <run name>" the rows read, one
//                                a line (scripts/dev checks them against each
//                                binary's --benchmark_list_tests)
//
// Each file is named after its binary (append_bench.json, ...). Missing or
// unreadable files are reported on stderr and their rows print "not run".
// Exit status 0 when the summary was written, 2 on bad usage or output error.

#include <sys/utsname.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "report/bench_summary.hpp"

namespace {

using namespace chronicle::bench_report;

// The value of the first "<key> : value" line of a /proc file.
std::string proc_field(const char* path, std::string_view key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return {};
}

MachineInfo read_machine() {
  MachineInfo m;
  m.cpu_model = proc_field("/proc/cpuinfo", "model name");
  m.memory = proc_field("/proc/meminfo", "MemTotal");
  if (const double kib = std::atof(m.memory.c_str()); kib > 0) {
    m.memory += " (" + format_number(kib / (1024.0 * 1024.0)) + " GiB)";
  }
  struct utsname u {};
  if (::uname(&u) == 0) m.kernel = std::string(u.release) + " (" + u.machine + ")";
#if defined(__clang__)
  m.compiler = "clang " __VERSION__;
#elif defined(__GNUC__)
  m.compiler = "g++ " __VERSION__;
#else
  m.compiler = __VERSION__;
#endif
  return m;
}

int usage() {
  std::cerr << "usage: bench_report [--commit C] [--elapsed TEXT] [--out FILE] <binary>.json...\n"
               "       bench_report --list-runs\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  MachineInfo machine = read_machine();
  std::string out_path;
  RunSet set;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--commit" || arg == "--elapsed" || arg == "--out") {
      if (i + 1 >= argc) return usage();
      std::string& dst = arg == "--commit"    ? machine.commit
                         : arg == "--elapsed" ? machine.elapsed
                                              : out_path;
      dst = argv[++i];
      continue;
    }
    if (arg == "--list-runs") {
      std::set<std::pair<std::string_view, std::string_view>> runs;
      for (const Row& row : summary_rows()) {
        runs.emplace(row.value.binary, row.value.run);
        if (row.baseline) runs.emplace(row.baseline->binary, row.baseline->run);
      }
      for (const auto& [binary, run] : runs) std::cout << binary << ' ' << run << '\n';
      return 0;
    }
    if (arg.starts_with("--")) return usage();
    const std::filesystem::path path(arg);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "bench_report: cannot read " << arg << ", its rows print \"not run\"\n";
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (auto error = add_json(set, path.stem().string(), text.str())) {
      std::cerr << "bench_report: " << arg << ": " << *error << ", its rows print \"not run\"\n";
    }
  }
  const std::string md = render_markdown(set, machine, summary_rows());
  if (out_path.empty()) {
    std::cout << md;
    return std::cout ? 0 : 2;
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out << md;
  out.close();
  if (!out) {
    std::cerr << "bench_report: cannot write " << out_path << "\n";
    return 2;
  }
  return 0;
}
