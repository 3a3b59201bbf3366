// The States Language interpreter: advances one execution (execution_state.h) of a parsed state
// machine through its states, event by event, and says what the engine must do: tasks to start,
// tasks to stop, history events to store, when to wake it next. Pure: no I/O, no clock (every
// call gets `now`), randomness only from the RandomSource given.
//
// Use: bind an Interpreter to a stored ExecutionState, feed it what happened (Start, task results,
// Advance for timers), then Take* the decisions and store the state with the events in one
// commit before acting on them. Not thread-safe (one execution, one thread at a time).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "asl/definition.h"
#include "asl/execution_state.h"
#include "asl/intrinsics.h"
#include "asl/resources.h"

namespace wfm::asl {

struct InterpreterOptions {
  // Multiplies Wait durations and Retry intervals (0 skips them: a testing aid). Timeouts are
  // never scaled.
  double wait_time_scale = 1.0;
  // The largest payload (state input or output, task result) in bytes: larger is
  // States.DataLimitExceeded.
  size_t max_payload_bytes = 256 * 1024;
  RandomSource random;  // must be set
};

// A task attempt to stop (its state was left: timeout, a failed sibling branch, a stop).
struct TaskToStop {
  std::string name;
  std::string executor_id;
  std::string resource;
};

class Interpreter {
 public:
  // `state` and `definition` must outlive the interpreter; `state` must belong to `definition`.
  Interpreter(ExecutionState& state, std::shared_ptr<const StateMachine> definition,
              const ExecutionContext& context, const InterpreterOptions& options);

  // Starts a new execution: ExecutionStarted, then runs until it waits for something.
  // `variables` (an object) are the workflow variables its top level starts with.
  void Start(int64_t now, Json variables = Json::object());
  // Fires the timers due at `now` (Wait, Retry, timeouts, heartbeats, the execution's timeout)
  // and runs every frame that can run.
  void Advance(int64_t now);

  // What a task attempt did. Attempts that are no longer current are ignored (return false).
  bool TaskStarted(const std::string& attempt, const std::string& executor_id,
                   const std::string& worker, int64_t now);
  bool TaskSucceeded(const std::string& attempt, Json result, int64_t now);
  bool TaskFailed(const std::string& attempt, const Failure& failure, int64_t now);
  // A heartbeat of an activity or callback task; false when no such attempt runs.
  bool TaskHeartbeat(const std::string& attempt, int64_t now);
  // The frame running attempt `name` (by name or task token), or null.
  const Frame* FindAttempt(const std::string& name_or_token) const;

  // StopExecution: aborts every frame (their tasks to stop), ExecutionAborted.
  void Stop(const std::string& error, const std::string& cause, int64_t now);
  // RedriveExecution of a FAILED, TIMED_OUT or ABORTED execution: re-enters the state where the
  // top level stopped. False when there is nothing to redrive.
  bool Redrive(int64_t now);

  // Decisions since the last Take: history events (Step Functions' HistoryEvent JSON, ids
  // contiguous from the state's last_event_id), the frames whose task attempt must be started,
  // the task attempts to stop.
  std::vector<Json> TakeEvents();
  std::vector<int64_t> TakeTasksToStart();
  std::vector<TaskToStop> TakeTasksToStop();
  // The earliest time a timer is due (0: none).
  int64_t NextDueMs() const;
  // From now on, records in `sink` (an object; null: nothing) each data-processing step of the
  // states it runs as TestState's inspectionData names them (afterInputPath, afterParameters,
  // result, afterResultSelector, afterResultPath), as JSON text. `sink` must outlive its use.
  void Inspect(Json* sink) { inspection_ = sink; }

 private:
  Frame& NewFrame(int64_t parent, int64_t index, std::vector<std::pair<std::string, int64_t>> scope,
                  const std::string& start, Json input, Json variables, int64_t now);
  const StateMachine* Resolve(Frame& frame);
  const State& CurrentState(Frame& frame);
  void RunQueue(int64_t now);
  void Enter(Frame& frame, int64_t now);
  void Act(Frame& frame, const State& state, int64_t now);  // the state's work after entering
  // The state's effective input: InputPath applied to the frame's input, then Parameters.
  Outcome<Json> EffectiveInput(const Frame& frame, const State& state);
  void RunPass(Frame& frame, const State& state, int64_t now);
  void RunChoice(Frame& frame, const State& state, int64_t now);
  void RunWait(Frame& frame, const State& state, int64_t now);
  void FinishWait(Frame& frame, const State& state, int64_t now);
  void RunSucceed(Frame& frame, const State& state, int64_t now);
  void RunFail(Frame& frame, const State& state, int64_t now);
  void RunTask(Frame& frame, const State& state, int64_t now);
  void RunParallel(Frame& frame, const State& state, int64_t now);
  void RunMap(Frame& frame, const State& state, int64_t now);
  void StartIterations(Frame& frame, const State& state, int64_t now);
  void ChildFinished(int64_t parent_id, int64_t index, bool ok, const Json& output,
                     const Failure& failure, int64_t now);
  // Leaves `state` with `result`: ResultPath, OutputPath, Assign, XStateExited, then Next/End.
  void Exit(Frame& frame, const State& state, const Json& result, const Json& assign_input,
            int64_t now);
  void Transition(Frame& frame, const std::string& next, Json output, int64_t now);
  // A state failed: Retry, Catch, or the frame fails.
  void FailState(Frame& frame, const State& state, const Failure& failure, int64_t now);
  void FinishFrame(Frame& frame, bool ok, Json output, const Failure& failure, int64_t now);
  void EndExecution(const std::string& status, const std::string& event, const Failure& failure,
                    int64_t now);
  void AbortChildren(int64_t frame_id, int64_t now);
  // Stops the root frame, its task and everything under it (the execution is ending).
  void StopAllFrames(int64_t now);
  void AbortTask(Frame& frame);
  void TaskTimedOut(Frame& frame, const Failure& failure, int64_t now);
  void FireTimers(int64_t now);

  void Emit(Frame* frame, const std::string& type, const std::string& details_key, Json details,
            int64_t now);
  void SetContext(const Frame& frame);
  PathScope ScopeOf(const Json& input, const Frame& frame) const;
  bool TooLarge(const Json& value) const;
  // States.DataLimitExceeded for the `what` ("input", "output") of `state`.
  Failure OverLimit(const char* what, const State& state) const;

  ExecutionState& state_;
  std::shared_ptr<const StateMachine> definition_;
  const ExecutionContext& context_;
  InterpreterOptions options_;
  Json context_object_;  // $$, its State part set by SetContext
  std::deque<int64_t> runnable_;
  std::vector<Json> events_;
  std::vector<int64_t> to_start_;
  std::vector<TaskToStop> to_stop_;
  Json* inspection_ = nullptr;
  // Records `value` as step `step` in the inspection sink, if any.
  void Inspected(const char* step, const Json& value) {
    if (inspection_) (*inspection_)[step] = value.dump();
  }
};

}  // namespace wfm::asl
