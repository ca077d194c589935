#pragma once
// Options several commands share, each parsed strictly while the command
// line is read: a bad value throws CLI::ValidationError, which main() turns
// into a usage error (exit 2) naming the option.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "support/where_clause.hpp"

namespace chronicle::cli {

// A decimal uint64_t.
CLI::Option* add_u64_option(CLI::App& app, const std::string& name,
                            std::optional<std::uint64_t>& target, const std::string& help);

// A time point (parse_time.hpp).
CLI::Option* add_time_option(CLI::App& app, const std::string& name,
                             std::optional<std::uint64_t>& target, const std::string& help);

// --where key=value, repeatable.
CLI::Option* add_where_option(CLI::App& app, std::vector<WhereClause>& target,
                              const std::string& help);

// The positional table root of the table commands.
CLI::Option* add_table_root(CLI::App& app, std::string& target);

// The positional directory every command takes.
CLI::Option* add_dir(CLI::App& app, const std::string& name, std::string& target,
                     const std::string& help);

}  // namespace chronicle::cli
