#pragma once
// Where the tool's messages go: errors as one line on stderr in the form
// `chronicle: error: <message>`, always printable ASCII.

#include <string_view>

#include <chronicle/core/error.hpp>

namespace chronicle::cli {

// Prints `chronicle: error: <message>` to stderr. Bytes outside printable
// ASCII in `message` are escaped.
void print_error(std::string_view message);
// The same for a library error: its message, which names file and offset.
void print_error(const Error& error);

// Whether stderr is a terminal: progress lines are drawn only then, so that
// scripts and pipes never see a '\r'.
bool stderr_is_terminal();

// Draws `line` over the previous progress line on stderr; `final` ends it
// with a newline.
void draw_progress_line(std::string_view line, bool final);

// Flushes stdout; false (after printing why) if anything written to it was
// lost, e.g. to a full disk, so that a truncated output never exits 0.
bool finish_stdout();

}  // namespace chronicle::cli
