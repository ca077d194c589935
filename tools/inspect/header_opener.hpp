#pragma once
// The opener the tool uses to look at one segment's header: hot or cold,
// with no frames read ahead (so opening a cold segment starts no thread).

#include <chronicle/compression/unified_segment_reader.hpp>

namespace chronicle::cli {

const UnifiedSegmentOpener& header_opener();

}  // namespace chronicle::cli
