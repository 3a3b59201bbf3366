// What the Step Functions face asks of the engine: start, stop and redrive executions, hand out
// activity tasks and take their results, test one state. Reads (DescribeExecution, ListExecutions,
// GetExecutionHistory) go to the store directly: execution records (execution_record.h) and their
// history events.
//
// Errors carry Step Functions' error name in Error::type where the code alone is ambiguous
// (for example kNotFound with type "ExecutionDoesNotExist"). Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace wfm {

struct StartExecutionRequest {
  std::string state_machine_arn;  // the state machine (without version or alias)
  std::string state_machine_name;
  std::string version_arn;  // when started through a version, or an alias pointing at one
  std::string alias_arn;    // when started through an alias
  std::string definition;   // the definition text to run (already valid)
  std::string role_arn;
  std::string execution_arn;  // arn:aws:states:<region>:<account>:execution:<sm>:<name>
  std::string name;           // validated by the caller
  std::string input = "{}";   // a JSON text (validated by the caller)
};

struct ActivityTask {
  std::string task_token;
  std::string input;  // JSON text
};

class ExecutionService {
 public:
  virtual ~ExecutionService() = default;

  // Stores the execution (status RUNNING) and starts it; returns its record. Idempotent by ARN:
  // when it exists with the same input and is still running, returns the existing record.
  // Errors: kAlreadyExists type "ExecutionAlreadyExists" (exists with another input, or finished);
  // the store's.
  virtual Result<Record> StartExecution(const StartExecutionRequest& request) = 0;

  // Stops a running execution: status ABORTED with `error` and `cause`, its running tasks
  // terminated. Returns the stop date. Errors: kNotFound type "ExecutionDoesNotExist";
  // the store's. Stopping a finished execution changes nothing and returns its stop date.
  virtual Result<TimestampMs> StopExecution(const std::string& execution_arn,
                                            const std::string& error, const std::string& cause) = 0;

  // Restarts a FAILED, TIMED_OUT or ABORTED execution from the states that did not succeed;
  // returns the redrive date. Errors: kNotFound type "ExecutionDoesNotExist"; kConflict type
  // "ExecutionNotRedrivable" (running, succeeded, or nothing to redrive).
  virtual Result<TimestampMs> RedriveExecution(const std::string& execution_arn) = 0;

  // Long poll: calls `done` (from any thread, exactly once) with a task of the activity as soon as
  // one is scheduled, or with nullopt after `wait`. Never blocks the caller.
  virtual void GetActivityTask(const std::string& activity_arn, const std::string& worker_name,
                               std::chrono::milliseconds wait,
                               std::function<void(std::optional<ActivityTask>)> done) = 0;

  // Results of activity tasks and of callback (.waitForTaskToken) tasks. Errors: kNotFound type
  // "InvalidToken" for a malformed token, "TaskDoesNotExist" for an unknown one; kConflict type
  // "TaskTimedOut" when the task already ended (timed out, its execution stopped).
  virtual Status SendTaskSuccess(const std::string& task_token, const std::string& output) = 0;
  virtual Status SendTaskFailure(const std::string& task_token, const std::string& error,
                                 const std::string& cause) = 0;
  virtual Status SendTaskHeartbeat(const std::string& task_token) = 0;

  // TestState: runs one state (its JSON definition in request["definition"]) on
  // request["input"] and answers TestState's output shape (output, error, cause, nextState,
  // status, inspectionData). Errors: kInvalidArgument type "InvalidDefinition".
  virtual Result<nlohmann::json> TestState(const nlohmann::json& request) = 0;
};

}  // namespace wfm
