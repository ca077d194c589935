// The command that converts chronicle-rs v1 data: migrate.

#include <memory>

#include "commands/migrate.hpp"
#include "parser/command.hpp"
#include "parser/options.hpp"

namespace chronicle::cli {

void add_migrate_commands(CLI::App& app, Commands& commands) {
  auto o = std::make_shared<MigrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "migrate", "Convert a chronicle-rs v1 log or table into a new chronicle log or table");
  add_dir(*cmd, "v1-dir", o->source,
          "The v1 log directory, or v1 table root (it holds _table/metadata.json)");
  cmd->add_option("new-dir", o->target,
                  "Where the new log or table goes: must not exist, or be an empty directory")
      ->required()
      ->type_name("DIR");
  add_u64_option(*cmd, "--segment-size", o->segment_size,
                 "Bytes per new segment file (default 67108864)")
      ->type_name("BYTES");
  cmd->add_flag("--permissive", o->permissive,
                "Keep v1 timestamps that go backwards (default: refuse them, naming both)");
  cmd->add_flag("--json", o->json, "Print the migration report as one JSON object");
  cmd->footer(R"(Examples:
  chronicle migrate /data/old/table /data/new/table
  chronicle migrate --segment-size 16777216 /data/old/feed-a /data/new/feed-a
  chronicle migrate --json /data/old/table /data/new/table | jq .records

Every record is compared with a second read of the v1 data before the target
is declared complete; on failure the target is removed (or, if that fails,
left marked MIGRATION-INCOMPLETE). Sequence numbers are renumbered from 0.
See docs/MIGRATION_GUIDE.md.
)");
  commands.push_back({cmd, [o] { return run_migrate(*o); }});
}

}  // namespace chronicle::cli
