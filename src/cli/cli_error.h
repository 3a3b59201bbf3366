// How a wfm command ends when it cannot do what it was asked: a CliError carrying the exit code,
// thrown from wherever the command found out and caught once, in main, which prints its message
// as one line "wfm: ..." on stderr. (An exception rather than Result<T>: a command gives up from
// deep inside its HTTP calls and there is nothing to do on the way out but to unwind.)
#pragma once

#include <stdexcept>
#include <string>

namespace wfm::cli {

// The exit codes of wfm, as `wfm --help` documents them.
enum ExitCode : int {
  kExitOk = 0,
  kExitServiceError = 1,   // the service refused or failed the request (or a watched job failed)
  kExitUsage = 2,          // bad flags or arguments, an unreadable or invalid input file
  kExitCannotConnect = 3,  // no answer from the service (refused, unresolvable, timed out)
};

// The exit codes of `wfm job watch` and `wfm exec watch` (and --watch): how the run ended.
enum WatchExitCode : int {
  kWatchSucceeded = 0,
  kWatchFailed = 1,     // FAILED (jobs), FAILED or TIMED_OUT (executions)
  kWatchCancelled = 2,  // CANCELLED (jobs), ABORTED (executions)
};

class CliError : public std::runtime_error {
 public:
  CliError(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Shorthand for the usage errors (exit code 2) that input checks raise.
inline CliError UsageError(const std::string& message) { return CliError(kExitUsage, message); }

}  // namespace wfm::cli
