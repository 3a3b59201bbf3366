#include "executor/metered_executor.h"

#include "core/service_metrics.h"

namespace wfm {

MeteredExecutor::MeteredExecutor(Executor& inner, Metrics& metrics, std::string executor_name)
    : inner_(inner), metrics_(metrics), name_(std::move(executor_name)) {}

void MeteredExecutor::Count(const char* operation, const char* outcome,
                            std::chrono::steady_clock::time_point start) {
  metrics_.Add(metric::kExecutorCalls,
               {{"executor", name_}, {"operation", operation}, {"outcome", outcome}});
  metrics_.Observe(
      metric::kExecutorSeconds, {{"executor", name_}, {"operation", operation}},
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

Result<std::string> MeteredExecutor::Submit(const TaskSpec& spec) {
  auto start = std::chrono::steady_clock::now();
  auto submitted = inner_.Submit(spec);
  const char* outcome = submitted.ok() ? "ok"
                        : submitted.error().code == ErrorCode::kInvalidArgument ? "invalid"
                                                                                 : "unavailable";
  Count("submit", outcome, start);
  if (submitted.ok()) {
    std::lock_guard lock(tasks_mu_);
    active_.try_emplace(submitted.value(), TaskStatus::kQueued);  // an adopted one keeps its status
  }
  return submitted;
}

std::vector<TaskObservation> MeteredExecutor::Describe(const std::vector<std::string>& ids) {
  auto start = std::chrono::steady_clock::now();
  auto observations = inner_.Describe(ids);
  Count("describe", "ok", start);
  Follow(observations);
  return observations;
}

void MeteredExecutor::Follow(const std::vector<TaskObservation>& observations) {
  size_t succeeded = 0, failed = 0;
  {
    std::lock_guard lock(tasks_mu_);
    for (const auto& seen : observations) {
      auto known = active_.find(seen.id);
      bool ended = seen.status == TaskStatus::kSucceeded || seen.status == TaskStatus::kFailed;
      if (known != active_.end()) active_.erase(known);
      if (!ended) {
        active_[seen.new_id.empty() ? seen.id : seen.new_id] = seen.status;
      } else if (known != active_.end()) {
        ++(seen.status == TaskStatus::kSucceeded ? succeeded : failed);
      }
    }
  }
  if (succeeded) metrics_.Add(metric::kTasksEnded, {{"executor", name_}, {"status", "succeeded"}}, succeeded);
  if (failed) metrics_.Add(metric::kTasksEnded, {{"executor", name_}, {"status", "failed"}}, failed);
}

std::vector<std::string> MeteredExecutor::Terminate(const std::vector<std::string>& ids,
                                                    const std::string& reason) {
  auto start = std::chrono::steady_clock::now();
  auto taken = inner_.Terminate(ids, reason);
  Count("terminate", taken.size() == ids.size() ? "ok" : "partial", start);
  return taken;
}

ActiveTaskCounts MeteredExecutor::ActiveTasks() const {
  ActiveTaskCounts counts;
  std::lock_guard lock(tasks_mu_);
  for (const auto& [id, status] : active_) ++(status == TaskStatus::kRunning ? counts.running : counts.waiting);
  return counts;
}

std::vector<MetricSample> MeteredExecutor::ActiveTaskSamples() const {
  ActiveTaskCounts counts = ActiveTasks();
  return {{metric::kTasksActive, {{"executor", name_}, {"status", "waiting"}},
           static_cast<double>(counts.waiting)},
          {metric::kTasksActive, {{"executor", name_}, {"status", "running"}},
           static_cast<double>(counts.running)}};
}

}  // namespace wfm
