// The dynamic state of one execution of a state machine, as the interpreter (interpreter.h) keeps
// it between events and the engine stores it: frames (the top level, each Parallel branch and
// Map iteration that runs), their current state, timers and task attempts. Plain values with a
// JSON form; pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "asl/definition.h"
#include "asl/failure.h"
#include "core/result.h"

namespace wfm::asl {

// Fixed facts of an execution, for the context object ($$) and the history.
struct ExecutionContext {
  std::string execution_arn;
  std::string execution_name;
  std::string role_arn;
  std::string state_machine_arn;
  std::string state_machine_name;
  std::string state_machine_version_arn;
  std::string state_machine_alias_arn;
  Json input = Json::object();
  int64_t start_ms = 0;
  // Prefix of task attempt names: unique per execution, [A-Za-z0-9-] (AWS Batch job name rules).
  std::string task_prefix;
  // When not empty (a v1 job's execution): attempts are named as v1 names them,
  // "<task_prefix>-<the state's index here>-<retry count + 1>", instead of by frame and attempt.
  std::map<std::string, int64_t> state_indexes;
  // Prefix of task tokens (a random part follows): lets a token name its execution.
  std::string token_prefix;
};

enum class FramePhase {
  kEnter,       // about to enter `state` with `input`
  kTask,        // a task attempt is scheduled or running
  kWaitTimer,   // a Wait state waits for `due_ms`
  kRetryTimer,  // waits for `due_ms` before retrying `state`
  kChildren,    // a Parallel or Map state waits for its branches or iterations
  kStopped,     // the top-level frame of an execution that failed, timed out or was stopped
};

// One attempt of a Task state.
struct TaskAttempt {
  std::string name;         // the idempotency key of the executor (or the activity task's id)
  std::string resource;     // the state's Resource
  Json input;               // the effective input (Parameters applied)
  std::string token;        // Task token ($$.Task.Token)
  std::string executor_id;  // once the executor took it
  std::string worker;       // activities: the worker that took it ("" while waiting for one)
  int64_t scheduled_ms = 0;
  int64_t timeout_at_ms = 0;  // 0: none
  int64_t heartbeat_seconds = 0;
  int64_t heartbeat_at_ms = 0;  // 0: none (or not started yet)
};

struct Frame {
  int64_t id = 0;
  int64_t parent = 0;  // 0 for the top level
  int64_t index = 0;   // branch or item index in the parent
  // Where the frame's states are: pairs of (state name, branch index or -1 for a Map's
  // processor) from the top-level machine down.
  std::vector<std::pair<std::string, int64_t>> scope;
  std::string state;
  FramePhase phase = FramePhase::kEnter;
  Json input;                       // the raw input of `state`
  Json effective;                   // Wait, Parallel, Map: the effective input
  Json variables = Json::object();  // workflow variables visible here
  int64_t entered_ms = 0;
  int64_t retry_count = 0;              // $$.State.RetryCount
  std::vector<int64_t> retrier_counts;  // retries made per Retrier of `state`
  int64_t due_ms = 0;                   // kWaitTimer, kRetryTimer
  int64_t attempts = 0;                 // task attempts made by this frame (names stay unique)
  std::optional<TaskAttempt> task;      // kTask
  // kChildren
  Json items = Json::array();  // Map: the items (or batches) not yet started are at [next_child..]
  Json results = Json::array();  // outputs by index
  int64_t total = 0, next_child = 0, succeeded = 0, failed = 0, max_concurrency = 0;
  int64_t tolerated_count = -1;      // -1: none given
  double tolerated_percentage = -1;  // -1: none given
  int64_t last_event_id = 0;         // previousEventId of the frame's next event

  const StateMachine* machine = nullptr;  // resolved `scope`; not stored
};

struct ExecutionState {
  std::string status = "RUNNING";  // RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
  Json output;                     // once SUCCEEDED
  std::string error, cause;        // once FAILED, TIMED_OUT or ABORTED
  int64_t stop_ms = 0;
  int64_t redrive_count = 0;
  int64_t last_event_id = 0;
  int64_t next_frame_id = 1;
  int64_t timeout_due_ms = 0;  // the execution's TimeoutSeconds; 0: none
  std::map<int64_t, Frame> frames;
};

Json ToJson(const ExecutionState& state);
// Errors: kInternal when `json` is not an ExecutionState. Frames' `machine` stays null (the
// interpreter resolves it).
Result<ExecutionState> ExecutionStateFromJson(const Json& json);

}  // namespace wfm::asl
