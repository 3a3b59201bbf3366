// Jobs (one execution of one workflow revision) and their tasks (one per state): plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "model/workflow.h"

namespace wfm {

enum class JobStatus { kQueued, kRunning, kSucceeded, kFailed, kCancelled };

enum class TaskStatus {
  kCreated,
  kQueued,
  kWaitingForDeps,
  kRunning,
  kSucceeded,
  kFailed,
  kAbortedDepsFailed,
  kAbortedByUser,
};

const char* ToString(JobStatus status);
const char* ToString(TaskStatus status);
bool ParseJobStatus(const std::string& text, JobStatus* out);
bool ParseTaskStatus(const std::string& text, TaskStatus* out);

// True for the statuses a job or task never leaves.
bool IsTerminal(JobStatus status);
bool IsTerminal(TaskStatus status);

struct Task {
  std::string id;  // the executor's id for the submitted task; empty until known
  std::string state;
  TaskStatus status = TaskStatus::kWaitingForDeps;
  std::string status_reason;
  std::string container;
  std::string job_definition;  // "name:revision" of the job definition it ran, once known
  TimestampMs created_at = 0;
  TimestampMs started_at = 0;
  TimestampMs stopped_at = 0;
  int attempt = 0;
  std::optional<int> exit_code;
  // Engine bookkeeping (stored, not shown by the API):
  bool submit_intent = false;               // the decision to submit attempt `attempt` is stored
  bool terminate_sent = false;              // a termination of the executor task was carried out
  std::vector<std::string> dependency_ids;  // ids of the tasks this one waited for
};

struct Job {
  std::string id;
  Workflow workflow;      // the full revision this job runs
  std::string data_json;  // the input data: a JSON array, serialised
  JobStatus status = JobStatus::kQueued;
  std::string status_reason;  // why the job was cancelled, when it was
  std::vector<Task> tasks;
  TimestampMs created_at = 0;
  TimestampMs started_at = 0;
  TimestampMs stopped_at = 0;
  int64_t version = 0;  // bumped by each stored change; used for optimistic concurrency
  // The engine's state of the job's execution (opaque JSON text, see execution_engine.h), stored
  // in the same row so that one write records a change of both: empty before the engine gave the
  // job one and once it is done with the job. Stored, never shown by the API.
  std::string execution;

  Task* FindTask(const std::string& state);
  const Task* FindTask(const std::string& state) const;
};

// True while the engine has work with `job`: it has not ended, or its execution is still kept
// (tasks of a cancelled job not yet seen stopping). What stores list as active.
bool IsActive(const Job& job);

}  // namespace wfm
