// What the v1 API asks of the engine: start a job of a workflow, cancel one. A job runs as an
// execution of the engine (job_execution.h); reads (GET /jobs, ...) go to the store's jobs.
// Thread-safe.
#pragma once

#include <string>

#include "core/result.h"
#include "model/job.h"
#include "model/workflow.h"

namespace wfm {

class JobService {
 public:
  virtual ~JobService() = default;

  // Creates and stores a job of `workflow` with `data_json` (a JSON array), then its execution,
  // which the engine runs. Errors: the store's (a job stored without its execution is run from
  // the next start on).
  virtual Result<Job> StartJob(const Workflow& workflow, const std::string& data_json) = 0;

  // Cancels a job: every task not yet ended becomes ABORTED_BY_USER with `reason`, the job
  // CANCELLED, stored at once (on any replica) together with the stops of its started tasks,
  // which are sent to the executor until it takes charge of them. Returns the job as stored.
  // Errors: kNotFound; kConflict when the job already finished; the store's.
  virtual Result<Job> CancelJob(const std::string& job_id, const std::string& reason) = 0;

  // Whether this process advances jobs and executions now (always, without a shared store).
  virtual bool IsLeader() const = 0;
};

}  // namespace wfm
