#pragma once
// Why a LogReader says "nothing yet" although the directory lists a later
// segment: it waits at the end of an unsealed segment without an end marker
// that is not the last (the reader itself reports a missing segment). `cat`
// and `verify` report that instead of ending as if the log ended there.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <chronicle/core/error.hpp>
#include <chronicle/segment/segment_store.hpp>

namespace chronicle::cli {

enum class StopKind {
  Unsealed,    // `current` has no end marker, yet `next` follows it
  Unopenable,  // the reader is in no segment though `next` is listed
};

struct ReaderStop {
  StopKind kind;
  Error error;  // one line naming the file (and offset, when known)
};

// The first listed segment after `current` (after none: the first), if any.
std::optional<SegmentEntry> segment_after(const std::vector<SegmentEntry>& listed,
                                          std::optional<std::uint64_t> current);

// Explains why a reader in segment `current` (nullopt: none yet) does not go
// on to `next`. `end_offset` is where the reader stopped in `current`, when
// known.
ReaderStop explain_reader_stop(const std::string& dir, std::optional<std::uint64_t> current,
                               const SegmentEntry& next,
                               std::optional<std::uint64_t> end_offset = std::nullopt);

}  // namespace chronicle::cli
