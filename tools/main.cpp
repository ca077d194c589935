// The `chronicle` command-line tool: wires the subcommands to CLI11 and maps
// outcomes to exit statuses (0 ok, 1 data error, 2 usage error). Each command
// lives in commands/ and knows nothing of the parser; parser/ declares their
// options.

#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include <chronicle/version.hpp>

#include "parser/command.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {
namespace {

constexpr const char* kFooter = R"(Examples:
  chronicle info /data/md/feed-a
  chronicle info --json /data/md/feed-a | jq .total.record_count
  chronicle cat --limit 10 /data/md/feed-a
  chronicle cat --from-seq 1000 --follow /data/md/feed-a
  chronicle verify /data/md/feed-a && echo intact
  chronicle doctor /data/trades
  chronicle ls --where symbol=AAPL /data/trades
  chronicle stats /data/trades
  chronicle cat --where date=2026-01-29 --from 2026-01-29T14:30:00Z --format csv /data/trades
  chronicle compress --policy age:7 /data/trades
  chronicle decompress --partition symbol=AAPL/date=2026-01-29 --segment 3 /data/trades
  chronicle lifecycle run --max-age-days 90 /data/trades
  chronicle migrate /data/old/table /data/new/table
  chronicle bench --records 1000000

Exit status: 0 success, 1 data or I/O error (damaged record, missing
directory, ...), 2 usage error. Run 'chronicle <command> --help' for the
options of a command.)";

int run(int argc, char** argv) {
  CLI::App app("chronicle: inspect, check and maintain chronicle logs and tables", "chronicle");
  app.set_version_flag("--version", "chronicle " CHRONICLE_VERSION_STRING);
  app.require_subcommand(1);
  app.footer(kFooter);

  Commands commands;
  add_log_commands(app, commands);
  add_table_commands(app, commands);
  add_lifecycle_commands(app, commands);
  add_migrate_commands(app, commands);
  add_bench_commands(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    print_error(std::string(e.what()) + " (see 'chronicle --help')");
    return kExitUsage;
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return kExitUsage;  // unreachable: require_subcommand(1)
}

}  // namespace
}  // namespace chronicle::cli

int main(int argc, char** argv) {
  try {
    return chronicle::cli::run(argc, argv);
  } catch (const std::exception& e) {
    chronicle::cli::print_error(e.what());
    return chronicle::cli::kExitDataError;
  }
}
