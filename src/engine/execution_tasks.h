// How a Step Functions task attempt becomes an executor task (TaskSpec), and how what the
// executor saw becomes the task's result or error, as Step Functions shapes them: a Lambda
// function's own result, lambda:invoke's wrapped answer, batch:submitJob's SubmitJob answer and
// batch:submitJob.sync's job description (PascalCase). Pure.
#pragma once

#include <string>

#include "asl/execution_state.h"
#include "asl/resources.h"
#include "executor/executor.h"

namespace wfm {

// The executor task of `task` (state `state_name`, $$.State.RetryCount `retry_count`).
// Failure: States.Runtime when the parameters can't make one (lambda:invoke without
// FunctionName, batch:submitJob without JobDefinition, ...).
asl::Outcome<TaskSpec> TaskSpecFor(const asl::TaskAttempt& task, const asl::TaskResource& resource,
                                   const asl::ExecutionContext& context,
                                   const std::string& state_name, int64_t retry_count);

// The result of a task whose executor task ended (seen.status kSucceeded or kFailed), or its
// error: a function's {"Error", "Cause"} (or Lambda's errorType/errorMessage) when it wrote one,
// else States.TaskFailed with the exit code or the reason.
asl::Outcome<asl::Json> TaskResultOf(const TaskObservation& seen,
                                     const asl::TaskResource& resource);

// batch:submitJob's result once the job is submitted: {"JobArn", "JobId", "JobName"}; the ARN
// from the job's description when there is one, else built in the execution's region and account.
asl::Json SubmitJobResult(const std::string& job_id, const std::string& job_name,
                          const std::string& execution_arn, const std::string& description_json);

// Keys of objects with their first letter in upper (PascalCase) or lower (camelCase) case,
// recursively, except inside the user-keyed maps "parameters"/"Parameters" and "tags"/"Tags".
asl::Json PascalCaseKeys(const asl::Json& value);
asl::Json CamelCaseKeys(const asl::Json& value);

}  // namespace wfm
