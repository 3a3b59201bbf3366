// How the local executor starts an attempt's runner (wfm-task-runner) so that nothing of the
// service leaks into the task: no descriptor (listening socket, client connections, database
// files), no environment variable it was not allowed, not the service's working directory.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/result.h"
#include "executor/executor.h"

namespace wfm {

// Variables a task gets from the service's environment besides the ones named by
// --task-env-pass.
inline const std::vector<std::string> kAlwaysPassedVariables = {"PATH", "HOME", "LANG", "TZ"};

// _BATCH_START is passed inline only up to this many bytes (one environment string may not exceed
// 128 KiB, MAX_ARG_STRLEN); the file named by _BATCH_START_FILE always holds it.
constexpr size_t kInlineDataLimit = 64 * 1024;

// The values, in this process's environment, of kAlwaysPassedVariables and `extra_names` (those
// that are set). Errors: kInvalidArgument naming an extra name that is empty or contains '='.
// Reads the environment: call before threads that may change it start.
Result<Environment> InheritedTaskEnvironment(const std::vector<std::string>& extra_names);

// A task's whole environment: `inherited`, then the job definition's, then the engine's variables;
// a later entry replaces an earlier one of the same name. The engine's _BATCH_START is written to
// <work_dir>/batch-start.json, whose path is added as _BATCH_START_FILE; _BATCH_START itself stays
// only when it has at most kInlineDataLimit bytes. Errors: kUnavailable when the file can't be
// written.
Result<Environment> TaskEnvironment(const Environment& inherited, const Environment& definition,
                                    const Environment& engine, const std::string& work_dir);

struct RunnerLaunch {
  std::string runner_path;
  std::vector<std::string> args;  // the runner's arguments, after argv[0]
  Environment environment;        // exactly what the runner (and its command) gets
  std::string work_dir;           // the runner's working directory; must exist
  std::string log_path;           // the runner's stdout and stderr (created, appended to)
  std::string stdin_path;         // the runner's stdin (and its command's), opened read-only
  int state_fd = -1;              // the locked state file: the runner's descriptor 3
};

// Spawns the runner in a session of its own with descriptors 0 (stdin_path), 1 and 2 (the log) and
// 3 (the state file) and none else (every other descriptor of this process is closed in the
// child, close-on-exec or not), default signal dispositions and an empty signal mask. Does not
// close `state_fd`. Returns the runner's pid (a child of this process). Errors: kUnavailable with
// the system's reason. Thread-safe.
Result<pid_t> SpawnRunner(const RunnerLaunch& launch);

}  // namespace wfm
