// Memory per waiting task and the time a restart takes to be ready, with many active jobs: N jobs
// of a 3-state chain are started on a SQLite file (created by 8 threads, as concurrent API
// requests are), and the engine runs until each job's first task has been submitted to an
// executor that never finishes anything. Printed:
//   - the resident memory those N waiting jobs add to the process, per job (the fake executor's
//     record of every task it was given is dropped first: it is the bench's, not the service's);
//   - after the engine is stopped and the store closed (a restart: a new store, a new executor),
//     the time until a job started then has its first task submitted (the service is ready for
//     new work: active jobs are read a batch per round meanwhile), and the time until the new
//     engine has read every active job and asked the executor for each running task again.
// Prints figures; asserts only that every job came back.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "chain_workflow.h"
#include "core/ids.h"
#include "engine/execution_engine.h"
#include "executor/fake/fake_executor.h"
#include "store/sqlite/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using namespace wfm;
using Seconds = std::chrono::duration<double>;

// The process's resident memory in MiB, now.
double ResidentMiB() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024 * 1024);
}

}  // namespace

int main(int argc, char** argv) {
  int jobs = 100000;
  CLI::App app{"memory per waiting job and restart time"};
  app.add_option("--jobs", jobs, "active jobs")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  fs::path dir = fs::temp_directory_path() / ("wfm-restart-bench-" + NewUuid());
  fs::create_directories(dir);
  std::string path = (dir / "bench.db").string();
  SystemClock clock;
  Workflow workflow = bench::ChainWorkflow();
  double before_mib = 0, waiting_mib = 0;
  {
    auto store = std::move(SqliteStore::Open(path).value());
    FakeExecutor executor(clock);  // tasks stay queued: every job waits
    before_mib = ResidentMiB();
    ExecutionEngine engine(*store, executor, clock);
    std::atomic<int> next{0}, failed{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c) {
      clients.emplace_back([&] {
        while (next++ < jobs) {
          if (!engine.StartJob(workflow, "[]").ok()) ++failed;
        }
      });
    }
    for (auto& client : clients) client.join();
    if (failed > 0) {
      fprintf(stderr, "restart_bench: %d jobs could not be started\n", failed.load());
      return 1;
    }
    engine.RunUntilIdle();
    executor.ForgetFinished();
    waiting_mib = ResidentMiB();
    printf("restart bench: jobs=%d (each waiting on its first task), store=sqlite\n", jobs);
    printf("  memory             %.1f MiB for %d waiting jobs: %.2f KiB per job\n",
           waiting_mib - before_mib, jobs, (waiting_mib - before_mib) * 1024 / jobs);
  }
  {
    auto opened_at = std::chrono::steady_clock::now();
    auto store = std::move(SqliteStore::Open(path).value());
    FakeExecutor executor(clock);  // a new one: it knows none of the tasks
    ExecutionEngine engine(*store, executor, clock);
    engine.Start();
    auto fresh = engine.StartJob(workflow, "[]");
    if (!fresh.ok()) {
      fprintf(stderr, "restart_bench: %s\n", fresh.error().message.c_str());
      return 1;
    }
    std::string first_attempt = fresh->id + "-0-1";  // v1's name of its first task's attempt
    while (executor.SubmitCount(first_attempt) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    double ready = Seconds(std::chrono::steady_clock::now() - opened_at).count();
    engine.Stop();
    engine.RunUntilIdle();
    double seconds = Seconds(std::chrono::steady_clock::now() - opened_at).count();
    printf("  restart: ready     %.3f s until a job started then had its first task submitted\n",
           ready);
    printf(
        "  restart: all read  %.3f s until all %zu active jobs were read and their tasks "
        "asked for again (%.0f jobs/s; %llu executions written)\n",
        seconds, engine.ActiveCount(), engine.ActiveCount() / seconds,
        static_cast<unsigned long long>(engine.Stats().executions_written));
    if (engine.ActiveCount() != static_cast<size_t>(jobs) + 1) {
      fprintf(stderr, "restart_bench: %zu of %d jobs came back\n", engine.ActiveCount(), jobs);
      return 1;
    }
  }
  fs::remove_all(dir);
  return 0;
}
