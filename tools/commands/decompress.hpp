#pragma once
// `chronicle decompress <table-root> --partition P --segment N`: restores
// one cold segment as a hot one.

#include <cstdint>
#include <string>

namespace chronicle::cli {

struct DecompressOptions {
  std::string dir;
  std::string partition;  // relative path, as `ls` prints it
  std::uint64_t segment = 0;
  bool dry_run = false;
  bool json = false;
};

// Returns the exit status: 0; 1 when the table cannot be opened, the segment
// is not cold (or missing, or damaged) or another lifecycle run holds the
// partition; 2 when the partition path does not fit the scheme.
int run_decompress(const DecompressOptions& options);

}  // namespace chronicle::cli
