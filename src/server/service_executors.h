// The executors of the service as --executor lists them ("local", "slurm,local", "local,batch,
// slurm", ...), each counted by its own MeteredExecutor, behind a RoutingExecutor when there are
// several (one alone is used directly: its task ids stay as they always were).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "executor/job_definitions.h"
#include "executor/metered_executor.h"
#include "executor/routing_executor.h"
#include "server/executors.h"

namespace wfm {

struct ServiceExecutors {
  std::vector<std::pair<std::string, ExecutorSetup>> members;  // by name, in --executor order
  std::vector<std::unique_ptr<MeteredExecutor>> metered;        // one per member, same order
  std::unique_ptr<RoutingExecutor> router;                      // with several members
  Executor* executor = nullptr;  // what the engine and the API use
  LogReader log_reader;          // reads a task's log from the executor that ran it
  std::string description;       // for the start-up log line
  // Reloads what each member reloads on SIGHUP (job definitions, a token file) and the routing's
  // definitions. Errors: the first member's that failed (the others keep going).
  std::function<Status()> reload;

  // wfm_tasks_active samples of every member (a metrics collector). Thread-safe.
  std::vector<MetricSample> ActiveTaskSamples() const;
};

// The names of --executor's list. Errors: kInvalidArgument for an unknown or repeated name, an
// empty list, or noop with others.
Result<std::vector<std::string>> ExecutorNames(const std::string& flag);

// Which of `names` runs `resource`: the job definition's "executor" when the file has it, else
// the first of local and slurm configured; a resource the file does not have goes to batch when
// configured, else to the first executor (which refuses it). `definitions` may be null (no file).
Result<std::string> RouteOf(const JobDefinitions* definitions,
                            const std::vector<std::string>& names, const std::string& resource);

// Builds every executor `config.executor` names. Errors: the first executor's that failed.
Result<std::unique_ptr<ServiceExecutors>> MakeServiceExecutors(const Config& config, Clock& clock,
                                                               Metrics& metrics);

}  // namespace wfm
