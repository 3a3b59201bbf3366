// Step Functions engine throughput: executions per second and state transitions per second, on
// the memory store (the baseline, measured in the same run), on SQLite and on PostgreSQL (when
// --postgres is given; durable commits as the server is configured), with two workloads:
//   chain: --executions executions of a machine of 10 Pass states, all started first (one store
//          write each, the engine idle), then run to the end by the engine;
//   map:   one execution of a Map over --map-items items whose iteration is one Pass state.
// A state transition counts as Step Functions bills it: every state entered, read back from the
// stored history (the *StateEntered events). Each figure is printed with its ratio to the memory
// store and to the aim of 20,000 transitions/s. Prints figures; asserts only that every execution
// succeeded.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/ids.h"
#include "engine/execution_engine.h"
#include "engine/execution_record.h"
#include "executor/fake/fake_executor.h"
#include "store/memory/memory_store.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using namespace wfm;
using nlohmann::json;
using Seconds = std::chrono::duration<double>;

constexpr double kAimTransitionsPerSecond = 20000;
constexpr const char* kArnPrefix = "arn:aws:states:us-east-1:123456789012:";

json PassChain(int states) {
  json machine = {{"StartAt", "P0"}, {"States", json::object()}};
  for (int i = 0; i < states; ++i) {
    json state = {{"Type", "Pass"}};
    if (i + 1 < states) {
      state["Next"] = "P" + std::to_string(i + 1);
    } else {
      state["End"] = true;
    }
    machine["States"]["P" + std::to_string(i)] = state;
  }
  return machine;
}

json PassMap() {
  json iteration = {{"StartAt", "Item"}, {"States", {{"Item", {{"Type", "Pass"}, {"End", true}}}}}};
  return {{"StartAt", "M"},
          {"States",
           {{"M",
             {{"Type", "Map"},
              {"ItemsPath", "$.items"},
              {"ItemProcessor", iteration},
              {"ResultPath", "$.mapped"},
              {"End", true}}}}}};
}

// What one workload measured on one store.
struct Figures {
  int executions = 0;
  double start_seconds = 0;  // StartExecution calls, the engine idle
  double run_seconds = 0;    // the engine running them all to the end
  int64_t transitions = 0;   // StateEntered events stored
  int64_t events = 0;        // all history events stored
  bool all_succeeded = true;

  double ExecutionsPerSecond() const { return executions / run_seconds; }
  double TransitionsPerSecond() const { return transitions / run_seconds; }
};

// Counts the stored history of `arn` into `figures`; checks it succeeded.
void CountHistory(Store& store, const std::string& arn, Figures& figures) {
  auto record = store.GetRecord(kRecordExecution, arn);
  if (!record.ok() || record->status != kExecutionSucceeded) {
    fprintf(stderr, "execution %s did not succeed (%s)\n", arn.c_str(),
            record.ok() ? record->status.c_str() : record.error().message.c_str());
    figures.all_succeeded = false;
  }
  int64_t from = 1;
  while (true) {
    auto page = store.ReadHistory(arn, from, 1000, false);
    if (!page.ok() || page->empty()) return;
    for (const auto& event : page.value()) {
      ++figures.events;
      std::string type = json::parse(event.body)["type"].get<std::string>();
      if (type.ends_with("StateEntered")) ++figures.transitions;
      from = event.id + 1;
    }
  }
}

// Starts one execution per input of `definition` (named <label>-<i>), runs the engine until they
// have all ended, and counts their histories.
std::optional<Figures> Run(Store& store, const std::string& label, const json& definition,
                           const std::vector<std::string>& inputs) {
  SystemClock clock;
  FakeExecutor executor(clock, FakeExecutor::Mode::kSucceedAtOnce);
  ExecutionEngine engine(store, executor, clock);
  std::string machine = std::string(kArnPrefix) + "stateMachine:" + label;
  std::string run_id = NewUuid();
  std::vector<std::string> arns;
  StartExecutionRequest request;
  request.state_machine_arn = machine;
  request.state_machine_name = label;
  request.definition = definition.dump();
  request.role_arn = "arn:aws:iam::123456789012:role/bench";
  Figures figures;
  figures.executions = static_cast<int>(inputs.size());
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < inputs.size(); ++i) {
    request.name = run_id + "-" + std::to_string(i);
    request.execution_arn = std::string(kArnPrefix) + "execution:" + label + ":" + request.name;
    request.input = inputs[i];
    auto started = engine.StartExecution(request);
    if (!started.ok()) {
      fprintf(stderr, "StartExecution failed: %s\n", started.error().message.c_str());
      return std::nullopt;
    }
    arns.push_back(request.execution_arn);
  }
  figures.start_seconds = Seconds(std::chrono::steady_clock::now() - start).count();
  start = std::chrono::steady_clock::now();
  engine.RunUntilIdle();  // nothing waits on a timer or a task: idle means all ended
  figures.run_seconds = Seconds(std::chrono::steady_clock::now() - start).count();
  for (const auto& arn : arns) CountHistory(store, arn, figures);
  return figures;
}

double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

void Print(const std::string& store_name, const std::string& workload, const Figures& figures,
           const Figures& memory) {
  printf("sfn bench: store=%s workload=%s executions=%d transitions=%lld events=%lld%s\n",
         store_name.c_str(), workload.c_str(), figures.executions,
         static_cast<long long>(figures.transitions), static_cast<long long>(figures.events),
         figures.all_succeeded ? "" : "  (SOME FAILED)");
  printf("  start              %.3f s, %.0f executions/s  (one store write each)\n",
         figures.start_seconds, figures.executions / figures.start_seconds);
  printf("  engine run         %.3f s\n", figures.run_seconds);
  printf("  executions/s       %.1f  (x%.3f of memory)\n", figures.ExecutionsPerSecond(),
         figures.ExecutionsPerSecond() / memory.ExecutionsPerSecond());
  printf("  transitions/s      %.0f  (x%.3f of memory, x%.3f of the aim of %.0f)\n",
         figures.TransitionsPerSecond(),
         figures.TransitionsPerSecond() / memory.TransitionsPerSecond(),
         figures.TransitionsPerSecond() / kAimTransitionsPerSecond, kAimTransitionsPerSecond);
  fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int executions = 2000;
  int map_items = 10000;
  std::string postgres_url;
  std::vector<std::string> workloads = {"chain", "map"};
  CLI::App app{"Step Functions engine throughput benchmark"};
  app.add_option("--executions", executions, "executions of the 10-Pass machine")
      ->check(CLI::PositiveNumber);
  app.add_option("--map-items", map_items, "items of the Map")->check(CLI::PositiveNumber);
  app.add_option("--postgres", postgres_url, "postgresql:// URL (empty: PostgreSQL is skipped)");
  app.add_option("--workloads", workloads, "chain and/or map")
      ->check(CLI::IsMember({"chain", "map"}));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  fs::path dir = fs::temp_directory_path() / ("wfm-sfn-bench-" + NewUuid());
  fs::create_directories(dir);
  std::vector<std::pair<std::string, std::unique_ptr<Store>>> stores;
  stores.emplace_back("memory", std::make_unique<MemoryStore>());
  stores.emplace_back("sqlite", std::move(SqliteStore::Open((dir / "bench.db").string()).value()));
  if (!postgres_url.empty()) {
    auto postgres = PostgresStore::Open(postgres_url);
    if (!postgres.ok()) {
      fprintf(stderr, "%s\n", postgres.error().message.c_str());
      return 1;
    }
    stores.emplace_back("postgresql", std::move(postgres.value()));
  }

  std::vector<int> items(map_items);
  for (int i = 0; i < map_items; ++i) items[i] = i;
  const std::vector<std::string> map_input = {json({{"items", items}}).dump()};
  const std::vector<std::string> chain_inputs(executions, R"({"n":1})");
  bool all_succeeded = true;
  for (const auto& workload : workloads) {
    bool chain = workload == "chain";
    std::string label = chain ? "pass10" : "map" + std::to_string(map_items);
    json definition = chain ? PassChain(10) : PassMap();
    std::optional<Figures> memory;
    for (auto& [name, store] : stores) {
      auto figures = Run(*store, label, definition, chain ? chain_inputs : map_input);
      if (!figures) return 1;
      if (!memory) memory = figures;
      Print(name, label, *figures, *memory);
      all_succeeded = all_succeeded && figures->all_succeeded;
    }
  }
  printf("peak RSS %.1f MiB\n", PeakRssMiB());
  stores.clear();
  fs::remove_all(dir);
  return all_succeeded ? 0 : 1;
}
