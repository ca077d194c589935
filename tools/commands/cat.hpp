#pragma once
// `chronicle cat <log-dir>`: prints records, one per line, optionally
// following the log as it grows.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "format/payload_preview.hpp"

namespace chronicle::cli {

struct CatOptions {
  std::string dir;
  bool json = false;                                 // JSON lines with the whole payload in hex
  std::optional<std::uint64_t> limit;                // stop after this many records
  std::optional<std::uint64_t> from_seq;             // start at this sequence number
  bool follow = false;                               // wait for new records until SIGINT/SIGTERM
  std::size_t preview_bytes = kDefaultPreviewBytes;  // payload bytes shown as text
};

// Returns the exit status: 0 at the end of the log (or of --limit, or on
// SIGINT/SIGTERM with --follow); 1 when the log cannot be read or holds a
// damaged record (the records before it are printed).
int run_cat(const CatOptions& options);

}  // namespace chronicle::cli
