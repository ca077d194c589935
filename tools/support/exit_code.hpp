#pragma once
// Exit statuses of the chronicle tool, shared by every command.

namespace chronicle::cli {

enum ExitCode : int {
  kExitOk = 0,
  // The data or the system said no: a damaged record, a missing directory,
  // an I/O error, a seq the log does not hold.
  kExitDataError = 1,
  // The command line was wrong: unknown flag, missing argument, bad number.
  kExitUsage = 2,
};

}  // namespace chronicle::cli
