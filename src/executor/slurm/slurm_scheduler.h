// Slurm as the scheduler of a QueueExecutor (queue_executor.h). A task attempt becomes a batch
// job named after the attempt whose script runs the job definition's command (each argument
// quoted: nothing is interpreted by the shell) in the work directory, with exactly the task's
// environment, and leaves beside its output a marker with the command's exit status:
//   <work_dir>/<slurm job id>.log   standard output and error (GET .../log reads it)
//   <work_dir>/<slurm job id>.exit  the exit status, written once the command has exited
// The work directory must be visible at the same path on the compute nodes (a shared file
// system). A job that Slurm forgot (MinJobAge) before it was seen ending gets its outcome from
// the marker, else from jobcomp/filetxt's file when configured, never a guess.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "executor/job_definitions.h"
#include "executor/queue/job_scheduler.h"
#include "executor/slurm/slurm_client.h"

namespace wfm {

struct SlurmSchedulerOptions {
  std::string work_dir;      // absolute; created if missing
  std::string jobcomp_file;  // jobcomp/filetxt's JobCompLoc, readable here; empty: none
  // Variables of the service's environment the jobs get too (PATH, HOME, LANG, TZ always).
  std::vector<std::string> env_pass;
};

class SlurmScheduler : public JobScheduler {
 public:
  // `client` is used from several threads.
  SlurmScheduler(std::unique_ptr<SlurmClient> client, JobDefinitions definitions,
                 SlurmSchedulerOptions options);

  std::string Name() const override { return "Slurm"; }
  // Slurm job ids are decimal numbers; attempt names never are.
  bool IsJobId(const std::string& id) const override;
  std::string Where(const TaskSpec& spec) const override;
  // Errors: kInvalidArgument for an unknown job definition.
  Status Validate(const TaskSpec& spec) const override;
  std::string JobDefinitionOf(const TaskSpec& spec) const override;
  Result<std::string> Submit(const TaskSpec& spec) override;
  Result<std::optional<ScheduledJob>> FindByName(const TaskSpec& spec) override;
  Result<std::vector<ScheduledJob>> Describe(const std::vector<std::string>& ids) override;
  Status Stop(const std::string& id, const std::string& state, const std::string& reason) override;
  // From <work_dir>/<id>.exit, else the jobcomp file's last line for the job.
  std::optional<TaskObservation> OutcomeOfForgotten(const std::string& id,
                                                    const TaskSpec& spec) override;
  // Unavailable with the last reason while Slurm does not answer.
  Status Health() const override;

  // What Slurm says of a job, as the executor reports it (states mapped as the README tells).
  static ScheduledJob Scheduled(const SlurmJob& job);
  // Uses `definitions` from now on (jobs submitted before keep theirs). Thread-safe.
  void ReplaceJobDefinitions(JobDefinitions definitions);
  // Every definition's document (GET /job-definitions). Thread-safe.
  nlohmann::json Documents() const;
  // The job's output: at most its last `max_bytes`. Errors: kNotFound.
  Result<std::string> ReadLog(const std::string& id, size_t max_bytes) const;
  // The client's description ("slurm CLI ...", "slurmrestd at ...").
  std::string ClientDescription() const { return client_->Description(); }

 private:
  // The batch job of `spec`. Errors: kInvalidArgument (unknown definition).
  Result<SlurmJobRequest> RequestOf(const TaskSpec& spec) const;
  std::shared_ptr<const JobDefinitions> Definitions() const;
  // Keeps what a call to Slurm said of its reachability (Health).
  template <typename T>
  T Noted(T result);

  std::unique_ptr<SlurmClient> client_;
  SlurmSchedulerOptions options_;
  Environment passed_;  // the service's variables every job gets
  mutable std::mutex mu_;
  std::shared_ptr<const JobDefinitions> definitions_;  // guarded by mu_
  std::string unreachable_;                            // guarded by mu_: why, or empty
};

}  // namespace wfm
