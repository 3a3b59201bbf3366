#include "server/executors.h"

#include <cstdlib>
#include <filesystem>

#include "core/metrics.h"
#include "executor/batch/batch_executor.h"
#include "executor/local/local_executor.h"
#include "executor/noop/noop_executor.h"

namespace wfm {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxLogBytes = 4 << 20;

std::string RunnerPath() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / "wfm-task-runner").string();
}

Error Invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

}  // namespace

Result<ExecutorSetup> MakeLocalExecutor(const Config& config, Clock& clock) {
  auto definitions = JobDefinitions::Load(config.job_definitions);
  if (!definitions.ok()) return definitions.error();
  LocalExecutorOptions options{(fs::path(config.data_dir) / "tasks").string(), RunnerPath(),
                               config.max_parallel, 10, config.task_env_pass};
  auto local = LocalExecutor::Create(options, std::move(definitions.value()), clock);
  if (!local.ok()) return local.error();
  ExecutorSetup setup;
  LocalExecutor* raw = local.value().get();
  setup.executor = std::move(local.value());
  setup.log_reader = [raw](const std::string& id) { return raw->ReadLog(id, kMaxLogBytes); };
  setup.description = "local, max parallel " + std::to_string(config.max_parallel);
  setup.reload_job_definitions = [raw, path = config.job_definitions]() -> Status {
    auto definitions = JobDefinitions::Load(path);
    if (!definitions.ok()) return definitions.error();
    raw->ReplaceJobDefinitions(std::move(definitions.value()));
    return OkStatus();
  };
  return setup;
}

Result<ExecutorSetup> MakeNoopExecutor(Clock& clock) {
  ExecutorSetup setup;
  setup.executor = std::make_unique<NoopExecutor>(clock);
  setup.description = "noop (nothing runs: every task succeeds at once)";
  return setup;
}

Result<ExecutorSetup> MakeBatchExecutor(const Config& config, Clock& clock) {
  if (config.batch_queue.empty()) return Invalid("--executor batch needs --batch-queue");
  std::string region = config.aws_region;
  for (const char* variable : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const char* value = std::getenv(variable);
    if (region.empty() && value != nullptr) region = value;
  }
  if (region.empty()) return Invalid("--executor batch needs --aws-region (or AWS_REGION)");
  if (config.batch_poll_interval_s <= 0 || config.batch_runnable_warning_s < 0 ||
      config.batch_submit_rate <= 0) {
    return Invalid(
        "--batch-poll-interval and --batch-submit-rate must be positive, "
        "--batch-runnable-warning not negative");
  }
  ExecutorSetup setup;
  setup.http = std::make_unique<CurlHttpClient>();
  setup.credentials =
      std::make_unique<DefaultCredentialsChain>(ProcessEnvironment(), *setup.http, clock);
  BatchClientOptions client_options;
  client_options.region = region;
  client_options.endpoint = config.batch_endpoint;
  client_options.submit_rate_per_second = config.batch_submit_rate;
  client_options.metrics = &Metrics::Global();
  setup.batch_client =
      std::make_unique<BatchClient>(*setup.http, *setup.credentials, clock, client_options);
  BatchExecutorOptions options;
  options.queue = config.batch_queue;
  options.poll_interval_ms = static_cast<int64_t>(config.batch_poll_interval_s * 1000);
  options.runnable_warning_ms = static_cast<int64_t>(config.batch_runnable_warning_s * 1000);
  setup.executor = std::make_unique<BatchExecutor>(*setup.batch_client, clock, options);
  setup.description = "AWS Batch, queue " + config.batch_queue + " in " + region;
  return setup;
}

}  // namespace wfm
