// The commands that read one log (info, verify) or a log or a table (cat,
// doctor).

#include <memory>

#include "commands/cat.hpp"
#include "commands/doctor.hpp"
#include "commands/info.hpp"
#include "commands/verify.hpp"
#include "parser/command.hpp"
#include "parser/options.hpp"
#include "support/parse_number.hpp"

namespace chronicle::cli {
namespace {

constexpr const char* kLogDirHelp = "Log directory (holds 000000000.q, 000000001.q, ...)";

Command info_command(CLI::App& app) {
  auto o = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "List the segments of a log: sizes, state, records");
  add_dir(*cmd, "log-dir", o->dir, kLogDirHelp);
  cmd->add_flag("--json", o->json, "Print one JSON object instead of the table");
  cmd->footer(R"(Examples:
  chronicle info /data/md/feed-a
  chronicle info --json /data/md/feed-a | jq '.segments[] | select(.state == "live")'
)");
  return {cmd, [o] { return run_info(*o); }};
}

Command verify_command(CLI::App& app) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check every record's checksum and sequence, and each sealed header");
  add_dir(*cmd, "log-dir", o->dir, kLogDirHelp);
  cmd->add_flag("--json", o->json, "Print one JSON object with the summary and the problems");
  cmd->footer(R"(Examples:
  chronicle verify /data/md/feed-a
  chronicle verify --json /data/md/feed-a | jq .problems
)");
  return {cmd, [o] { return run_verify(*o); }};
}

// Everything `cat` parses, before it is checked as a whole.
struct CatFlags {
  CatOptions options;
  bool json = false;
  std::optional<std::uint64_t> preview;
};

void add_cat_selection(CLI::App& cmd, CatFlags& f) {
  CatOptions& o = f.options;
  add_u64_option(cmd, "--limit", o.limit, "Stop after N records (after --type and --from/--to)");
  add_u64_option(cmd, "--from-seq", o.from_seq, "Log only: start at sequence number N");
  add_time_option(cmd, "--from", o.from_ns,
                  "Only records at or after TIME: ISO-8601 with Z or +HH:MM "
                  "(2026-01-29T14:00:00.5Z) or nanoseconds since 1970");
  add_time_option(cmd, "--to", o.to_ns, "Only records before TIME (same forms as --from)");
  cmd.add_option_function<std::vector<std::string>>(
         "--type",
         [&o](const std::vector<std::string>& texts) {
           for (const std::string& text : texts) {
             const auto v = parse_decimal_u64(text);
             if (!v || *v > UINT16_MAX) {
               throw CLI::ValidationError("--type",
                                          "expected a type id from 0 to 65535, got '" + text + "'");
             }
             o.types.push_back(static_cast<std::uint16_t>(*v));
           }
         },
         "Only records of type id N (repeatable: any of them)")
      ->allow_extra_args(false)
      ->type_name("N");
  add_where_option(cmd, o.where,
                   "Table only: read the partitions with key = value (repeatable: different keys "
                   "all hold, the same key any of its values)");
  cmd.add_option_function<std::string>(
         "--merge",
         [&o](const std::string& text) {
           if (text == "timestamp") {
             o.merge = MergeStrategy::TimestampOrder;
           } else if (text == "partition") {
             o.merge = MergeStrategy::PartitionOrder;
           } else {
             throw CLI::ValidationError("--merge",
                                        "expected timestamp or partition, got '" + text + "'");
           }
         },
         "Table only: records in timestamp order across partitions (default) or partition "
         "after partition")
      ->type_name("timestamp|partition");
}

Command cat_command(CLI::App& app) {
  auto f = std::make_shared<CatFlags>();
  CatOptions& o = f->options;
  CLI::App* cmd = app.add_subcommand(
      "cat", "Print the records of a log or a table, one per line (or a hex dump each)");
  add_dir(*cmd, "dir", o.dir,
          "Log directory, or table root (a directory holding _table.json: read as a table)");
  CLI::Option* format =
      cmd->add_option_function<std::string>(
             "--format",
             [&o](const std::string& text) {
               const auto parsed = parse_record_format(text);
               if (!parsed) {
                 throw CLI::ValidationError("--format",
                                            "expected text, json, csv or hex, got '" + text + "'");
               }
               o.format = *parsed;
             },
             "Output: text (default), json lines, csv with a header line, or "
             "hex (each payload dumped in full)")
          ->type_name("text|json|csv|hex");
  cmd->add_flag("--json", f->json, "Same as --format json")->excludes(format);
  add_cat_selection(*cmd, *f);
  CLI::Option* follow =
      cmd->add_flag("-f,--follow", o.follow,
                    "Keep waiting for new records until SIGINT or SIGTERM (then exit 0)");
  follow->excludes("--to");
  add_u64_option(*cmd, "--preview-bytes", f->preview,
                 "Payload bytes shown in the text preview (default 32)");
  cmd->footer(R"(Examples:
  chronicle cat /data/md/feed-a
  chronicle cat --limit 10 --from-seq 5000 /data/md/feed-a
  chronicle cat --follow --json /data/md/feed-a | jq -c '{seq, type_id}'
  chronicle cat --where symbol=AAPL --from 2026-01-29T14:30:00Z --to 2026-01-29T15:00:00Z /data/trades
  chronicle cat --format csv --type 3 --merge partition /data/trades > trades.csv
  chronicle cat --format hex --limit 1 --where date=2026-01-29 /data/trades
)");
  return {cmd, [f] {
            if (f->json) f->options.format = RecordFormat::Json;
            if (f->preview) f->options.preview_bytes = static_cast<std::size_t>(*f->preview);
            return run_cat(f->options);
          }};
}

}  // namespace

Command doctor_command(CLI::App& app) {
  auto o = std::make_shared<DoctorOptions>();
  CLI::App* cmd = app.add_subcommand(
      "doctor", "Check the directories above a log or table, and a table's entries");
  add_dir(*cmd, "dir", o->dir, "Log directory or table root");
  cmd->footer(R"(Reports every directory from / down to <dir> that another user could change
(world-writable without the sticky bit, or owned by neither root nor you),
and in a table every entry that is not a partition (symlinks, files, bad
names). Exit status 1 when anything is found.

Examples:
  chronicle doctor /data/trades
)");
  return {cmd, [o] { return run_doctor(*o); }};
}

void add_log_commands(CLI::App& app, Commands& commands) {
  commands.push_back(info_command(app));
  commands.push_back(cat_command(app));
  commands.push_back(verify_command(app));
  commands.push_back(doctor_command(app));
}

}  // namespace chronicle::cli
