// The colours of statuses on a terminal, shared by the job and execution views.
#pragma once

#include <string>

namespace wfm::cli {

// `status` wrapped in its ANSI colour when `colour` is set: green for success, red for failure
// (FAILED, TIMED_OUT), yellow for RUNNING, grey for what waits (CREATED, QUEUED,
// WAITING_FOR_DEPS, PENDING_REDRIVE), magenta for what was stopped (CANCELLED, ABORTED...).
// Unchanged when `colour` is false or the status is unknown.
std::string ColourStatus(const std::string& status, bool colour);

}  // namespace wfm::cli
