// What the local executor does for Step Functions tasks (TaskSpec::submit_job, function_input):
//   - SubmitJob's containerOverrides.command replaces the job definition's command,
//     containerOverrides.environment is added to the task's environment and
//     timeout.attemptDurationSeconds replaces its timeout; every other SubmitJob field
//     (parameters, resourceRequirements, retryStrategy, tags, arrayProperties, ...) has no meaning
//     on one machine and is ignored.
//   - A local function reads its input on standard input, from <work dir>/function-input.json
//     (a file, not a pipe: it stays readable across a crash of the service), and may write its
//     result to <work dir>/function-output.json, named by WFM_TASK_OUTPUT and created empty
//     before it starts. The result is read when the task ends, by whichever process sees the end.
//   - <work dir>/job.json keeps what DescribeJobs would say of the job besides its outcome
//     (jobDefinition, command, environment, createdAt), so that a process adopting the task after
//     a restart describes it the same way.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"
#include "executor/executor.h"
#include "executor/job_definitions.h"

namespace wfm {

// The largest result a local function may write: Step Functions' payload limit.
constexpr size_t kMaxFunctionOutputBytes = 256 * 1024;

// Applies `submit_job` (an object, or null for none) to `definition` and returns the variables of
// containerOverrides.environment. Errors: kInvalidArgument saying which field is malformed
// (containerOverrides not an object, command not a non-empty list of non-empty strings,
// environment not a list of {name, value} strings or a name that is empty or contains '=' or NUL,
// attemptDurationSeconds not an integer from 1 to ten years). Changes nothing on error.
Result<Environment> ApplySubmitJobOverrides(const nlohmann::json& submit_job,
                                            JobDefinition& definition);

// The per-task files, in the task's working directory `work_dir`.
std::string FunctionInputPath(const std::string& work_dir);
std::string FunctionOutputPath(const std::string& work_dir);
std::string JobRecordPath(const std::string& work_dir);

// Writes function-input.json (when `spec.function_input` is set), an empty function-output.json
// (idem) and job.json. Errors: kUnavailable naming the file that can't be written.
Status WriteStepFunctionsTaskFiles(const TaskSpec& spec, const JobDefinition& definition,
                                   const Environment& overrides, TimestampMs created_at,
                                   const std::string& work_dir);

// Completes the observation of a task that ended, from its files in `work_dir`: output_json from
// function-output.json when the task is a local function (the file is read with O_NOFOLLOW, must
// be a regular file and at most kMaxFunctionOutputBytes; otherwise the task is kFailed with a
// reason saying so, "output larger than 256 KiB" for a large one), and description_json when the
// task is a Step Functions task (job.json exists). Does nothing for other tasks.
void CompleteStepFunctionsObservation(const std::string& work_dir, TaskObservation& seen);

// Sets seen.description_json from job.json for a RUNNING or terminal task (nothing without
// job.json). The description has DescribeJobs' job shape: jobId and jobName (the attempt),
// jobDefinition, jobQueue "local", status, statusReason, createdAt, startedAt, stoppedAt (epoch
// ms; the last two when known) and container {command, environment, exitCode, reason}.
void DescribeStepFunctionsTask(const std::string& work_dir, TaskObservation& seen);

}  // namespace wfm
