// workflow-manager: the service. The only place where concrete store, executor and server types
// are chosen, from flags and WFM_* environment variables.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <thread>

#include "api/api.h"
#include "api/auth.h"
#include "api/http_server.h"
#include "api/open_file_limit.h"
#include "core/logging.h"
#include "engine/execution_engine.h"
#include "server/admin_commands.h"
#include "server/config.h"
#include "server/executors.h"
#include "server/service_executors.h"
#include "core/service_metrics.h"
#include "server/embedded.h"
#include "server/tasks_directory.h"
#include "store/memory/memory_store.h"
#include "store/postgres/leader_lock.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using namespace wfm;

int Fail(const std::string& message) {
  fprintf(stderr, "workflow-manager: %s\n", message.c_str());
  return 2;
}

// "memory:", "sqlite:PATH" or a PostgreSQL URL; empty means sqlite under the data directory.
Result<std::unique_ptr<Store>> OpenStore(const Config& config) {
  std::string spec = config.store.empty()
                         ? "sqlite:" + (fs::path(config.data_dir) / "workflow-manager.db").string()
                         : config.store;
  if (spec == "memory:") return std::unique_ptr<Store>(new MemoryStore);
  if (IsPostgresUrl(spec)) {
    auto store = PostgresStore::Open(spec, config.durable);
    if (!store.ok()) return store.error();
    return std::unique_ptr<Store>(std::move(store.value()));
  }
  if (spec.rfind("sqlite:", 0) == 0 && spec.size() > 7) {
    std::string path = spec.substr(7);
    std::error_code ec;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    auto store = SqliteStore::Open(path, SqliteOptions{config.durable, ""});
    if (!store.ok()) return store.error();
    return std::unique_ptr<Store>(std::move(store.value()));
  }
  return Error{ErrorCode::kInvalidArgument,
               "unknown --store '" + spec +
                   "' (expected sqlite:PATH, memory: or postgresql://user@host:port/db)"};
}

// The API's limits from the flags; data is bounded by what the executor can give a task too.
ApiOptions MakeApiOptions(const Config& config, Executor& executor) {
  ApiOptions options;
  options.limits.max_json_depth = config.max_json_depth;
  options.limits.max_states = config.max_states;
  options.limits.max_data_bytes = std::min(config.max_data_bytes, executor.MaxDataBytes());
  options.check_resource = [&executor](const std::string& resource) {
    return executor.CheckResource(resource);
  };
  options.executor_health = [&executor] { return executor.Health(); };
  options.job_definitions = [&executor] { return executor.ListJobDefinitions(); };
  options.region = config.sfn_region;
  options.account_id = config.sfn_account_id;
  options.ui = config.ui_dir.empty() ? std::make_shared<const StaticFiles>(kUiFiles)
                                     : std::make_shared<const StaticFiles>(config.ui_dir);
  return options;
}

std::chrono::milliseconds Milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  CLI::App app{"workflow-manager: runs multi-step workflows of batch jobs"};
  app.add_option("--listen", config.listen, "HOST:PORT to serve the API on")
      ->envname("WFM_LISTEN")
      ->capture_default_str();
  app.add_option("--data-dir", config.data_dir, "where the SQLite file and task logs live")
      ->envname("WFM_DATA_DIR")
      ->capture_default_str();
  app.add_option("--store", config.store,
                 "sqlite:PATH, memory: or postgresql://user@host:port/db "
                 "(default: sqlite:<data-dir>/workflow-manager.db)")
      ->envname("WFM_STORE");
  app.add_option_function<std::string>(
         "--durability",
         [&config](const std::string& mode) { config.durable = mode == "strict"; },
         "strict (default): an answer means the change is on disk (fsynced; group-committed); "
         "relaxed: it survives a crash of the service but the last moments before a power loss "
         "or an OS crash may be lost")
      ->envname("WFM_DURABILITY")
      ->check(CLI::IsMember({"strict", "relaxed"}));
  app.add_option("--leader-check-interval", config.leader_check_ms,
                 "PostgreSQL replicas: milliseconds between checks of who advances jobs")
      ->envname("WFM_LEADER_CHECK_INTERVAL")
      ->capture_default_str()
      ->check(CLI::Range(10, 60000));
  app.add_option("--executor", config.executor,
                 "where tasks run: local, batch, slurm, or noop (nothing runs: every task "
                 "succeeds at once)")
      ->envname("WFM_EXECUTOR")
      ->capture_default_str();
  app.add_option("--job-definitions", config.job_definitions,
                 "job definitions of the local and Slurm executors (JSON)")
      ->envname("WFM_JOB_DEFINITIONS")
      ->capture_default_str();
  app.add_option("--ui-dir", config.ui_dir,
                 "serve the web UI from this directory instead of the embedded files")
      ->envname("WFM_UI_DIR")
      ->check(CLI::ExistingDirectory);
  app.add_option("--max-parallel", config.max_parallel, "local tasks running at once")
      ->envname("WFM_MAX_PARALLEL")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--task-env-pass", config.task_env_pass,
                 "a variable of the service's environment local tasks get too (repeatable; "
                 "besides PATH, HOME, LANG, TZ)")
      ->envname("WFM_TASK_ENV_PASS")
      ->delimiter(',');
  app.add_option("--batch-queue", config.batch_queue, "AWS Batch job queue (--executor batch)")
      ->envname("WFM_BATCH_QUEUE");
  app.add_option("--aws-region", config.aws_region, "AWS region (default: AWS_REGION)")
      ->envname("WFM_AWS_REGION");
  app.add_option("--region", config.sfn_region,
                 "the region in the ARNs of the Step Functions API (state machines, executions)")
      ->envname("WFM_REGION")
      ->capture_default_str()
      ->check([](const std::string& region) -> std::string {
        bool ok =
            !region.empty() &&
            region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
        return ok ? "" : "a region is lower-case letters, digits and '-'";
      });
  app.add_option("--wait-time-scale", config.wait_time_scale,
                 "multiplies Wait states and Retry intervals of state machines; 0 skips them "
                 "(a testing aid for your CI; timeouts are not scaled)")
      ->envname("WFM_WAIT_TIME_SCALE")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  app.add_option("--max-resident-executions", config.max_resident_executions,
                 "running jobs and executions held whole in memory; beyond it, those waiting are "
                 "held small and read from the store again when something happens to them")
      ->envname("WFM_MAX_RESIDENT_EXECUTIONS")
      ->check([](const std::string& value) -> std::string {
        bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos &&
                      (value == "0" || value[0] != '0');
        return digits ? "" : "a number of executions: decimal digits, no leading zero";
      })
      ->check(CLI::Range(size_t{0}, size_t{100000000}))
      ->capture_default_str();
  app.add_option("--account-id", config.sfn_account_id,
                 "the account in the ARNs of the Step Functions API")
      ->envname("WFM_ACCOUNT_ID")
      ->capture_default_str()
      ->check([](const std::string& account) -> std::string {
        bool ok =
            account.size() == 12 && account.find_first_not_of("0123456789") == std::string::npos;
        return ok ? "" : "an account id is 12 digits";
      });
  app.add_option("--batch-endpoint", config.batch_endpoint,
                 "AWS Batch endpoint URL (default: the region's public endpoint)")
      ->envname("WFM_BATCH_ENDPOINT");
  app.add_option("--batch-poll-interval", config.batch_poll_interval_s,
                 "seconds between two DescribeJobs sweeps of the active tasks")
      ->envname("WFM_BATCH_POLL_INTERVAL")
      ->capture_default_str();
  app.add_option("--batch-runnable-warning", config.batch_runnable_warning_s,
                 "seconds a task may stay RUNNABLE before its statusReason says why")
      ->envname("WFM_BATCH_RUNNABLE_WARNING")
      ->capture_default_str();
  app.add_option("--batch-submit-rate", config.batch_submit_rate,
                 "SubmitJob calls per second at most (AWS Batch allows 50 per account)")
      ->envname("WFM_BATCH_SUBMIT_RATE")
      ->capture_default_str();
  app.add_option("--slurm-url", config.slurm_url,
                 "slurmrestd's URL (--executor slurm); without it, sbatch, squeue and scancel "
                 "(configured by SLURM_CONF)")
      ->envname("WFM_SLURM_URL");
  app.add_option("--slurm-token-file", config.slurm_token_file,
                 "a file holding slurmrestd's JWT (default: SLURM_JWT), read again on SIGHUP")
      ->envname("WFM_SLURM_TOKEN_FILE");
  app.add_option("--slurm-user", config.slurm_user,
                 "the user slurmrestd runs jobs as (default: the service's user)")
      ->envname("WFM_SLURM_USER");
  app.add_option("--slurm-api-version", config.slurm_api_version,
                 "slurmrestd's API: v0.0.38, v0.0.37 or v0.0.36")
      ->envname("WFM_SLURM_API_VERSION")
      ->capture_default_str();
  app.add_option("--slurm-work-dir", config.slurm_work_dir,
                 "where Slurm jobs write their output and exit status, visible at the same path "
                 "on the compute nodes (default: <data-dir>/slurm)")
      ->envname("WFM_SLURM_WORK_DIR");
  app.add_option("--slurm-jobcomp-file", config.slurm_jobcomp_file,
                 "Slurm's jobcomp/filetxt file, when readable here: outcomes of jobs Slurm forgot")
      ->envname("WFM_SLURM_JOBCOMP_FILE");
  app.add_option("--slurm-poll-interval", config.slurm_poll_interval_s,
                 "seconds between status queries of the active Slurm jobs")
      ->envname("WFM_SLURM_POLL_INTERVAL")
      ->capture_default_str();
  app.add_option("--slurm-timeout", config.slurm_timeout_s, "seconds a call to Slurm may take")
      ->envname("WFM_SLURM_TIMEOUT")
      ->capture_default_str();
  app.add_option("--max-json-depth", config.max_json_depth,
                 "arrays and objects nested in a request body, at most")
      ->envname("WFM_MAX_JSON_DEPTH")
      ->capture_default_str()
      ->check(CLI::Range(2, 1000));
  app.add_option("--max-states", config.max_states, "states in one workflow, at most")
      ->envname("WFM_MAX_STATES")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--max-data-bytes", config.max_data_bytes,
                 "a job's data (compact JSON) at most; lowered to what the executor can pass")
      ->envname("WFM_MAX_DATA_BYTES")
      ->capture_default_str()
      ->check(CLI::Range(2, 64 << 20));
  app.add_option("--max-connections", config.max_connections,
                 "client connections open at once; more get a 503")
      ->envname("WFM_MAX_CONNECTIONS")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--max-url-bytes", config.max_url_bytes, "request target length; longer: 414")
      ->envname("WFM_MAX_URL_BYTES")
      ->capture_default_str()
      ->check(CLI::Range(256, 1 << 20));
  app.add_option("--max-header-bytes", config.max_header_bytes,
                 "request header block size; larger: 431")
      ->envname("WFM_MAX_HEADER_BYTES")
      ->capture_default_str()
      ->check(CLI::Range(1024, 1 << 20));
  app.add_option("--max-header-fields", config.max_header_fields,
                 "request header fields; more: 431")
      ->envname("WFM_MAX_HEADER_FIELDS")
      ->capture_default_str()
      ->check(CLI::Range(8, 10000));
  app.add_option("--max-body-bytes", config.max_body_bytes, "request body size; larger: 413")
      ->envname("WFM_MAX_BODY_BYTES")
      ->capture_default_str()
      ->check(CLI::Range(1024, 256 << 20));
  app.add_option("--request-timeout", config.request_timeout_s,
                 "seconds for a whole request to arrive once it has begun; slower: 408")
      ->envname("WFM_REQUEST_TIMEOUT")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--idle-timeout", config.idle_timeout_s,
                 "seconds a connection may stay open with no request under way")
      ->envname("WFM_IDLE_TIMEOUT")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--rate-limit", config.rate_limit,
                 "requests per second per client address (0: no limit); more: 429")
      ->envname("WFM_RATE_LIMIT")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--rate-burst", config.rate_burst,
                 "requests a client may send at once under --rate-limit (0: twice the rate)")
      ->envname("WFM_RATE_BURST")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--tls-cert", config.tls_cert, "TLS certificate chain (PEM); with --tls-key")
      ->envname("WFM_TLS_CERT");
  app.add_option("--tls-key", config.tls_key, "TLS private key (PEM); with --tls-cert")
      ->envname("WFM_TLS_KEY");
  app.add_option("--log-level", config.log_level, "trace, debug, info, warn, error, off")
      ->envname("WFM_LOG_LEVEL")
      ->capture_default_str();
  app.add_option("--log-format", config.log_format, "text or json")
      ->envname("WFM_LOG_FORMAT")
      ->capture_default_str();
  app.add_option("--auth", config.auth_mode,
                 "required or optional: whether requests need an API token (default: optional "
                 "when --listen is a loopback address, required otherwise)")
      ->envname("WFM_AUTH")
      ->check(CLI::IsMember({"required", "optional"}));
  app.add_option("--allowed-origin", config.allowed_origins,
                 "an Origin (scheme://host[:port]) whose pages may send writes (repeatable)")
      ->envname("WFM_ALLOWED_ORIGIN")
      ->delimiter(',');
  app.add_option("--allowed-host", config.allowed_hosts,
                 "a Host name answered besides loopback names when listening on loopback "
                 "(repeatable)")
      ->envname("WFM_ALLOWED_HOST")
      ->delimiter(',');
  AdminCommands admin_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (auto logging = SetUpLogging(config.log_level, config.log_format); !logging.ok()) {
    return Fail(logging.error().message);
  }
  if (admin_commands.Requested()) {
    SystemClock clock;
    return admin_commands.Run([&config] { return OpenStore(config); }, clock);
  }
  size_t colon = config.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(config.listen.substr(colon + 1));
    } catch (...) {
    }
  }
  if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
    return Fail("--listen must be HOST:PORT, got '" + config.listen + "'");
  }
  auto executor_names = ExecutorNames(config.executor);
  if (!executor_names.ok()) return Fail(executor_names.error().message);
  auto auth_options = MakeAuthOptions(config.auth_mode, config.listen.substr(0, colon),
                                      config.allowed_origins, config.allowed_hosts);
  if (!auth_options.ok()) return Fail(auth_options.error().message);

  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return Fail("--tls-cert and --tls-key go together: give both or neither");
  }
  if (auto files = RaiseOpenFileLimit(); !files.ok()) {
    spdlog::warn("{}", files.error().message);
  } else {
    spdlog::debug("up to {} open files", files.value());
    // Clients may hold at most half the descriptors: the rest stay for the store and the tasks.
    long connections = std::max(1L, files.value() / 2);
    if (connections < config.max_connections) {
      spdlog::warn("--max-connections lowered from {} to {}: half of the {} open files allowed",
                   config.max_connections, connections, files.value());
      config.max_connections = static_cast<int>(connections);
    }
  }

  // Signals are taken by sigwait below, so block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);  // not a stop: reloads the local job definitions
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.error().message);
  // One engine per database and, with the local executor, one tasks directory per database.
  if (auto claimed = store.value()->ClaimForEngine(); !claimed.ok()) {
    return Fail(claimed.error().message);
  }
  const auto& names = executor_names.value();
  if (std::find(names.begin(), names.end(), "local") != names.end()) {
    auto tasks = ClaimTasksDirectory(*store.value(), config.data_dir);
    if (!tasks.ok()) return Fail(tasks.error().message);
  }
  SystemClock clock;
  Metrics& metrics = Metrics::Global();
  metric::DeclareServiceMetrics(metrics);
  auto executors = MakeServiceExecutors(config, clock, metrics);
  if (!executors.ok()) return Fail(executors.error().message);
  Executor& executor = *executors.value()->executor;

  // With PostgreSQL, replicas share the store and one at a time advances the jobs.
  std::unique_ptr<Leadership> leadership;
  if (IsPostgresUrl(config.store)) {
    leadership = std::make_unique<PostgresLeaderLock>(
        config.store, std::chrono::milliseconds(config.leader_check_ms));
  }
  // One engine runs v1 jobs and Step Functions executions alike.
  ExecutionEngineOptions execution_options;
  execution_options.leadership = leadership.get();
  execution_options.wait_time_scale = config.wait_time_scale;
  execution_options.max_resident_executions = config.max_resident_executions;
  if (leadership) execution_options.discovery_interval_ms = config.leader_check_ms;
  execution_options.leader_retry_interval_ms = config.leader_check_ms;
  ExecutionEngine engine(*store.value(), executor, clock, execution_options);
  metrics.AddCollector([&executors] { return executors.value()->ActiveTaskSamples(); });
  metrics.AddCollector([&engine, executor_name = config.executor] {
    EngineStats stats = engine.Stats();
    return std::vector<MetricSample>{
        {metric::kEngineRounds, {}, static_cast<double>(stats.rounds)},
        {metric::kEngineCommits, {}, static_cast<double>(stats.commits)},
        {metric::kTransitions, {}, static_cast<double>(stats.executions_written)},
        {metric::kInMemory, {}, static_cast<double>(engine.ActiveCount())},
        {metric::kDormant, {}, static_cast<double>(stats.executions_dormant)},
        {metric::kBuildInfo, {{"version", WFM_VERSION}, {"executor", executor_name}}, 1}};
  });

  ApiOptions api_options = MakeApiOptions(config, executor);
  api_options.executions = &engine;
  api_options.metrics = &metrics;
  Api api(*store.value(), engine, clock, executors.value()->log_reader, std::string(kOpenApiYaml),
          api_options);
  AuthGuard guard(*store.value(), clock, auth_options.value());
  guard.WarnIfNoTokens();
  HttpServerOptions http_options;
  http_options.threads = config.http_threads;
  http_options.max_connections = config.max_connections;
  http_options.max_url_bytes = config.max_url_bytes;
  http_options.max_header_bytes = config.max_header_bytes;
  http_options.max_header_fields = config.max_header_fields;
  http_options.max_body_bytes = config.max_body_bytes;
  http_options.request_timeout = Milliseconds(config.request_timeout_s);
  http_options.idle_timeout = Milliseconds(config.idle_timeout_s);
  http_options.rate_limit = config.rate_limit;
  http_options.rate_burst = config.rate_burst;
  http_options.tls_cert_file = config.tls_cert;
  http_options.tls_key_file = config.tls_key;
  auto server = HttpServer::Listen(
      guard.Protect(AsyncHttpHandler([&api](const HttpRequest& request, HttpResponder respond) {
        api.HandleAsync(request, std::move(respond));
      })),
      config.listen.substr(0, colon), port, http_options);
  // The engine starts only once the port is ours: a start that fails changes nothing.
  if (!server.ok()) return Fail(server.error().message);
  engine.Start();
  spdlog::info("workflow-manager listening on {}:{} (store: {}, durability: {}, executor: {})",
               config.listen.substr(0, colon), server.value()->port(),
               config.store.empty()          ? "sqlite under " + config.data_dir
               : IsPostgresUrl(config.store) ? "postgresql"
                                             : config.store,
               config.durable ? "strict" : "relaxed", executors.value()->description);

  int signal_number = 0;
  while (sigwait(&stop_signals, &signal_number) == 0 && signal_number == SIGHUP) {
    if (!executors.value()->reload) {
      spdlog::info("received SIGHUP: this executor has no job definitions file to reload");
      continue;
    }
    Status reloaded = executors.value()->reload();
    if (reloaded.ok()) {
      spdlog::info("received SIGHUP: job definitions reloaded from {}", config.job_definitions);
    } else {
      spdlog::error("received SIGHUP: job definitions kept as they were: {}",
                    reloaded.error().message);
    }
  }
  spdlog::info("received {}, shutting down", strsignal(signal_number));
  server.value()->Stop();
  engine.Stop();
  spdlog::info("stopped");
  return 0;
}
