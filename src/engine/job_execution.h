// A v1 job runs as an execution of the one engine (execution_engine.h). Its workflow, a chain of
// Task states, becomes a state machine of Task states; its attempts keep v1's names
// ("<job id>-<state index>-<attempt>") and environment (_BATCH_START, ...); and the job as the v1
// API shows it is changed by v1's rules (job_rules.h) and stored in one row with the execution's
// state (Job::execution): one write per change. Pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "executor/executor.h"
#include "model/job.h"

namespace wfm {

// The key of job `job_id`'s execution in the engine (its execution is kept in the job's row, see
// Job::execution). Not an ARN: the Step Functions face never lists or describes it.
std::string JobExecutionKey(const std::string& job_id);
// The job id of a JobExecutionKey; "" for any other key (an execution's ARN).
std::string JobIdOfExecutionKey(const std::string& key);
// The parent of the execution records of `workflow_name`'s jobs (never a state machine's ARN).
std::string JobExecutionParent(const std::string& workflow_name);

// The state machine (ASL JSON text) that runs `job`: a Task state per state of its workflow, with
// its resource and its next or end, whose results are discarded; named as the workflow's states
// where the States Language allows the name, else "#<index>". It starts at the first state
// whose task has not succeeded: the start state of a new job; for a job that an earlier version of
// the service was running, where it was (its running attempt is adopted by name).
std::string JobStateMachine(const Job& job);

// The index of each state of JobStateMachine(job) in the job's workflow, by the state machine's
// name for it: for v1's attempt names.
std::map<std::string, int64_t> JobStateIndexes(const Job& job);

// The task of `job` whose current attempt is named `attempt`, or nullptr.
Task* TaskOfAttempt(Job& job, const std::string& attempt);

// The executor task of `task`'s current attempt: its state's resource and the engine's variables
// (TaskEnvironment), under v1's attempt name; `known_id` is the executor id stored for it, if any.
TaskSpec JobTaskSpec(const Job& job, const Task& task, const std::string& known_id);

// Brings `job` in line with the end of its execution when that ended without the job's own rules
// ending it (a task the engine failed before the executor had it, for instance): every task not
// yet terminal fails with `why`. Returns true if anything changed.
bool EndJobWithExecution(Job& job, const std::string& why, TimestampMs now);

}  // namespace wfm
