// AWS API calls of the Batch executor for N active tasks, on the fake Batch over loopback, next to
// the original system's approach, which called DescribeJobs on every GET of a job.
//   batch_bench [--tasks N] [--polls P]
// Prints figures; asserts nothing.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "api/api.h"
#include "api/http_server.h"
#include "engine/execution_engine.h"
#include "executor/batch/batch_executor.h"
#include "fake_batch/fake_batch.h"
#include "store/memory/memory_store.h"

using namespace wfm;
using Seconds = std::chrono::duration<double>;

namespace {

Workflow OneState() {
  Workflow w;
  w.id = "w";
  w.name = "bench";
  w.start_at = "work";
  w.states = {State{"work", "Task", "", "", "long", true}};
  return w;
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = 1000;
  int polls = 20;
  CLI::App app{"AWS API calls of the Batch executor"};
  app.add_option("--tasks", tasks, "active tasks")->check(CLI::PositiveNumber);
  app.add_option("--polls", polls, "poll rounds to measure")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  SystemClock clock;
  FakeBatch fake(clock, "AKIDBENCH", "bench-secret", "us-east-1");
  fake.SetOutcome("long", FakeBatchOutcome{0, 3600 * 1000, ""});
  auto server =
      HttpServer::Listen([&](const HttpRequest& r) { return fake.Handle(r); }, "127.0.0.1", 0, 8)
          .value();
  CurlHttpClient http;
  StaticCredentialsProvider credentials(AwsCredentials{"AKIDBENCH", "bench-secret", "", 0});
  BatchClientOptions client_options;
  client_options.endpoint = "http://127.0.0.1:" + std::to_string(server->port());
  client_options.submit_rate_per_second = 0;  // the fake has no account limit
  BatchClient client(http, credentials, clock, client_options);
  const int64_t poll_ms = 100;
  BatchExecutor executor(client, clock, BatchExecutorOptions{"bench-queue", poll_ms, 600000, 8});
  MemoryStore store;
  ExecutionEngine engine(store, executor, clock);
  engine.Start();
  Api api(store, engine, clock, nullptr, "");

  std::vector<std::string> ids;
  for (int i = 0; i < tasks; ++i) ids.push_back(engine.StartJob(OneState(), "[]")->id);
  // Wait until every task runs (a bounded wait).
  for (int round = 0; round < 6000; ++round) {
    int running = 0;
    for (const auto& id : ids) running += store.GetJob(id)->tasks[0].status == TaskStatus::kRunning;
    if (running == tasks) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  int submits = fake.Calls("SubmitJob"), lists = fake.Calls("ListJobs");

  // Poll rounds with every job read once per round through the API, as a dashboard would.
  int describes_before = fake.Calls("DescribeJobs");
  int64_t sweeps_before = executor.PollSweeps();
  auto start = std::chrono::steady_clock::now();
  for (int p = 0; p < polls; ++p) {
    for (const auto& id : ids) api.Handle(HttpRequest{"GET", "/jobs/" + id, "", {}, ""});
    std::this_thread::sleep_until(start + std::chrono::milliseconds(poll_ms * (p + 1)));
  }
  double seconds = Seconds(std::chrono::steady_clock::now() - start).count();
  int describes = fake.Calls("DescribeJobs") - describes_before;
  double sweeps = static_cast<double>(executor.PollSweeps() - sweeps_before);
  engine.Stop();

  // The original: one DescribeJobs (for that job's tasks) per GET of a job; its own client, so
  // only its calls are counted.
  BatchClient original(http, credentials, clock, client_options);
  std::vector<std::string> batch_ids;
  for (const auto& id : ids) batch_ids.push_back(store.GetJob(id)->tasks[0].id);
  auto original_start = std::chrono::steady_clock::now();
  for (const auto& batch_id : batch_ids) original.DescribeJobs({batch_id});
  double original_seconds = Seconds(std::chrono::steady_clock::now() - original_start).count();
  int original_calls = original.CallCounts()["DescribeJobs"];

  printf("batch bench: %d active tasks, %d poll rounds of %lld ms, every job read once a round\n",
         tasks, polls, static_cast<long long>(poll_ms));
  printf("  submission         %.2f SubmitJob + %.2f ListJobs calls per task\n",
         static_cast<double>(submits) / tasks, static_cast<double>(lists) / tasks);
  printf(
      "  workflow-manager   %.1f DescribeJobs calls per poll (%.0f polls in %.1f s), 0 per GET; "
      "largest call: %zu ids\n",
      describes / sweeps, sweeps, seconds, fake.MaxDescribeIds());
  printf(
      "  original system    %d DescribeJobs calls per round of GETs (one per GET), "
      "%.2f s against the fake\n",
      original_calls, original_seconds);
  printf("  ratio (original calls per round / workflow-manager calls per poll): %.0f\n",
         original_calls / (describes / sweeps));
  return 0;
}
