// Engine throughput: N jobs of a 3-state chain through the engine, on a store, with an executor.
//   --store sqlite | memory | postgresql://...: where jobs are stored
//   --executor fake : tasks succeed the moment they are submitted (the engine's own cost)
//   --executor local: tasks run `true` as child processes; the same DAG run by `make -j` in the
//                     same run is printed as the baseline, with the ratio.
// First the jobs are created (the engine idle), then the engine runs them all: both are timed.
// Prints figures; asserts nothing.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "chain_workflow.h"
#include "core/ids.h"
#include "engine/execution_engine.h"
#include "executor/fake/fake_executor.h"
#include "executor/local/local_executor.h"
#include "store/memory/memory_store.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using namespace wfm;
using Seconds = std::chrono::duration<double>;

double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

// Runs the same DAG (jobs chains of 3 `true` steps) with make -j<parallel>; returns seconds.
double MakeBaseline(const fs::path& dir, int jobs, int parallel) {
  fs::path makefile = dir / "dag.mk";
  std::ofstream out(makefile);
  out << ".PHONY: all";
  for (int i = 0; i < jobs; ++i) out << " a" << i << " b" << i << " c" << i;
  out << "\nall:";
  for (int i = 0; i < jobs; ++i) out << " c" << i;
  out << "\n";
  for (int i = 0; i < jobs; ++i) {
    out << "a" << i << ":\n\t@true\nb" << i << ": a" << i << "\n\t@true\nc" << i << ": b" << i
        << "\n\t@true\n";
  }
  out.close();
  std::string command = "make -s -j" + std::to_string(parallel) + " -f " + makefile.string();
  auto start = std::chrono::steady_clock::now();
  if (std::system(command.c_str()) != 0) fprintf(stderr, "make baseline failed\n");
  return Seconds(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int jobs = 10000;
  std::string executor_kind = "fake";
  std::string store_kind = "sqlite";
  int max_parallel = 2;
  std::string runner =
      (fs::read_symlink("/proc/self/exe").parent_path() / "wfm-task-runner").string();
  CLI::App app{"engine throughput benchmark"};
  app.add_option("--jobs", jobs, "jobs to run")->check(CLI::PositiveNumber);
  app.add_option("--executor", executor_kind, "fake or local")
      ->check(CLI::IsMember({"fake", "local"}));
  app.add_option("--store", store_kind, "sqlite, memory or a postgresql:// URL");
  app.add_option("--max-parallel", max_parallel, "local tasks at once")->check(CLI::PositiveNumber);
  app.add_option("--runner", runner, "wfm-task-runner binary");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  fs::path dir = fs::temp_directory_path() / ("wfm-bench-" + NewUuid());
  fs::create_directories(dir);
  SystemClock clock;
  std::unique_ptr<Store> store;
  if (store_kind == "sqlite") {
    store = std::move(SqliteStore::Open((dir / "bench.db").string()).value());
  } else if (store_kind == "memory") {
    store = std::make_unique<MemoryStore>();
  } else {
    auto postgres = PostgresStore::Open(store_kind);
    if (!postgres.ok()) {
      fprintf(stderr, "%s\n", postgres.error().message.c_str());
      return 1;
    }
    store = std::move(postgres.value());
    store_kind = "postgresql";
  }
  std::unique_ptr<Executor> executor;
  if (executor_kind == "fake") {
    executor = std::make_unique<FakeExecutor>(clock, FakeExecutor::Mode::kSucceedAtOnce);
  } else {
    auto definitions = JobDefinitions::Parse(
        R"({"jobDefinitions":[{"jobDefinitionName":"noop","containerProperties":{"command":["true"]}}]})",
        "bench");
    LocalExecutorOptions options{(dir / "tasks").string(), runner, max_parallel, 10, {}};
    auto local = LocalExecutor::Create(options, definitions.value(), clock);
    if (!local.ok()) {
      fprintf(stderr, "%s\n", local.error().message.c_str());
      return 1;
    }
    executor = std::move(local.value());
  }

  Workflow workflow = bench::ChainWorkflow();
  ExecutionEngine engine(*store, *executor, clock);
  // Phase 1: the jobs are created as the API does (one store write each), the engine idle.
  auto create_start = std::chrono::steady_clock::now();
  for (int i = 0; i < jobs; ++i) {
    if (!engine.StartJob(workflow, "[]").ok()) {
      fprintf(stderr, "StartJob failed\n");
      return 1;
    }
  }
  double create_seconds = Seconds(std::chrono::steady_clock::now() - create_start).count();
  // Phase 2: the engine takes them all from the store and runs them to the end.
  auto start = std::chrono::steady_clock::now();
  engine.Start();
  while (engine.Stats().executions_finished < static_cast<uint64_t>(jobs)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  double seconds = Seconds(std::chrono::steady_clock::now() - start).count();
  engine.Stop();
  EngineStats stats = engine.Stats();

  int tasks = jobs * 3;
  printf("engine bench: executor=%s store=%s jobs=%d tasks=%d\n", executor_kind.c_str(),
         store_kind.c_str(), jobs, tasks);
  printf("  job creation       %.0f jobs/s  (one store write each, one client)\n",
         jobs / create_seconds);
  printf("  engine run         %.3f s\n", seconds);
  printf("  jobs/s             %.0f\n", jobs / seconds);
  printf("  tasks/s            %.0f\n", tasks / seconds);
  // The status changes of a job of three tasks: the first task QUEUED -> SUCCEEDED, each other
  // WAITING_FOR_DEPS -> QUEUED -> SUCCEEDED, the job QUEUED -> RUNNING -> SUCCEEDED.
  uint64_t transitions = static_cast<uint64_t>(jobs) * 7;
  printf("  state transitions/s %.0f  (%llu status changes: 7 per job of 3 tasks)\n",
         transitions / seconds, static_cast<unsigned long long>(transitions));
  printf("  rounds, commits    %llu, %llu  (%.1f executions written per commit)\n",
         static_cast<unsigned long long>(stats.rounds),
         static_cast<unsigned long long>(stats.commits),
         stats.commits ? static_cast<double>(stats.executions_written) / stats.commits : 0.0);
  printf("  peak RSS           %.1f MiB\n", PeakRssMiB());
  if (executor_kind == "local") {
    double make_seconds = MakeBaseline(dir, jobs, max_parallel);
    printf("  baseline: make -j%d on the same DAG: %.3f s, %.0f tasks/s\n", max_parallel,
           make_seconds, tasks / make_seconds);
    printf("  ratio (workflow-manager tasks/s / make tasks/s): %.2f\n",
           (tasks / seconds) / (tasks / make_seconds));
  }
  executor.reset();
  fs::remove_all(dir);
  return 0;
}
