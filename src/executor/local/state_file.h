// An attempt's state file (<tasks dir>/<attempt name>.state): one record a line, "<tag> {json}",
// each appended with a single write() so a reader sees it whole or not at all. Tags:
//   started   {"runnerPid", "supervised", "startedAt"}  the supervisor (runnerPid), before it
//                                                        starts the command
//   command   {"pid"}                             the supervisor, once the command is forked
//   exit      {"exitCode"|"signal", "reason", "startedAt", "stoppedAt"}   the supervisor, at the end
//   cancelled {"reason", "stoppedAt"}             the service: terminated before it ever started
// The file stays exclusively flock-ed while the command runs (by the service, then by the
// supervisor it hands the locked file to, until the "exit" record is written); whoever wants to
// start or cancel the attempt takes that lock first, so "started" and "cancelled" exclude each
// other. An earlier version's per-task runner (no "supervised") held it for as long as it lived.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "executor/executor.h"

namespace wfm {

// The state file, opened (created if missing) for appending with O_CLOEXEC and locked
// exclusively; -1 if another process (the attempt's runner) holds the lock or it can't be opened.
// The caller owns the descriptor.
int TryLockStateFile(const std::string& path);

// The record on the first line starting with `tag`, or a discarded value when there is none (or
// the file is missing or the line cut short).
nlohmann::json ReadStateRecord(const std::string& path, const std::string& tag);

// Appends "<tag> <record>\n" to the state file open as `fd` (one write). False on a write error.
bool AppendStateRecord(int fd, const std::string& tag, const nlohmann::json& record);

// The attempt's final outcome, from its "exit" or "cancelled" record, as an observation of a
// finished task (status, reason, exit code, times). False when it has neither.
bool ReadStateOutcome(const std::string& path, TaskObservation* seen);

}  // namespace wfm
