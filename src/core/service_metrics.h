// The names of the service's metrics (one place, so that code and documentation agree) and their
// declaration in a registry.
#pragma once

#include "core/metrics.h"

namespace wfm::metric {

// HTTP: labels route (a template such as /jobs/{id}, or sfn:<Operation>), method, status.
inline constexpr const char* kHttpRequests = "wfm_http_requests_total";
inline constexpr const char* kHttpSeconds = "wfm_http_request_duration_seconds";  // route, method
// Jobs (v1) started, by workflow; jobs and executions finished, by kind (job, execution),
// workflow or state machine name, and status.
inline constexpr const char* kJobsStarted = "wfm_jobs_started_total";
// Step Functions executions started (a repeated idempotent start is not counted), by state machine.
inline constexpr const char* kExecutionsStarted = "wfm_executions_started_total";
inline constexpr const char* kFinished = "wfm_executions_finished_total";
// Executor calls: labels executor (local, batch, ...), operation (submit, describe, terminate),
// outcome (ok, invalid, unavailable, partial); their latency by executor and operation.
inline constexpr const char* kExecutorCalls = "wfm_executor_calls_total";
inline constexpr const char* kExecutorSeconds = "wfm_executor_call_duration_seconds";
// Tasks the executors hold, as last described: labels executor, status (waiting: submitted, not
// yet running; running). Tasks ended, by executor and status (succeeded, failed).
inline constexpr const char* kTasksActive = "wfm_tasks_active";
inline constexpr const char* kTasksEnded = "wfm_tasks_ended_total";
// Requests sent to AWS Batch (each attempt of a call): labels operation (SubmitJob, ...), outcome
// (ok, throttled, server_error, client_error, unreachable).
inline constexpr const char* kAwsBatchRequests = "wfm_aws_batch_requests_total";
// Store commits: latency by store (sqlite, postgresql).
inline constexpr const char* kStoreCommitSeconds = "wfm_store_commit_duration_seconds";
// The engine (gauges and counters read from it at each scrape).
inline constexpr const char* kEngineRounds = "wfm_engine_rounds_total";
inline constexpr const char* kEngineCommits = "wfm_engine_commits_total";
inline constexpr const char* kTransitions = "wfm_engine_executions_written_total";
inline constexpr const char* kInMemory = "wfm_engine_executions_in_memory";
inline constexpr const char* kDormant = "wfm_engine_executions_dormant";
inline constexpr const char* kRoundSeconds = "wfm_engine_round_duration_seconds";
// Always 1, with labels version and executor.
inline constexpr const char* kBuildInfo = "wfm_build_info";

// Declares every family above in `metrics`.
void DeclareServiceMetrics(Metrics& metrics);

}  // namespace wfm::metric
