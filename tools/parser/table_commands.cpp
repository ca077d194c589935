// The commands that describe a table: ls and stats.

#include <memory>

#include "commands/ls.hpp"
#include "commands/stats.hpp"
#include "parser/command.hpp"
#include "parser/options.hpp"

namespace chronicle::cli {
namespace {

Command ls_command(CLI::App& app) {
  auto o = std::make_shared<LsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ls", "List the partitions of a table: segments, bytes, records, compression, time range");
  add_table_root(*cmd, o->dir);
  cmd->add_flag("--segments", o->segments, "List every segment under its partition");
  add_where_option(*cmd, o->where,
                   "Only the partitions with key = value (repeatable: different keys all hold, "
                   "the same key any of its values)");
  cmd->add_flag("--json", o->json, "Print one JSON object instead of the table");
  cmd->footer(R"(Examples:
  chronicle ls /data/trades
  chronicle ls --segments --where symbol=AAPL --where date=2026-01-29 /data/trades
  chronicle ls --json /data/trades | jq '.partitions[] | {path, compression_ratio}'
)");
  return {cmd, [o] { return run_ls(*o); }};
}

Command stats_command(CLI::App& app) {
  auto o = std::make_shared<StatsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "stats", "Summarize a table: scheme, config from _table.json, totals over all partitions");
  add_table_root(*cmd, o->dir);
  cmd->add_flag("--json", o->json, "Print one JSON object instead of the text");
  cmd->footer(R"(Examples:
  chronicle stats /data/trades
  chronicle stats --json /data/trades | jq .totals.compression_ratio
)");
  return {cmd, [o] { return run_stats(*o); }};
}

}  // namespace

void add_table_commands(CLI::App& app, Commands& commands) {
  commands.push_back(ls_command(app));
  commands.push_back(stats_command(app));
}

}  // namespace chronicle::cli
