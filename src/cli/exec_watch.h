// `wfm exec watch ARN` (and `wfm exec start --watch`): follows an execution until it ends.
#pragma once

#include <string>

#include "cli/service_client.h"

namespace wfm::cli {

// Polls DescribeExecution and GetExecutionHistory every 500 ms until the execution has ended,
// drawing on standard output: on a terminal the execution screen (RenderExecutionScreen) redrawn
// in place; otherwise a line per state entered or exited (ExecutionEventLines) and the final
// screen. Returns the watch exit code (0 SUCCEEDED, 1 FAILED or TIMED_OUT, 2 ABORTED). Throws
// CliError when the service answers an error (an unknown execution) or can't be reached.
int WatchExecution(const ServiceClient& client, const std::string& execution_arn);

}  // namespace wfm::cli
