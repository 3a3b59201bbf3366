// Runs a program as a child process, the way the Slurm command-line client runs sbatch, squeue and
// scancel: argv only (no shell), an environment given whole, standard input from /dev/null,
// standard output and error captured, bounded by a timeout.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace wfm {

struct Command {
  std::vector<std::string> argv;         // argv[0] is the program's absolute path
  std::vector<std::string> environment;  // "NAME=value" entries: the child's whole environment
  // Descriptors of this process the child gets, as (this process's fd, the child's fd); the
  // child's fd is 3 or more. Every other descriptor of this process stays closed in the child.
  std::vector<std::pair<int, int>> passed_fds;
  int timeout_ms = 10000;
};

struct CommandOutput {
  int exit_code = 0;  // the exit status when the program exited, else 128 + the signal
  std::string standard_output;
  std::string standard_error;
};

// Runs the command and waits for it to end. At the timeout the child is killed (SIGKILL) and
// reaped. Errors: kUnavailable when the program could not be started (with the system's reason)
// or when it did not finish within the timeout ("<program> did not answer within N ms"). A
// program that ran and failed is not an error: see exit_code. Thread-safe.
Result<CommandOutput> RunCommand(const Command& command);

// The absolute path of `program` in the directories of `path_variable` (a PATH value), the first
// executable file found; `program` itself when it contains a '/' or is nowhere found.
std::string FindOnPath(const std::string& program, const std::string& path_variable);

}  // namespace wfm
