// The rules that move a job forward, as pure functions over a Job value (no I/O, no clock):
// the engine loads a job, applies these, stores the result, then carries out the side effects
// they returned. Running them twice on the same job is harmless (level-triggered).
#pragma once

#include <string>
#include <vector>

#include "executor/executor.h"
#include "model/job.h"

namespace wfm {

// A new job of `workflow` with `data_json` (a JSON array): one task per state, QUEUED for the
// start state, WAITING_FOR_DEPS for the others.
Job NewJob(const Workflow& workflow, std::string id, std::string data_json, TimestampMs now);

// The deterministic executor name of a task's attempt: "<job id>-<state index>-<attempt>",
// valid as an AWS Batch job name and as a file name.
std::string TaskAttemptName(const Job& job, const Task& task);

// The engine's environment for a task: _BATCH_START, _BATCH_DEPENDENCIES and WORKFLOW_MANAGER_*.
Environment TaskEnvironment(const Job& job, const Task& task);

// Records what the executor saw of `task` (and its lasting id, when the executor gives one). Tasks
// already terminal keep their status (a task aborted by the user stays ABORTED_BY_USER) but learn
// their stop time and exit code. Returns true if anything changed. A terminal observation without a
// stop time is given `now`.
bool ApplyObservation(Task& task, const TaskObservation& observation, TimestampMs now);

// Cancels the job: every task not yet terminal becomes ABORTED_BY_USER with `reason` (a task never
// submitted also stops now; one submitted keeps waiting for its stop to be seen, under its
// attempt's name when its executor id is not known yet); the job becomes CANCELLED. No effect on
// a terminal job. Returns true if anything changed.
bool ApplyCancel(Job& job, const std::string& reason, TimestampMs now);

// Marks a task FAILED because it could not be submitted.
void FailSubmission(Task& task, const std::string& message, TimestampMs now);

// What the engine must do once the job is stored.
struct SideEffects {
  std::vector<std::string> submit_states;  // tasks whose submission is decided (intent stored)
  std::vector<std::string> terminate_ids;  // executor ids of aborted tasks not known stopped
};

// True while a task aborted by the user has an executor id and is not yet seen stopped (its stop
// is stored and sent until the executor takes charge of it: execution_engine.h).
bool AwaitsStop(const Task& task);
// True while any task of the job AwaitsStop.
bool HasTasksAwaitingStop(const Job& job);

// Advances the job: waiting tasks whose dependencies succeeded are queued, those whose
// dependencies failed are aborted, queued tasks get a submit intent (attempt + 1), and the job's
// status and timestamps are derived from its tasks. Returns true if anything changed; `effects`
// receives the tasks that have a submit intent and no terminal status (to be submitted or adopted)
// and the aborted tasks that AwaitsStop (to be terminated: asking again is harmless).
bool Advance(Job& job, TimestampMs now, SideEffects* effects);

}  // namespace wfm
