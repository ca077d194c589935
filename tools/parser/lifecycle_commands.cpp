// The commands that change a table's storage: compress, decompress and
// lifecycle run.

#include <memory>

#include "commands/compress.hpp"
#include "commands/decompress.hpp"
#include "commands/lifecycle_run.hpp"
#include "parser/command.hpp"
#include "parser/options.hpp"
#include "support/parse_number.hpp"
#include "support/parse_policy.hpp"

namespace chronicle::cli {
namespace {

constexpr const char* kPolicies =
    R"(Policies (--policy; without it, the table's compression_policy):
  never            compress nothing
  immediate        every sealed segment
  age:DAYS         segments whose newest record is at least DAYS days old
  idle:DAYS        segments sealed (last modified) at least DAYS days ago
  idle:DAYS:reads  segments not read for DAYS days (access tracker), else as idle:DAYS
  size:BYTES       segment files of at least BYTES bytes
)";

// The options compress and lifecycle run share; returns --policy.
CLI::Option* add_lifecycle_flags(CLI::App& cmd, LifecycleFlags& f) {
  add_table_root(cmd, f.dir);
  CLI::Option* policy =
      cmd.add_option_function<std::string>(
             "--policy",
             [&f](const std::string& text) {
               auto parsed = parse_policy(text);
               if (!parsed) throw CLI::ValidationError("--policy", parsed.error().message());
               f.policy = std::move(*parsed);
             },
             "Which sealed segments to compress, instead of the table's policy: immediate, "
             "never, age:DAYS, idle:DAYS, idle:DAYS:reads or size:BYTES")
          ->type_name("POLICY");
  cmd.add_option_function<std::string>(
         "--level",
         [&f](const std::string& text) {
           f.level = parse_decimal_i64(text);
           if (!f.level) {
             throw CLI::ValidationError("--level",
                                        "expected a zstd level (a decimal integer, "
                                        "e.g. 3 or -5), got '" +
                                            text + "'");
           }
         },
         "zstd level (default: the table's compression_level)")
      ->type_name("N");
  add_u64_option(cmd, "--block-size", f.block_size,
                 "Bytes per seekable frame, 4096 or more (default: the table's "
                 "compression_block_size)")
      ->type_name("BYTES");
  add_u64_option(cmd, "--workers", f.workers, "Segments compressed at once, 1 to 64 (default 1)");
  add_u64_option(cmd, "--rate", f.rate,
                 "Cap on the bytes compressed per second, over all workers (default: none)")
      ->type_name("BYTES_PER_S");
  cmd.add_flag("--dry-run", f.dry_run, "Decide and report what would be done; change nothing");
  cmd.add_flag("--json", f.json, "Print the run's statistics as one JSON object");
  return policy;
}

Command compress_command(CLI::App& app) {
  auto o = std::make_shared<CompressOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compress", "Compress a table's sealed segments as its policy (or --policy) selects");
  CLI::Option* policy = add_lifecycle_flags(*cmd, o->flags);
  cmd->add_option("--partition", o->partition,
                  "Compress every sealed segment of this one partition (relative path as 'ls' "
                  "prints it), whatever the policy")
      ->type_name("PATH")
      ->excludes(policy);
  cmd->footer(std::string(kPolicies) + R"(
Examples:
  chronicle compress /data/trades
  chronicle compress --policy age:7 --workers 4 --rate 50000000 /data/trades
  chronicle compress --dry-run --json --policy size:1048576 /data/trades | jq .eligible
  chronicle compress --partition symbol=AAPL/date=2026-01-29 /data/trades

A progress bar with rate and ETA is drawn on stderr when it is a terminal.
Exit status 1 if any segment could not be compressed (each is named).
)");
  return {cmd, [o] { return run_compress(*o); }};
}

Command decompress_command(CLI::App& app) {
  auto o = std::make_shared<DecompressOptions>();
  auto segment = std::make_shared<std::optional<std::uint64_t>>();
  CLI::App* cmd = app.add_subcommand("decompress", "Restore one cold segment of a table as hot");
  add_table_root(*cmd, o->dir);
  cmd->add_option("--partition", o->partition, "The partition (relative path as 'ls' prints it)")
      ->type_name("PATH")
      ->required();
  add_u64_option(*cmd, "--segment", *segment, "The segment id (as 'ls --segments' prints it)")
      ->type_name("ID")
      ->required();
  cmd->add_flag("--dry-run", o->dry_run, "Check and report; change nothing");
  cmd->add_flag("--json", o->json, "Print the statistics as one JSON object");
  cmd->footer(R"(Examples:
  chronicle decompress --partition symbol=AAPL/date=2026-01-29 --segment 3 /data/trades
)");
  return {cmd, [o, segment] {
            o->segment = segment->value_or(0);
            return run_decompress(*o);
          }};
}

Command lifecycle_run_command(CLI::App& lifecycle) {
  auto f = std::make_shared<LifecycleFlags>();
  CLI::App* cmd = lifecycle.add_subcommand(
      "run", "One lifecycle pass: compression by policy, then the retention rules given");
  add_lifecycle_flags(*cmd, *f);
  add_u64_option(*cmd, "--max-age-days", f->max_age_days,
                 "Delete sealed segments whose newest record is at least N days old (1 to "
                 "36500)");
  add_u64_option(*cmd, "--max-partition-bytes", f->max_partition_bytes,
                 "Per partition, delete the oldest sealed segments while its segment files take "
                 "more than N bytes")
      ->type_name("BYTES");
  add_u64_option(*cmd, "--delete-partitions-after-days", f->delete_partitions_after_days,
                 "Delete whole partitions whose segments are all sealed, whose newest record is "
                 "at least N days old, and that no writer holds (1 to 36500)");
  cmd->footer(std::string(kPolicies) + R"(
Examples:
  chronicle lifecycle run /data/trades
  chronicle lifecycle run --policy idle:7:reads --max-age-days 90 /data/trades
  chronicle lifecycle run --dry-run --delete-partitions-after-days 30 --json /data/trades

Ages are measured by record timestamps: a segment is as old as its newest
record. A partition's newest segment and live segments are never deleted.
)");
  return {cmd, [f] { return run_lifecycle_run(*f); }};
}

}  // namespace

void add_lifecycle_commands(CLI::App& app, Commands& commands) {
  commands.push_back(compress_command(app));
  commands.push_back(decompress_command(app));
  CLI::App* lifecycle =
      app.add_subcommand("lifecycle", "Run the storage lifecycle of a table (see 'lifecycle run')");
  lifecycle->require_subcommand(1);
  lifecycle->footer(R"(Examples:
  chronicle lifecycle run --max-age-days 90 /data/trades
)");
  commands.push_back(lifecycle_run_command(*lifecycle));
}

}  // namespace chronicle::cli
