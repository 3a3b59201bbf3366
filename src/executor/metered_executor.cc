#include "executor/metered_executor.h"

#include "core/service_metrics.h"

namespace wfm {

MeteredExecutor::MeteredExecutor(Executor& inner, Metrics& metrics)
    : inner_(inner), metrics_(metrics) {}

void MeteredExecutor::Count(const char* operation, const char* outcome,
                            std::chrono::steady_clock::time_point start) {
  metrics_.Add(metric::kExecutorCalls, {{"operation", operation}, {"outcome", outcome}});
  metrics_.Observe(
      metric::kExecutorSeconds, {{"operation", operation}},
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

Result<std::string> MeteredExecutor::Submit(const TaskSpec& spec) {
  auto start = std::chrono::steady_clock::now();
  auto submitted = inner_.Submit(spec);
  const char* outcome = submitted.ok() ? "ok"
                        : submitted.error().code == ErrorCode::kInvalidArgument ? "invalid"
                                                                                 : "unavailable";
  Count("submit", outcome, start);
  return submitted;
}

std::vector<TaskObservation> MeteredExecutor::Describe(const std::vector<std::string>& ids) {
  auto start = std::chrono::steady_clock::now();
  auto observations = inner_.Describe(ids);
  Count("describe", "ok", start);
  return observations;
}

std::vector<std::string> MeteredExecutor::Terminate(const std::vector<std::string>& ids,
                                                    const std::string& reason) {
  auto start = std::chrono::steady_clock::now();
  auto taken = inner_.Terminate(ids, reason);
  Count("terminate", taken.size() == ids.size() ? "ok" : "partial", start);
  return taken;
}

}  // namespace wfm
