// `wfm job logs ID [STATE] [--follow]`: what the tasks of a job printed.
#pragma once

#include <string>

#include "cli/service_client.h"

namespace wfm::cli {

// Prints the log (stdout and stderr) of the task of `state` in job `id`; with `state` empty,
// every task's log in workflow order, each headed "==> STATE <==" (a task not started yet has
// an empty one). With `follow`, polls every 500 ms and prints what each log gains until its task
// ends (or the job does, for tasks that never start). Throws CliError for an unknown job or state
// and when the service fails.
void PrintJobLogs(const ServiceClient& client, const std::string& id, const std::string& state,
                  bool follow);

}  // namespace wfm::cli
