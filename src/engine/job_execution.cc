#include "engine/job_execution.h"

#include <charconv>
#include <string_view>
#include <nlohmann/json.hpp>

#include "engine/job_rules.h"

namespace wfm {

namespace {
constexpr std::string_view kJobKeyPrefix = "job:";
}  // namespace

std::string JobExecutionKey(const std::string& job_id) {
  return std::string(kJobKeyPrefix) + job_id;
}

std::string JobIdOfExecutionKey(const std::string& key) {
  if (key.size() <= kJobKeyPrefix.size() || key.compare(0, kJobKeyPrefix.size(), kJobKeyPrefix))
    return "";
  return key.substr(kJobKeyPrefix.size());
}

std::string JobExecutionParent(const std::string& workflow_name) {
  return "workflow:" + workflow_name;
}

namespace {

// A v1 state's name in the state machine: its own when the States Language allows it (at most 80
// characters), else "#<index>" (v1 names of that form are renamed too, so none collide).
std::string MachineStateName(const std::string& name, size_t index) {
  bool usable = !name.empty() && name.size() <= 80 && name[0] != '#';
  return usable ? name : "#" + std::to_string(index);
}

}  // namespace

std::string JobStateMachine(const Job& job) {
  const std::vector<State>& states = job.workflow.states;
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < states.size(); ++i) index_of.emplace(states[i].name, i);
  auto machine_name = [&](const std::string& name) {
    auto index = index_of.find(name);
    return index == index_of.end() ? name : MachineStateName(name, index->second);
  };
  // The chain from the start state: the first task not yet succeeded is where the run begins.
  std::string start_at = job.workflow.start_at;
  for (size_t steps = 0; steps < states.size(); ++steps) {
    const Task* task = job.FindTask(start_at);
    const State* state = job.workflow.FindState(start_at);
    if (!task || !state || task->status != TaskStatus::kSucceeded || state->end) break;
    start_at = state->next;
  }
  // The states from there to the end (the ones before it would be unreachable).
  nlohmann::ordered_json machine_states = nlohmann::ordered_json::object();
  std::string name = start_at;
  for (size_t steps = 0; steps < states.size(); ++steps) {
    auto index = index_of.find(name);
    if (index == index_of.end()) break;
    const State& state = states[index->second];
    nlohmann::ordered_json task = {
        {"Type", "Task"}, {"Resource", state.resource}, {"ResultPath", nullptr}};
    if (state.end) {
      task["End"] = true;
    } else {
      task["Next"] = machine_name(state.next);
    }
    machine_states[MachineStateName(state.name, index->second)] = std::move(task);
    if (state.end) break;
    name = state.next;
  }
  return nlohmann::ordered_json{{"StartAt", machine_name(start_at)},
                                {"States", std::move(machine_states)}}
      .dump();
}

std::map<std::string, int64_t> JobStateIndexes(const Job& job) {
  std::map<std::string, int64_t> indexes;
  for (size_t i = 0; i < job.tasks.size(); ++i) {
    indexes.emplace(MachineStateName(job.tasks[i].state, i), static_cast<int64_t>(i));
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
