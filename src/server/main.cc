// workflow-manager: the service. The only place where concrete store, executor and server types
// are chosen, from flags and WFM_* environment variables.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <thread>

#include "api/api.h"
#include "api/http_server.h"
#include "core/logging.h"
#include "engine/engine.h"
#include "executor/local/local_executor.h"
#include "server/openapi.h"
#include "store/memory/memory_store.h"
#include "store/postgres/leader_lock.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using namespace wfm;

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./var";
  std::string store;
  std::string executor = "local";
  std::string job_definitions = "data/job-definitions.json";
  int max_parallel = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string log_level = "info";
  std::string log_format = "text";
  int http_threads = 4;
  int leader_check_ms = 1000;
};

bool IsPostgresUrl(const std::string& spec) {
  return spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0;
}

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
    auto store = PostgresStore::Open(spec);
    if (!store.ok()) return store.error();
    return std::unique_ptr<Store>(std::move(store.value()));
  }
  if (spec.rfind("sqlite:", 0) == 0 && spec.size() > 7) {
    std::string path = spec.substr(7);
    std::error_code ec;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    auto store = SqliteStore::Open(path);
    if (!store.ok()) return store.error();
    return std::unique_ptr<Store>(std::move(store.value()));
  }
  return Error{ErrorCode::kInvalidArgument,
               "unknown --store '" + spec +
                   "' (expected sqlite:PATH, memory: or postgresql://user@host:port/db)"};
}

std::string RunnerPath() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / "wfm-task-runner").string();
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
  app.add_option("--leader-check-interval", config.leader_check_ms,
                 "PostgreSQL replicas: milliseconds between checks of who advances jobs")
      ->envname("WFM_LEADER_CHECK_INTERVAL")
      ->capture_default_str()
      ->check(CLI::Range(10, 60000));
  app.add_option("--executor", config.executor, "where tasks run: local")
      ->envname("WFM_EXECUTOR")
      ->capture_default_str();
  app.add_option("--job-definitions", config.job_definitions, "local job definitions (JSON)")
      ->envname("WFM_JOB_DEFINITIONS")
      ->capture_default_str();
  app.add_option("--max-parallel", config.max_parallel, "local tasks running at once")
      ->envname("WFM_MAX_PARALLEL")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--log-level", config.log_level, "trace, debug, info, warn, error, off")
      ->envname("WFM_LOG_LEVEL")
      ->capture_default_str();
  app.add_option("--log-format", config.log_format, "text or json")
      ->envname("WFM_LOG_FORMAT")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (auto logging = SetUpLogging(config.log_level, config.log_format); !logging.ok()) {
    return Fail(logging.error().message);
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
  if (config.executor != "local") {
    return Fail("unknown --executor '" + config.executor + "' (available: local)");
  }

  // Signals are taken by sigwait below, so block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.error().message);
  auto definitions = JobDefinitions::Load(config.job_definitions);
  if (!definitions.ok()) return Fail(definitions.error().message);

  SystemClock clock;
  LocalExecutorOptions local_options{(fs::path(config.data_dir) / "tasks").string(), RunnerPath(),
                                     config.max_parallel, 10};
  auto executor = LocalExecutor::Create(local_options, std::move(definitions.value()), clock);
  if (!executor.ok()) return Fail(executor.error().message);
  LocalExecutor& local = *executor.value();

  // With PostgreSQL, replicas share the store and one at a time advances the jobs.
  std::unique_ptr<Leadership> leadership;
  if (IsPostgresUrl(config.store)) {
    leadership = std::make_unique<PostgresLeaderLock>(
        config.store, std::chrono::milliseconds(config.leader_check_ms));
  }
  EngineOptions engine_options;
  engine_options.leadership = leadership.get();
  engine_options.leader_retry_interval_ms = config.leader_check_ms;
  Engine engine(*store.value(), local, clock, engine_options);
  if (auto recovered = engine.Recover(); !recovered.ok()) return Fail(recovered.error().message);
  engine.Start();

  Api api(
      *store.value(), engine, clock,
      [&local](const std::string& id) { return local.ReadLog(id, 4 << 20); },
      std::string(kOpenApiYaml));
  auto server =
      HttpServer::Listen([&api](const HttpRequest& request) { return api.Handle(request); },
                         config.listen.substr(0, colon), port, config.http_threads);
  if (!server.ok()) {
    engine.Stop();
    return Fail(server.error().message);
  }
  spdlog::info("workflow-manager listening on {}:{} (store: {}, executor: local, max parallel {})",
               config.listen.substr(0, colon), server.value()->port(),
               config.store.empty()          ? "sqlite under " + config.data_dir
               : IsPostgresUrl(config.store) ? "postgresql"
                                             : config.store,
               config.max_parallel);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}, shutting down", strsignal(signal_number));
  server.value()->Stop();
  engine.Stop();
  spdlog::info("stopped");
  return 0;
}
