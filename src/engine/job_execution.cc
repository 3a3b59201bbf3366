#include "engine/job_execution.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "engine/job_rules.h"

namespace wfm {

std::string JobExecutionKey(const std::string& job_id) { return "job:" + job_id; }

std::string JobExecutionParent(const std::string& workflow_name) {
  return "workflow:" + workflow_name;
}

std::string JobStateMachine(const Job& job) {
  // The chain from the start state: the first task not yet succeeded is where the run begins.
  std::string start_at = job.workflow.start_at;
  for (size_t steps = 0; steps < job.workflow.states.size(); ++steps) {
    const Task* task = job.FindTask(start_at);
    const State* state = job.workflow.FindState(start_at);
    if (!task || !state || task->status != TaskStatus::kSucceeded || state->end) break;
    start_at = state->next;
  }
  nlohmann::ordered_json states = nlohmann::ordered_json::object();
  for (const State& state : job.workflow.states) {
    nlohmann::ordered_json task = {
        {"Type", "Task"}, {"Resource", state.resource}, {"ResultPath", nullptr}};
    if (state.end) {
      task["End"] = true;
    } else {
      task["Next"] = state.next;
    }
    states[state.name] = std::move(task);
  }
  return nlohmann::ordered_json{{"StartAt", start_at}, {"States", std::move(states)}}.dump();
}

std::map<std::string, int64_t> JobStateIndexes(const Job& job) {
  std::map<std::string, int64_t> indexes;
  for (size_t i = 0; i < job.tasks.size(); ++i) {
    indexes.emplace(job.tasks[i].state, static_cast<int64_t>(i));
  }
  return indexes;
}

Task* TaskOfAttempt(Job& job, const std::string& attempt) {
  std::string prefix = job.id + "-";
  if (attempt.compare(0, prefix.size(), prefix) != 0) return nullptr;
  size_t index = 0;
  const char* begin = attempt.data() + prefix.size();
  auto parsed = std::from_chars(begin, attempt.data() + attempt.size(), index);
  if (parsed.ec != std::errc() || index >= job.tasks.size()) return nullptr;
  Task& task = job.tasks[index];
  return TaskAttemptName(job, task) == attempt ? &task : nullptr;
}

TaskSpec JobTaskSpec(const Job& job, const Task& task, const std::string& known_id) {
  const State* state = job.workflow.FindState(task.state);
  TaskSpec spec;
  spec.name = TaskAttemptName(job, task);
  spec.known_id = known_id;
  spec.resource = state ? state->resource : "";
  spec.environment = TaskEnvironment(job, task);
  return spec;
}

bool EndJobWithExecution(Job& job, const std::string& why, TimestampMs now) {
  if (IsTerminal(job.status)) return false;
  bool changed = false;
  for (Task& task : job.tasks) {
    if (IsTerminal(task.status)) continue;
    task.status = TaskStatus::kFailed;
    task.status_reason = why;
    if (task.stopped_at == 0) task.stopped_at = now;
    changed = true;
  }
  SideEffects ignored;
  Advance(job, now, &ignored);
  return changed;
}

}  // namespace wfm
