// An Executor that counts the calls it passes on to another one (wfm_executor_calls_total by
// executor, operation and outcome, and their latency) and follows the tasks it was told about
// (waiting or running as last described, and their ends), for GET /metrics. Changes nothing of
// what the calls do.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "core/metrics.h"
#include "executor/executor.h"

namespace wfm {

// Tasks an executor holds, as last seen through a MeteredExecutor.
struct ActiveTaskCounts {
  size_t waiting = 0;  // submitted or adopted, not yet seen running
  size_t running = 0;
};

class MeteredExecutor : public Executor {
 public:
  // `inner` must outlive this; `metrics` holds the families of core/service_metrics.h;
  // `executor_name` is the executor label of every sample (local, batch, ...).
  MeteredExecutor(Executor& inner, Metrics& metrics, std::string executor_name);

  Result<std::string> Submit(const TaskSpec& spec) override;
  std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) override;
  std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                     const std::string& reason) override;
  size_t MaxDataBytes() const override { return inner_.MaxDataBytes(); }
  void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) override {
    inner_.SetChangeListener(std::move(listener));
  }
  Status Health() const override { return inner_.Health(); }
  Result<nlohmann::json> ListJobDefinitions() const override {
    return inner_.ListJobDefinitions();
  }
  Status CheckResource(const std::string& resource) override {
    return inner_.CheckResource(resource);
  }

  // The tasks submitted or described and not yet seen ending, by their last status. Thread-safe.
  ActiveTaskCounts ActiveTasks() const;
  // Samples of wfm_tasks_active for this executor (for a collector of `metrics`). Thread-safe.
  std::vector<MetricSample> ActiveTaskSamples() const;

 private:
  // Counts one call of `operation` that ended with `outcome`, begun at `start`.
  void Count(const char* operation, const char* outcome,
             std::chrono::steady_clock::time_point start);
  // Takes what `observations` say of the tasks: their status now, their ends (counted once).
  void Follow(const std::vector<TaskObservation>& observations);

  Executor& inner_;
  Metrics& metrics_;
  const std::string name_;
  mutable std::mutex tasks_mu_;
  std::unordered_map<std::string, TaskStatus> active_;  // by executor id: kQueued or kRunning
};

}  // namespace wfm
