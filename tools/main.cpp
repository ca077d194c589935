// The `chronicle` command-line tool: wires the subcommands to CLI11 and maps
// outcomes to exit statuses (0 ok, 1 data error, 2 usage error). Each command
// lives in commands/ and knows nothing of the parser.

#include <cstdint>
#include <exception>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include <chronicle/version.hpp>

#include "commands/cat.hpp"
#include "commands/info.hpp"
#include "commands/verify.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"
#include "support/parse_number.hpp"

namespace chronicle::cli {
namespace {

constexpr const char* kFooter = R"(Examples:
  chronicle info /data/md/feed-a
  chronicle info --json /data/md/feed-a | jq .total.record_count
  chronicle cat --limit 10 /data/md/feed-a
  chronicle cat --from-seq 1000 --follow /data/md/feed-a
  chronicle verify /data/md/feed-a && echo intact

Exit status: 0 success, 1 data or I/O error (damaged record, missing
directory, ...), 2 usage error. Run 'chronicle <command> --help' for the
options of a command.)";

// Adds an option taking a decimal uint64_t; a bad value is a usage error.
CLI::Option* add_u64_option(CLI::App& app, const std::string& name,
                            std::optional<std::uint64_t>& target, const std::string& help) {
  return app
      .add_option_function<std::string>(
          name,
          [&target, name](const std::string& text) {
            target = parse_decimal_u64(text);
            if (!target) {
              throw CLI::ValidationError(name,
                                         "expected a decimal number from 0 to "
                                         "18446744073709551615, got '" +
                                             text + "'");
            }
          },
          help)
      ->type_name("N");
}

void add_log_dir(CLI::App& command, std::string& dir) {
  command.add_option("log-dir", dir, "Log directory (holds 000000000.q, 000000001.q, ...)")
      ->required()
      ->type_name("DIR");
}

CLI::App* add_info(CLI::App& app, InfoOptions& o) {
  CLI::App* cmd = app.add_subcommand("info", "List the segments of a log: sizes, state, records");
  add_log_dir(*cmd, o.dir);
  cmd->add_flag("--json", o.json, "Print one JSON object instead of the table");
  cmd->footer(R"(Examples:
  chronicle info /data/md/feed-a
  chronicle info --json /data/md/feed-a | jq '.segments[] | select(.state == "live")'
)");
  return cmd;
}

CLI::App* add_cat(CLI::App& app, CatOptions& o, std::optional<std::uint64_t>& preview) {
  CLI::App* cmd = app.add_subcommand("cat", "Print the records of a log, one per line");
  add_log_dir(*cmd, o.dir);
  cmd->add_flag("--json", o.json, "Print JSON lines with the whole payload as payload_hex");
  add_u64_option(*cmd, "--limit", o.limit, "Stop after N records");
  add_u64_option(*cmd, "--from-seq", o.from_seq, "Start at sequence number N");
  cmd->add_flag("-f,--follow", o.follow,
                "Keep waiting for new records until SIGINT or SIGTERM (then exit 0)");
  add_u64_option(*cmd, "--preview-bytes", preview,
                 "Payload bytes shown in the text preview (default 32)");
  cmd->footer(R"(Examples:
  chronicle cat /data/md/feed-a
  chronicle cat --limit 10 --from-seq 5000 /data/md/feed-a
  chronicle cat --follow --json /data/md/feed-a | jq -c '{seq, type_id}'
)");
  return cmd;
}

CLI::App* add_verify(CLI::App& app, VerifyOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check every record's checksum and sequence, and each sealed header");
  add_log_dir(*cmd, o.dir);
  cmd->add_flag("--json", o.json, "Print one JSON object with the summary and the problems");
  cmd->footer(R"(Examples:
  chronicle verify /data/md/feed-a
  chronicle verify --json /data/md/feed-a | jq .problems
)");
  return cmd;
}

int run(int argc, char** argv) {
  CLI::App app("chronicle: inspect and check chronicle logs", "chronicle");
  app.set_version_flag("--version", "chronicle " CHRONICLE_VERSION_STRING);
  app.require_subcommand(1);
  app.footer(kFooter);

  InfoOptions info;
  CatOptions cat;
  VerifyOptions verify;
  std::optional<std::uint64_t> preview;
  CLI::App* info_cmd = add_info(app, info);
  CLI::App* cat_cmd = add_cat(app, cat, preview);
  CLI::App* verify_cmd = add_verify(app, verify);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    print_error(std::string(e.what()) + " (see 'chronicle --help')");
    return kExitUsage;
  }
  if (preview) cat.preview_bytes = static_cast<std::size_t>(*preview);

  if (info_cmd->parsed()) return run_info(info);
  if (cat_cmd->parsed()) return run_cat(cat);
  if (verify_cmd->parsed()) return run_verify(verify);
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
