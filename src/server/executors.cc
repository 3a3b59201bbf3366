#include "server/executors.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/metrics.h"
#include "executor/batch/batch_executor.h"
#include "executor/local/local_executor.h"
#include "executor/noop/noop_executor.h"
#include "executor/slurm/slurm_cli_client.h"
#include "executor/slurm/slurm_executor.h"
#include "executor/slurm/slurm_rest_client.h"

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

// The JWT for slurmrestd: the file's content (trimmed), else SLURM_JWT. Errors: kInvalidArgument.
Result<std::string> SlurmToken(const Config& config) {
  if (config.slurm_token_file.empty()) {
    const char* token = std::getenv("SLURM_JWT");
    if (token == nullptr || *token == '\0') {
      return Invalid("--slurm-url needs a token: --slurm-token-file or SLURM_JWT");
    }
    return std::string(token);
  }
  std::ifstream in(config.slurm_token_file);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    return Invalid("can't read --slurm-token-file '" + config.slurm_token_file + "'");
  }
  std::string token = text.str();
  token.erase(token.find_last_not_of(" \t\r\n") + 1);
  if (token.rfind("SLURM_JWT=", 0) == 0) token.erase(0, 10);  // as `scontrol token` prints it
  if (token.empty()) return Invalid("--slurm-token-file '" + config.slurm_token_file + "' is empty");
  return token;
}

// The name of the user this process runs as ("" when unknown).
std::string ProcessUserName() {
  const passwd* entry = getpwuid(geteuid());
  return entry == nullptr ? "" : entry->pw_name;
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

Result<ExecutorSetup> MakeSlurmExecutor(const Config& config, Clock& clock) {
  if (config.slurm_poll_interval_s <= 0 || config.slurm_timeout_s <= 0) {
    return Invalid("--slurm-poll-interval and --slurm-timeout must be positive");
  }
  auto definitions = JobDefinitions::Load(config.job_definitions);
  if (!definitions.ok()) return definitions.error();
  ExecutorSetup setup;
  std::unique_ptr<SlurmClient> client;
  SlurmRestClient* rest = nullptr;  // to renew its token on SIGHUP
  int timeout_ms = static_cast<int>(config.slurm_timeout_s * 1000);
  if (config.slurm_url.empty()) {
    SlurmCliOptions options;
    options.timeout_ms = timeout_ms;
    client = std::make_unique<SlurmCliClient>(options);
  } else {
    auto token = SlurmToken(config);
    if (!token.ok()) return token.error();
    if (config.slurm_api_version != "v0.0.38" && config.slurm_api_version != "v0.0.37" &&
        config.slurm_api_version != "v0.0.36") {
      return Invalid("--slurm-api-version must be v0.0.38, v0.0.37 or v0.0.36");
    }
    setup.http = std::make_unique<CurlHttpClient>();
    SlurmRestOptions options;
    options.url = config.slurm_url;
    options.user_name = config.slurm_user.empty() ? ProcessUserName() : config.slurm_user;
    options.token = token.value();
    options.api_version = config.slurm_api_version;
    options.timeout_ms = timeout_ms;
    auto rest_client = std::make_unique<SlurmRestClient>(*setup.http, options);
    rest = rest_client.get();
    client = std::move(rest_client);
  }
  SlurmExecutorOptions options;
  std::string work_dir = config.slurm_work_dir.empty()
                             ? (fs::path(config.data_dir) / "slurm").string()
                             : config.slurm_work_dir;
  options.scheduler.work_dir = fs::absolute(work_dir).lexically_normal().string();
  options.scheduler.jobcomp_file = config.slurm_jobcomp_file;
  options.scheduler.env_pass = config.task_env_pass;
  options.queue.poll_interval_ms = static_cast<int64_t>(config.slurm_poll_interval_s * 1000);
  std::error_code error;
  fs::create_directories(options.scheduler.work_dir, error);
  if (error) {
    return Invalid("can't create the Slurm work directory '" + options.scheduler.work_dir +
                   "': " + error.message());
  }
  std::string description = client->Description();
  auto slurm = std::make_unique<SlurmExecutor>(std::move(client), std::move(definitions.value()),
                                               clock, std::move(options));
  SlurmExecutor* raw = slurm.get();
  setup.executor = std::move(slurm);
  setup.log_reader = [raw](const std::string& id) { return raw->ReadLog(id, kMaxLogBytes); };
  setup.description = "Slurm, " + description;
  setup.reload_job_definitions = [raw, rest, config]() -> Status {
    auto definitions = JobDefinitions::Load(config.job_definitions);
    if (!definitions.ok()) return definitions.error();
    if (rest != nullptr && !config.slurm_token_file.empty()) {
      auto token = SlurmToken(config);
      if (!token.ok()) return token.error();
      rest->SetToken(token.value());
    }
    raw->ReplaceJobDefinitions(std::move(definitions.value()));
    return OkStatus();
  };
  return setup;
}

}  // namespace wfm
