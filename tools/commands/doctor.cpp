#include "commands/doctor.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

#include <chronicle/table/table.hpp>

#include "inspect/path_safety.hpp"
#include "inspect/table_root.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"

namespace chronicle::cli {

int run_doctor(const DoctorOptions& options) {
  auto unsafe = unsafe_dirs_on_path(options.dir);
  if (!unsafe) {
    print_error(unsafe.error());
    return kExitDataError;
  }
  std::size_t findings = unsafe->size();
  for (const UnsafeDir& d : *unsafe) fmt::print("unsafe directory: {}: {}\n", d.path, d.reason);
  // In a table, also what listing skips: symlinks, files and names that are
  // not partitions of its scheme (each already escaped by the library).
  if (is_table_root(options.dir)) {
    auto table = Table::open(options.dir);
    if (!table) {
      print_error(table.error());
      return kExitDataError;
    }
    std::vector<std::string> skipped;
    ListOptions list;
    list.stats = false;
    list.skipped = &skipped;
    if (auto parts = table->partitions(PartitionFilter::all(), list); !parts) {
      print_error(parts.error());
      return kExitDataError;
    }
    findings += skipped.size();
    for (const std::string& s : skipped) fmt::print("not a partition (skipped): {}\n", s);
  }
  fmt::print("{}\n", findings == 0 ? std::string("no problems found")
                                   : fmt::format("{} problems found", findings));
  if (!finish_stdout()) return kExitDataError;
  return findings == 0 ? kExitOk : kExitDataError;
}

}  // namespace chronicle::cli
