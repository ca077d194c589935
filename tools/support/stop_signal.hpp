#pragma once
// SIGINT and SIGTERM as a polite request to stop, for commands that run until
// interrupted (`cat --follow`): the handler only sets a flag, and the command
// returns normally, flushing its output, with exit status 0.

namespace chronicle::cli {

// Installs handlers for SIGINT and SIGTERM that set the stop flag. Without
// SA_RESTART, so that a sleep in a wait strategy ends early.
void install_stop_handlers();

// True once SIGINT or SIGTERM arrived after install_stop_handlers().
bool stop_requested() noexcept;

}  // namespace chronicle::cli
