#include "executor/noop/noop_executor.h"

namespace wfm {

Result<std::string> NoopExecutor::Submit(const TaskSpec& spec) {
  notifier_.Notify({spec.name});
  return spec.name;
}

std::vector<TaskObservation> NoopExecutor::Describe(const std::vector<std::string>& ids) {
  TimestampMs now = clock_.Now();
  std::vector<TaskObservation> seen;
  seen.reserve(ids.size());
  for (const auto& id : ids) {
    TaskObservation observation;
    observation.id = id;
    observation.status = TaskStatus::kSucceeded;
    observation.exit_code = 0;
    observation.started_at = now;
    observation.stopped_at = now;
    seen.push_back(std::move(observation));
  }
  return seen;
}

std::vector<std::string> NoopExecutor::Terminate(const std::vector<std::string>& ids,
                                                 const std::string&) {
  return ids;
}

void NoopExecutor::SetChangeListener(
    std::function<void(const std::vector<std::string>&)> listener) {
  notifier_.Set(std::move(listener));
}

}  // namespace wfm
