// What `wfm job watch` (and `wfm job get`) shows of a job: pure functions of the job's JSON, as
// GET /jobs/{id} answers it, and the time.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"

namespace wfm::cli {

// The job screen: its id, workflow, status (with the job's statusReason, if any, which names the
// state that failed) and elapsed time, then a table of its states in workflow order (from startAt
// along `next`) with status, attempt, started, duration, job definition and reason (the last
// column: the one a narrow terminal cuts). The number of lines depends only on the number of
// states, so a redraw covers the previous screen exactly. With `tty`, statuses are coloured and,
// when `width` is not 0, each line is cut to `width` columns (a wrapped line would break the
// redraw).
std::string RenderJobScreen(const nlohmann::json& job, TimestampMs now, bool tty, size_t width = 0);

// The lines telling what changed between two sights of a job (`before` null: the first sight,
// which names the job and its status, with its reason when it has one): one per state whose status,
// attempt or job definition changed, in workflow order ("second-state: FAILED (attempt 1, fail:1):
// exit code 3", with the attempt and the job definition once the task has them, the reason when
// there is one), and one when the job's status changed ("job: FAILED: state 'second-state' failed:
// exit code 3").
std::vector<std::string> JobChangeLines(const nlohmann::json* before, const nlohmann::json& after);

// True for the statuses a job never leaves: SUCCEEDED, FAILED, CANCELLED.
bool IsJobFinished(const std::string& status);

// The exit code of a watch that saw the job end with `status` (see WatchExitCode).
int JobWatchExitCode(const std::string& status);

// The names of the job's states in workflow order: from startAt along `next`, then the states
// off that chain, then the states of tasks the workflow does not list.
std::vector<std::string> StatesInOrder(const nlohmann::json& job);

}  // namespace wfm::cli
