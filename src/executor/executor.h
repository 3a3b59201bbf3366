// The Executor seam: where tasks actually run (local processes, AWS Batch, or an in-process fake).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "model/job.h"

namespace wfm {

using Environment = std::vector<std::pair<std::string, std::string>>;

// What to run for one attempt of one task.
struct TaskSpec {
  std::string name;         // deterministic per (job, state, attempt): the idempotency key
  std::string known_id;     // the executor id stored for this attempt earlier, if any
  std::string resource;     // job definition: "name" or "name:revision"
  Environment environment;  // the engine's variables (_BATCH_START, ...), added to the definition's
  // True when this process decided this attempt and asks for it the first time: nothing can exist
  // under its name yet, so the executor need not look for an earlier submission.
  bool fresh = false;

  // Step Functions tasks (all unset for v1 tasks):
  // AWS Batch's SubmitJob request fields as a Task state passes them (camelCase: jobQueue,
  // parameters, containerOverrides {command, environment, resourceRequirements}, retryStrategy,
  // timeout, tags, arrayProperties); null when none. The Batch executor sends them with its own
  // jobName and jobDefinition (= resource); the local executor applies containerOverrides'
  // command and environment and timeout.attemptDurationSeconds, and ignores the rest.
  nlohmann::json submit_job = nullptr;
  // Local functions: when set, the task's standard input (a JSON text), and the task gets
  // WFM_TASK_OUTPUT, the path of an empty file whose content (JSON) becomes
  // TaskObservation::output_json when the task ends.
  std::optional<std::string> function_input = std::nullopt;
};

// What the executor last saw of a task.
struct TaskObservation {
  std::string id;
  // When not empty: the executor's lasting id for the task (for example the AWS Batch job id
  // once the submission went through), to be used instead of `id` from now on.
  std::string new_id;
  TaskStatus status = TaskStatus::kQueued;  // kQueued, kRunning, kSucceeded or kFailed
  std::string status_reason;
  std::string container;
  std::string job_definition;  // "name:revision" of the job definition it runs, when known
  std::optional<int> exit_code;
  // The error name a Step Functions Retry or Catch matches for a failed task, when the executor
  // knows a more precise one than States.TaskFailed (for example "Slurm.Timeout").
  std::string error;
  TimestampMs started_at = 0;
  TimestampMs stopped_at = 0;
  // Terminal observations of Step Functions tasks:
  // what a local function wrote to WFM_TASK_OUTPUT (may be empty or not JSON: the engine checks);
  std::string output_json;
  // the job as AWS Batch's DescribeJobs describes it (JSON text; synthesised by the local
  // executor: jobId, jobName, jobDefinition, status, statusReason, createdAt, startedAt,
  // stoppedAt, container {command, exitCode, reason}).
  std::string description_json;
};

class Executor {
 public:
  virtual ~Executor() = default;

  // Makes sure the attempt `spec.name` exists in the executor exactly once: submits it, or adopts
  // the one submitted earlier under the same name (after a crash). Returns its executor id.
  // Must not block on the task itself. Errors: kInvalidArgument when the task can never run (for
  // example an unknown job definition; the engine fails the task with the message);
  // kUnavailable when it may work later (the engine retries).
  virtual Result<std::string> Submit(const TaskSpec& spec) = 0;

  // The latest observation of each id, in the same order. An id the executor does not know is
  // reported kFailed with a reason saying so (or kQueued while the executor looks it up).
  virtual std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) = 0;

  // Stops the given tasks (queued ones never start, running ones are signalled), including tasks
  // this process has not seen yet (submitted by an earlier process: found by id or name).
  // Returns the ids it has taken charge of: each will be stopped, retrying on its own if needed,
  // and will be reported terminal by Describe. Ids left out could not be handled now (executor
  // unreachable): the caller asks again later. Idempotent.
  virtual std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                             const std::string& reason) = 0;

  // The largest job data (the JSON text of _BATCH_START) a task of this executor can be given.
  // The API refuses larger data. Thread-safe.
  virtual size_t MaxDataBytes() const { return 256 * 1024; }

  // `listener` is called, from any thread, with ids whose observation changed. Set once, before
  // the first Submit.
  virtual void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) = 0;

  // Whether the executor can do its work now: ok, or an error whose message says why not (for
  // example "AWS Batch: no credentials found", "Slurm controller unreachable"). Cheap (reports
  // what the executor last saw; never calls out). Thread-safe.
  virtual Status Health() const { return OkStatus(); }

  // The job definitions this executor knows, in AWS Batch's shape (jobDefinitionName, revision,
  // type, containerProperties, ...), by name then revision. Errors: kUnimplemented when it can't
  // list them (the message says where to look instead). Thread-safe.
  virtual Result<nlohmann::json> ListJobDefinitions() const {
    return Error{ErrorCode::kUnimplemented, "this executor does not list job definitions"};
  }

  // Checks a state's `resource` before a workflow is accepted. Errors: kInvalidArgument (message
  // names the resource) when the job definition is known not to exist; ok when it exists or can't
  // be checked now. May call out (bounded in time). Thread-safe.
  virtual Status CheckResource(const std::string& resource) {
    (void)resource;
    return OkStatus();
  }
};

}  // namespace wfm
