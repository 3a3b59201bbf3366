#include "executor/fake/fake_executor.h"

namespace wfm {

Result<std::string> FakeExecutor::Submit(const TaskSpec& spec) {
  {
    std::lock_guard lock(mu_);
    ++submit_counts_[spec.name];
    auto failing = failing_resources_.find(spec.resource);
    if (failing != failing_resources_.end()) {
      Error error = failing->second;
      failing_resources_.erase(failing);
      return error;
    }
    if (tasks_.count(spec.name)) return spec.name;  // adopted: the same name was submitted before
    TaskObservation task;
    task.id = spec.name;
    auto script = scripts_.find(spec.resource);
    if (script != scripts_.end()) results_[spec.name] = script->second(spec);
    if (mode_ == Mode::kSucceedAtOnce) {
      FakeTaskResult result = results_[spec.name];
      results_.erase(spec.name);
      task.status = result.exit_code == 0 ? TaskStatus::kSucceeded : TaskStatus::kFailed;
      task.exit_code = result.exit_code;
      if (result.exit_code != 0)
        task.status_reason = "exit code " + std::to_string(result.exit_code);
      task.output_json = std::move(result.output_json);
      task.description_json = std::move(result.description_json);
      task.started_at = task.stopped_at = clock_.Now();
    }
    tasks_[spec.name] = task;
    specs_.push_back(spec);
  }
  if (mode_ == Mode::kSucceedAtOnce) Notify(spec.name);
  return spec.name;
}

std::vector<TaskObservation> FakeExecutor::Describe(const std::vector<std::string>& ids) {
  std::lock_guard lock(mu_);
  std::vector<TaskObservation> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    ++describe_counts_[id];
    auto it = tasks_.find(id);
    if (it != tasks_.end()) {
      out.push_back(it->second);
    } else {
      TaskObservation lost;
      lost.id = id;
      lost.status = TaskStatus::kFailed;
      lost.status_reason = "task " + id + " is unknown to the executor";
      out.push_back(lost);
    }
  }
  return out;
}

std::vector<std::string> FakeExecutor::Terminate(const std::vector<std::string>& ids,
                                                 const std::string& reason) {
  std::vector<std::string> taken;
  for (const auto& id : ids) {
    {
      std::lock_guard lock(mu_);
      auto it = tasks_.find(id);
      if (it == tasks_.end() || refuse_terminates_) continue;  // it can't stop what it never saw
      terminated_.insert(id);
      taken.push_back(id);
      if (IsTerminal(it->second.status)) continue;
      it->second.status = TaskStatus::kFailed;
      it->second.status_reason = "terminated: " + reason;
      it->second.stopped_at = clock_.Now();
    }
    Notify(id);
  }
  return taken;
}

void FakeExecutor::RefuseTerminates(bool refuse) {
  std::lock_guard lock(mu_);
  refuse_terminates_ = refuse;
}

void FakeExecutor::SetChangeListener(
    std::function<void(const std::vector<std::string>&)> listener) {
  notifier_.Set(std::move(listener));
}

void FakeExecutor::Start(const std::string& id) {
  {
    std::lock_guard lock(mu_);
    auto& task = tasks_.at(id);
    task.status = TaskStatus::kRunning;
    task.started_at = clock_.Now();
    task.container = "fake-container-" + id;
  }
  Notify(id);
}

void FakeExecutor::ScriptResource(const std::string& resource,
                                  std::function<FakeTaskResult(const TaskSpec&)> script) {
  std::lock_guard lock(mu_);
  scripts_[resource] = std::move(script);
}

void FakeExecutor::Finish(const std::string& id, int exit_code, std::string output_json,
                          std::string description_json) {
  {
    std::lock_guard lock(mu_);
    auto& task = tasks_.at(id);
    auto scripted = results_.find(id);
    if (scripted != results_.end()) {
      if (output_json.empty()) output_json = std::move(scripted->second.output_json);
      if (description_json.empty()) description_json = std::move(scripted->second.description_json);
      results_.erase(scripted);
    }
    task.output_json = std::move(output_json);
    task.description_json = std::move(description_json);
    if (task.started_at == 0) task.started_at = clock_.Now();
    task.status = exit_code == 0 ? TaskStatus::kSucceeded : TaskStatus::kFailed;
    task.exit_code = exit_code;
    task.status_reason = exit_code == 0 ? "" : "exit code " + std::to_string(exit_code);
    task.stopped_at = clock_.Now();
  }
  Notify(id);
}

void FakeExecutor::Rename(const std::string& id, const std::string& new_id) {
  {
    std::lock_guard lock(mu_);
    TaskObservation renamed = tasks_.at(id);
    tasks_.at(id).new_id = new_id;
    renamed.id = new_id;
    tasks_[new_id] = renamed;
  }
  Notify(id);
}

void FakeExecutor::Forget(const std::string& id) {
  {
    std::lock_guard lock(mu_);
    tasks_.erase(id);
  }
  Notify(id);
}

void FakeExecutor::ForgetFinished() {
  std::lock_guard lock(mu_);
  std::erase_if(tasks_, [](const auto& entry) { return IsTerminal(entry.second.status); });
  std::erase_if(results_, [this](const auto& entry) { return !tasks_.count(entry.first); });
  submit_counts_.clear();
  describe_counts_.clear();
  specs_.clear();
  specs_.shrink_to_fit();
  terminated_.clear();
}

void FakeExecutor::FailSubmitsOf(const std::string& resource, Error error) {
  std::lock_guard lock(mu_);
  failing_resources_[resource] = std::move(error);
}

int FakeExecutor::SubmitCount(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = submit_counts_.find(name);
  return it == submit_counts_.end() ? 0 : it->second;
}

int FakeExecutor::DescribeCount(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = describe_counts_.find(id);
  return it == describe_counts_.end() ? 0 : it->second;
}

int FakeExecutor::Launches() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(specs_.size());
}

std::set<std::string> FakeExecutor::Terminated() const {
  std::lock_guard lock(mu_);
  return terminated_;
}

std::vector<TaskSpec> FakeExecutor::Specs() const {
  std::lock_guard lock(mu_);
  return specs_;
}

void FakeExecutor::Touch(const std::string& id) { Notify(id); }

void FakeExecutor::Notify(const std::string& id) { notifier_.Notify({id}); }

}  // namespace wfm
