#include "core/service_metrics.h"

namespace wfm::metric {

void DeclareServiceMetrics(Metrics& m) {
  auto latency = Metrics::LatencyBuckets();
  m.Declare(kHttpRequests, MetricType::kCounter, "HTTP requests answered, by route and status.");
  m.Declare(kHttpSeconds, MetricType::kHistogram, "Time to answer HTTP requests, in seconds.",
            latency);
  m.Declare(kJobsStarted, MetricType::kCounter, "Jobs started, by workflow.");
  m.Declare(kExecutionsStarted, MetricType::kCounter,
            "Step Functions executions started, by state machine.");
  m.Declare(kFinished, MetricType::kCounter,
            "Jobs and executions that ended, by kind, workflow or state machine, and status.");
  m.Declare(kExecutorCalls, MetricType::kCounter,
            "Calls to the executors, by executor, operation and outcome.");
  m.Declare(kExecutorSeconds, MetricType::kHistogram,
            "Time of calls to the executors, in seconds.", latency);
  m.Declare(kTasksActive, MetricType::kGauge,
            "Tasks an executor holds, by executor and status as last seen (waiting, running).");
  m.Declare(kTasksEnded, MetricType::kCounter,
            "Tasks seen ending, by executor and status (succeeded, failed).");
  m.Declare(kAwsBatchRequests, MetricType::kCounter,
            "Requests sent to AWS Batch (each attempt), by operation and outcome (ok, throttled, "
            "server_error, client_error, unreachable).");
  m.Declare(kStoreCommitSeconds, MetricType::kHistogram,
            "Time of store write transactions (fsync included when durable), in seconds.",
            latency);
  m.Declare(kEngineRounds, MetricType::kCounter, "Rounds of the engine.");
  m.Declare(kEngineCommits, MetricType::kCounter, "Store commits of the engine's rounds.");
  m.Declare(kTransitions, MetricType::kCounter,
            "Execution changes (state transitions, task updates) the engine stored.");
  m.Declare(kInMemory, MetricType::kGauge, "Executions (jobs too) the engine holds.");
  m.Declare(kDormant, MetricType::kGauge, "Executions held small while they wait.");
  m.Declare(kRoundSeconds, MetricType::kHistogram, "Time of the engine's rounds, in seconds.",
            latency);
  m.Declare(kBuildInfo, MetricType::kGauge, "Build information (always 1).");
}

}  // namespace wfm::metric
