// What `wfm exec watch` and `wfm exec get` show of a Step Functions execution: pure functions of
// DescribeExecution's answer, its GetExecutionHistory events and the time.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"

namespace wfm::cli {

// One visit of a state, from its StateEntered event to its StateExited event.
struct StateVisit {
  std::string name;
  std::string type;    // Pass, Task, Wait, ... (from the event's type)
  std::string status;  // RUNNING, SUCCEEDED, or how the execution ended while it was in it
  TimestampMs entered = 0;
  TimestampMs exited = 0;  // 0 while in it
  std::string reason;      // the last error in it ("error: cause"), if any
};

// The states the history's events show visited, in the order they were entered. A visit still
// open when the execution has ended (`execution_status` not RUNNING) takes the execution's
// status (FAILED, TIMED_OUT, ABORTED); a Fail state's visit is FAILED.
std::vector<StateVisit> VisitsOf(const nlohmann::json& events, const std::string& execution_status);

// The execution screen: its ARN, state machine, status (with error and cause), elapsed time,
// then a table of its state visits with type, status, entered, duration and reason. With `tty`,
// statuses are coloured and lines are cut to `width` columns (when not 0).
std::string RenderExecutionScreen(const nlohmann::json& execution, const nlohmann::json& events,
                                  TimestampMs now, bool tty, size_t width = 0);

// The lines telling what events[from..] did: "entered P (Pass)", "exited P", "failed in P:
// error: cause", "execution SUCCEEDED".
std::vector<std::string> ExecutionEventLines(const nlohmann::json& events, size_t from);

// True for every status but RUNNING (and PENDING_REDRIVE, which is about to run again).
bool IsExecutionFinished(const std::string& status);

// The exit code of a watch that saw the execution end with `status` (see WatchExitCode).
int ExecutionWatchExitCode(const std::string& status);

}  // namespace wfm::cli
