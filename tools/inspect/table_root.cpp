#include "inspect/table_root.hpp"

#include <sys/stat.h>

#include <chronicle/table/table.hpp>

namespace chronicle::cli {

bool is_table_root(const std::string& dir) {
  struct stat st {};
  const std::string path = dir + "/" + std::string(kTableMetadataFile);
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace chronicle::cli
