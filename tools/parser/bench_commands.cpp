// The command that measures: bench.

#include <memory>

#include "commands/bench.hpp"
#include "parser/command.hpp"
#include "parser/options.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"
#include "support/parse_number.hpp"

namespace chronicle::cli {

void add_bench_commands(CLI::App& app, Commands& commands) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Measure append, hot read, compression and cold read next to memcpy and plain zstd");
  cmd->add_option("--dir", o->dir, "Where the scratch log goes (removed afterwards; default $TMPDIR or /tmp)")
      ->type_name("DIR");
  add_u64_option(*cmd, "--records", o->records, "Records written and read (default 2000000, at least 1)");
  cmd->add_option_function<std::string>(
         "--level",
         [o](const std::string& text) {
           o->level = parse_decimal_i64(text);
           if (!o->level || *o->level == 0 || *o->level < -7 || *o->level > 22) {
             throw CLI::ValidationError("--level", "expected a zstd level from -7 to 22 other than 0, got '" +
                                                       text + "'");
           }
         },
         "zstd level of the compression rows (default 3)")
      ->type_name("N");
  cmd->add_flag("--json", o->json, "Print the figures as one JSON object");
  cmd->footer(R"(Examples:
  chronicle bench
  chronicle bench --records 10000000 --dir /data/scratch
  chronicle bench --json --level 1 | jq '.rows[] | {figure, ratio}'

Each figure is timed next to its baseline over the same bytes in the same
run; the ratio (chronicle / baseline) is what carries across machines. The
reference figures come from the benchmarks in benches/ (docs/BENCHMARKS.md).
)");
  commands.push_back({cmd, [o] {
                        if (o->records == std::uint64_t{0}) {
                          print_error("--records: expected at least 1, got 0 (see 'chronicle bench --help')");
                          return static_cast<int>(kExitUsage);
                        }
                        return run_bench(*o);
                      }});
}

}  // namespace chronicle::cli
