// An Executor that counts the calls it passes on to another one (wfm_executor_calls_total by
// operation and outcome, and their latency), for GET /metrics. Changes nothing of what they do.
#pragma once

#include "core/metrics.h"
#include "executor/executor.h"

namespace wfm {

class MeteredExecutor : public Executor {
 public:
  // `inner` must outlive this; `metrics` holds the families of core/service_metrics.h.
  MeteredExecutor(Executor& inner, Metrics& metrics);

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

 private:
  // Counts one call of `operation` that ended with `outcome`, begun at `start`.
  void Count(const char* operation, const char* outcome,
             std::chrono::steady_clock::time_point start);

  Executor& inner_;
  Metrics& metrics_;
};

}  // namespace wfm
