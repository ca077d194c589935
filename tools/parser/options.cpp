#include "parser/options.hpp"

#include "support/parse_number.hpp"
#include "support/parse_time.hpp"

namespace chronicle::cli {

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

CLI::Option* add_time_option(CLI::App& app, const std::string& name,
                             std::optional<std::uint64_t>& target, const std::string& help) {
  return app
      .add_option_function<std::string>(
          name,
          [&target, name](const std::string& text) {
            auto ns = parse_time_point(text);
            if (!ns) throw CLI::ValidationError(name, ns.error().message());
            target = *ns;
          },
          help)
      ->type_name("TIME");
}

CLI::Option* add_where_option(CLI::App& app, std::vector<WhereClause>& target,
                              const std::string& help) {
  return app
      .add_option_function<std::vector<std::string>>(
          "--where",
          [&target](const std::vector<std::string>& texts) {
            for (const std::string& text : texts) {
              auto clause = parse_where_clause(text);
              if (!clause) {
                throw CLI::ValidationError("--where", "expected key=value, got '" + text + "'");
              }
              target.push_back(std::move(*clause));
            }
          },
          help)
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
}

CLI::Option* add_dir(CLI::App& app, const std::string& name, std::string& target,
                     const std::string& help) {
  return app.add_option(name, target, help)->required()->type_name("DIR");
}

CLI::Option* add_table_root(CLI::App& app, std::string& target) {
  return add_dir(app, "table-root", target, "Table root (the directory holding _table.json)");
}

}  // namespace chronicle::cli
