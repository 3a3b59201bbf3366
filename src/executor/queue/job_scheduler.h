// The seam between QueueExecutor (queue_executor.h) and a batch scheduler that runs its jobs
// elsewhere and is asked about them (AWS Batch, Slurm): submit one job under a name, find jobs
// by name, describe many jobs in one call, stop one job.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "executor/executor.h"

namespace wfm {

// What a scheduler says of one job.
struct ScheduledJob {
  std::string id;     // the scheduler's job id
  std::string state;  // the scheduler's own word for its state (RUNNABLE, PENDING, ...)
  // Not started yet (a stop cancels it rather than killing it).
  bool before_start = false;
  // Waiting for resources (AWS Batch's RUNNABLE, Slurm's PENDING): a task waiting like this for
  // longer than the warning time says so in its status reason.
  bool waiting_for_resources = false;
  // Status, reason, exit code, container, job definition, times and description (JSON) as the
  // scheduler gives them; id and new_id are the executor's business.
  TaskObservation seen;
};

class JobScheduler {
 public:
  virtual ~JobScheduler() = default;
  // "AWS Batch", "Slurm": for reasons and logs.
  virtual std::string Name() const = 0;
  // Whether `id` is a job id of this scheduler (otherwise it is an attempt's name). Attempt names
  // ("<job uuid>-<state index>-<attempt>") must never look like one.
  virtual bool IsJobId(const std::string& id) const = 0;
  // Where jobs of `spec` go, for messages ("in queue q"); may be empty.
  virtual std::string Where(const TaskSpec& spec) const = 0;
  // Checks what can be checked before submitting (cheap: called with the executor's lock held).
  // Errors: kInvalidArgument when `spec` can never be submitted (the message says why).
  virtual Status Validate(const TaskSpec& spec) const = 0;
  // "name:revision" of the job definition `spec` runs, when the scheduler knows it before the
  // job is described (it is reported from the submission on); "" otherwise.
  virtual std::string JobDefinitionOf(const TaskSpec& spec) const {
    (void)spec;
    return "";
  }
  // Submits a job named spec.name; returns its id. Errors: kUnavailable (may work later: the
  // attempt is looked up by name before it is submitted again); any other code fails the task
  // with the message.
  virtual Result<std::string> Submit(const TaskSpec& spec) = 0;
  // The first job named spec.name (where spec's jobs go), if any. Errors: kUnavailable, or any
  // other code (then the lookup is retried too).
  virtual Result<std::optional<ScheduledJob>> FindByName(const TaskSpec& spec) = 0;
  // The jobs of `ids` the scheduler knows, in any order; the others are left out. Errors: any
  // (the whole sweep is tried again later).
  virtual Result<std::vector<ScheduledJob>> Describe(const std::vector<std::string>& ids) = 0;
  // Stops job `id`, last seen in `state` (empty: unknown). Errors: kUnavailable (tried again);
  // others are logged and left to the polls to find out what became of the job.
  virtual Status Stop(const std::string& id, const std::string& state,
                      const std::string& reason) = 0;
  // What became of a job the scheduler no longer knows (it forgot the ended job before it was
  // seen ending), when it can be found out otherwise; nullopt when it cannot.
  virtual std::optional<TaskObservation> OutcomeOfForgotten(const std::string& id,
                                                            const TaskSpec& spec) {
    (void)id;
    (void)spec;
    return std::nullopt;
  }
  // Whether the scheduler can be used now (see Executor::Health).
  virtual Status Health() const = 0;
};

}  // namespace wfm
