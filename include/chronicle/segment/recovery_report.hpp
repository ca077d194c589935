#pragma once
// What a writer's recovery did when it opened a log (P7: recovery reports
// itself). A clean log produces an empty report.
//
// Thread safety: a plain value.

#include <cstdint>
#include <string>

namespace chronicle {

struct RecoveryReport {
  // Segment the writer resumed in, and the offset it resumed at.
  std::uint64_t segment_id = 0;
  std::uint64_t resume_offset = 0;
  // Bytes of a torn tail that were zeroed, the offset of the first one, and
  // why they were not a record (empty when nothing was discarded).
  std::uint64_t discarded_bytes = 0;
  std::uint64_t discarded_at = 0;
  std::string discard_reason;
  // An unsealed segment before the last one was sealed (crash during a roll).
  bool sealed_previous = false;
  // The newest segment was empty or had no header (crash while it was being
  // created) and was created again.
  bool recreated_segment = false;
  // Segments removed whole because the log ended before them: after a power
  // loss, damage in a segment written since the last sync() ends the log
  // there, and the later segments held only records no sync() had covered.
  std::uint64_t dropped_segments = 0;

  bool clean() const noexcept {
    return discarded_bytes == 0 && !sealed_previous && !recreated_segment && dropped_segments == 0;
  }
  // One line for logs, e.g. "discarded 72 bytes at offset 4096 of segment 3: ...".
  std::string to_string() const;
};

}  // namespace chronicle
