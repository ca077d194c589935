#pragma once
// A subcommand as main() sees it: the CLI11 app that parses its options and
// the function that runs it once parsed (returning the exit status). The
// options live in the function's captures, which CLI11 writes into.

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace chronicle::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

using Commands = std::vector<Command>;

// Adds info, cat, verify and doctor (log_commands.cpp).
void add_log_commands(CLI::App& app, Commands& commands);
// Adds ls and stats (table_commands.cpp).
void add_table_commands(CLI::App& app, Commands& commands);
// Adds compress, decompress and lifecycle run (lifecycle_commands.cpp).
void add_lifecycle_commands(CLI::App& app, Commands& commands);
// Adds migrate (migrate_commands.cpp).
void add_migrate_commands(CLI::App& app, Commands& commands);
// Adds bench (bench_commands.cpp).
void add_bench_commands(CLI::App& app, Commands& commands);

}  // namespace chronicle::cli
