// The Slurm executor: a QueueExecutor (queue_executor.h: submission by name, adoption after a
// crash, one status query for all active jobs per poll, stops that never block) whose scheduler
// is Slurm (slurm_scheduler.h), reached through its command-line tools or slurmrestd
// (slurm_client.h), running the job definitions of a file (job_definitions.h).
#pragma once

#include <memory>

#include "executor/job_definitions.h"
#include "executor/queue/queue_executor.h"
#include "executor/slurm/slurm_client.h"
#include "executor/slurm/slurm_scheduler.h"

namespace wfm {

struct SlurmExecutorOptions {
  SlurmSchedulerOptions scheduler;
  QueueExecutorOptions queue;
};

class SlurmExecutor : public QueueExecutor {
 public:
  SlurmExecutor(std::unique_ptr<SlurmClient> client, JobDefinitions definitions, Clock& clock,
                SlurmExecutorOptions options);

  // The job data reaches the job as one environment variable; Linux takes at most 128 KiB per
  // variable (MAX_ARG_STRLEN) when the job starts.
  size_t MaxDataBytes() const override { return 120 * 1024; }
  // Errors: kInvalidArgument when the file has no such job definition.
  Status CheckResource(const std::string& resource) override;
  Result<nlohmann::json> ListJobDefinitions() const override { return slurm_.Documents(); }
  // Uses `definitions` from now on (jobs submitted before keep theirs). Thread-safe.
  void ReplaceJobDefinitions(JobDefinitions definitions) {
    slurm_.ReplaceJobDefinitions(std::move(definitions));
  }
  // The output of Slurm job `id` (at most its last `max_bytes`). Errors: kNotFound.
  Result<std::string> ReadLog(const std::string& id, size_t max_bytes) const {
    return slurm_.ReadLog(id, max_bytes);
  }
  std::string ClientDescription() const { return slurm_.ClientDescription(); }

 private:
  SlurmScheduler& slurm_;  // the base's scheduler
};

}  // namespace wfm
