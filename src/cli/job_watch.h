// `wfm job watch ID` (and `wfm job start --watch`): follows a job until it ends.
#pragma once

#include <string>

#include "cli/service_client.h"

namespace wfm::cli {

// Watches job `id` until it is SUCCEEDED, FAILED or CANCELLED, drawing on standard output: on a
// terminal the job screen (RenderJobScreen), redrawn in place at each change and every second;
// otherwise a line per change (JobChangeLines) and the final screen. Follows GET /events?job=ID;
// when that stream ends before the job (the connection cut), polls GET /jobs/ID every 500 ms.
// Returns the watch exit code (0 succeeded, 1 failed, 2 cancelled). Throws ServiceError() when
// the service answers an error (an unknown job), CliError(kExitCannotConnect) when it can't be
// reached.
int WatchJob(const ServiceClient& client, const std::string& id);

}  // namespace wfm::cli
