// What of the service reaches a local task, and how its supervisor is started: no descriptor
// (listening socket, client connections, database files), no environment variable it was not
// allowed, not the service's working directory.
#pragma once

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

// Starts the supervisor of `tasks_dir` (wfm-task-runner, supervisor_main.cc) with descriptors 0
// (/dev/null), 1 and 2 (`log_path`, appended to) and none else, no environment, default signal
// dispositions and an empty signal mask, and waits for its first process, which leaves the
// supervisor running in the background (or exits at once when another one serves the directory).
// Errors: kUnavailable with the system's reason. Thread-safe.
Status SpawnSupervisor(const std::string& runner_path, const std::string& tasks_dir,
                       const std::string& log_path);

}  // namespace wfm
