#include "engine/job_rules.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>

namespace wfm {
namespace {

bool IsFailure(TaskStatus status) {
  return status == TaskStatus::kFailed || status == TaskStatus::kAbortedDepsFailed ||
         status == TaskStatus::kAbortedByUser;
}

// Waiting tasks move on when their dependencies are decided. A task's dependencies are the states
// whose `next` it is; a decided task may decide its successor in turn, so the successors of every
// task that changed are looked at again (a worklist: linear in the number of states).
// Returns true if any task changed.
bool ResolveDependencies(Job& job, TimestampMs now) {
  const std::vector<State>& states = job.workflow.states;
  std::unordered_map<std::string_view, size_t> index_of;
  for (size_t i = 0; i < job.tasks.size(); ++i) index_of.emplace(job.tasks[i].state, i);
  std::vector<std::vector<size_t>> dependencies(job.tasks.size());
  std::vector<size_t> successor(job.tasks.size(), job.tasks.size());  // none
  for (const State& state : states) {
    if (state.end) continue;
    auto from = index_of.find(state.name);
    auto to = index_of.find(state.next);
    if (from == index_of.end() || to == index_of.end()) continue;
    dependencies[to->second].push_back(from->second);
    successor[from->second] = to->second;
  }
  std::vector<size_t> pending;
  for (size_t i = job.tasks.size(); i-- > 0;) pending.push_back(i);
  bool changed = false;
  while (!pending.empty()) {
    size_t i = pending.back();
    pending.pop_back();
    Task& task = job.tasks[i];
    if (task.status != TaskStatus::kWaitingForDeps) continue;
    std::vector<std::string> dependency_ids;
    std::string failed_dependency;
    bool all_succeeded = true;
    for (size_t d : dependencies[i]) {
      const Task& dep = job.tasks[d];
      if (IsFailure(dep.status)) failed_dependency = dep.state;
      if (dep.status != TaskStatus::kSucceeded) all_succeeded = false;
      dependency_ids.push_back(dep.id);
    }
    if (!failed_dependency.empty()) {
      task.status = TaskStatus::kAbortedDepsFailed;
      task.status_reason = "dependency '" + failed_dependency + "' did not succeed";
      task.stopped_at = now;
    } else if (all_succeeded) {
      task.status = TaskStatus::kQueued;
      task.dependency_ids = std::move(dependency_ids);
    } else {
      continue;
    }
    changed = true;
    if (successor[i] < job.tasks.size()) pending.push_back(successor[i]);
  }
  return changed;
}

JobStatus DeriveStatus(const Job& job) {
  if (job.status == JobStatus::kCancelled) return JobStatus::kCancelled;
  bool any_active = false, any_failed = false, any_started = false;
  for (const Task& task : job.tasks) {
    if (!IsTerminal(task.status)) any_active = true;
    if (IsFailure(task.status)) any_failed = true;
    if (task.started_at != 0 || task.status == TaskStatus::kRunning ||
        task.status == TaskStatus::kSucceeded || task.status == TaskStatus::kFailed) {
      any_started = true;
    }
  }
  if (any_active) return any_started ? JobStatus::kRunning : JobStatus::kQueued;
  return any_failed ? JobStatus::kFailed : JobStatus::kSucceeded;
}

// Why a failed job failed: the first state whose task failed (in the workflow's order) and its
// reason, e.g. "state 'second-state' failed: exit code 3".
std::string FailureReason(const Job& job) {
  for (const Task& task : job.tasks) {
    if (task.status != TaskStatus::kFailed) continue;
    std::string why = task.status_reason;
    if (why.empty() && task.exit_code) why = "exit code " + std::to_string(*task.exit_code);
    return "state '" + task.state + "' failed" + (why.empty() ? "" : ": " + why);
  }
  return "a state failed";
}

}  // namespace

Job NewJob(const Workflow& workflow, std::string id, std::string data_json, TimestampMs now) {
  Job job;
  job.id = std::move(id);
  job.workflow = workflow;
  job.data_json = std::move(data_json);
  job.status = JobStatus::kQueued;
  job.created_at = now;
  for (const State& state : workflow.states) {
    Task task;
    task.state = state.name;
    task.status =
        state.name == workflow.start_at ? TaskStatus::kQueued : TaskStatus::kWaitingForDeps;
    task.created_at = now;
    job.tasks.push_back(std::move(task));
  }
  return job;
}

std::string TaskAttemptName(const Job& job, const Task& task) {
  size_t index = &task - job.tasks.data();
  return job.id + "-" + std::to_string(index) + "-" + std::to_string(task.attempt);
}

Environment TaskEnvironment(const Job& job, const Task& task) {
  std::string dependencies;
  for (const auto& id : task.dependency_ids) {
    dependencies += (dependencies.empty() ? "" : ",") + id;
  }
  return {
      {"_BATCH_START", job.data_json.empty() ? "[]" : job.data_json},
      {"_BATCH_DEPENDENCIES", dependencies},
      {"WORKFLOW_MANAGER_JOB_ID", job.id},
      {"WORKFLOW_MANAGER_WORKFLOW", job.workflow.name},
      {"WORKFLOW_MANAGER_WORKFLOW_REVISION", std::to_string(job.workflow.revision)},
      {"WORKFLOW_MANAGER_STATE", task.state},
      {"WORKFLOW_MANAGER_ATTEMPT", std::to_string(task.attempt)},
  };
}

bool AwaitsStop(const Task& task) {
  return task.status == TaskStatus::kAbortedByUser && !task.id.empty() && task.stopped_at == 0;
}

bool HasTasksAwaitingStop(const Job& job) {
  for (const Task& task : job.tasks) {
    if (AwaitsStop(task)) return true;
  }
  return false;
}

bool ApplyObservation(Task& task, const TaskObservation& seen, TimestampMs now) {
  Task before = task;
  if (task.id.empty()) task.id = seen.id;
  if (!seen.new_id.empty()) task.id = seen.new_id;
  if (!seen.container.empty()) task.container = seen.container;
  if (!seen.job_definition.empty()) task.job_definition = seen.job_definition;
  if (seen.started_at != 0 && task.started_at == 0) task.started_at = seen.started_at;
  if (IsTerminal(seen.status)) {
    if (task.stopped_at == 0 || !IsTerminal(task.status)) {
      task.stopped_at = seen.stopped_at != 0 ? seen.stopped_at : now;
    }
    if (seen.exit_code) task.exit_code = seen.exit_code;
  }
  if (!IsTerminal(task.status)) {
    // A new status brings its own reason (maybe none); the same status keeps one it had.
    if (!seen.status_reason.empty() || seen.status != task.status) {
      task.status_reason = seen.status_reason;
    }
    task.status = seen.status;
  }
  return task.status != before.status || task.status_reason != before.status_reason ||
         task.container != before.container || task.job_definition != before.job_definition ||
         task.started_at != before.started_at ||
         task.stopped_at != before.stopped_at || task.exit_code != before.exit_code ||
         task.id != before.id;
}

bool ApplyCancel(Job& job, const std::string& reason, TimestampMs now) {
  if (IsTerminal(job.status)) return false;
  std::string why = reason.empty() ? "cancelled by user" : reason;
  for (Task& task : job.tasks) {
    if (IsTerminal(task.status)) continue;
    task.status = TaskStatus::kAbortedByUser;
    task.status_reason = why;
    if (!task.submit_intent) {  // never asked of an executor: over now
      task.stopped_at = now;
    } else if (task.id.empty()) {  // maybe started a moment ago: watched by its attempt's name
      task.id = TaskAttemptName(job, task);
    }
  }
  job.status = JobStatus::kCancelled;
  job.status_reason = why;
  job.stopped_at = now;
  return true;
}

void FailSubmission(Task& task, const std::string& message, TimestampMs now) {
  task.status = TaskStatus::kFailed;
  task.status_reason = "submission failed: " + message;
  task.stopped_at = now;
}

bool Advance(Job& job, TimestampMs now, SideEffects* effects) {
  bool changed = false;
  if (job.status != JobStatus::kCancelled) {
    changed |= ResolveDependencies(job, now);
    for (Task& task : job.tasks) {
      if (task.status == TaskStatus::kQueued && !task.submit_intent) {
        task.submit_intent = true;
        task.attempt += 1;
        changed = true;
      }
    }
  }
  for (const Task& task : job.tasks) {
    if (task.submit_intent && !IsTerminal(task.status)) {
      effects->submit_states.push_back(task.state);
    }
    if (AwaitsStop(task)) effects->terminate_ids.push_back(task.id);
  }
  JobStatus status = DeriveStatus(job);
  if (status != job.status) {
    job.status = status;
    if (status == JobStatus::kFailed) job.status_reason = FailureReason(job);
    changed = true;
  }
  TimestampMs first_start = 0;
  for (const Task& task : job.tasks) {
    if (task.started_at != 0 && (first_start == 0 || task.started_at < first_start)) {
      first_start = task.started_at;
    }
  }
  if (first_start != 0 && job.started_at == 0) {
    job.started_at = first_start;
    changed = true;
  }
  if (IsTerminal(job.status) && job.stopped_at == 0) {
    job.stopped_at = now;
    changed = true;
  }
  return changed;
}

}  // namespace wfm
