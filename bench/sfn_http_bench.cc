// Step Functions end to end through HTTP: starts the real service binary (nothing runs tasks; the
// default durable SQLite store), then
//   chain: a state machine of 10 Pass states; K clients start N executions (StartExecution, one
//          connection each), and every execution is waited for until it has ended;
//   map:   one execution of a Map over --map-items items whose iteration is one Pass state.
// Prints executions/s, state transitions/s (states entered, as Step Functions bills them: 10 per
// chain execution; the Map and each iteration's Pass for the map) and StartExecution's latency.
// Prints figures only (no pass/fail): compare runs made on the same machine.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "http_support.h"

namespace {

namespace fs = std::filesystem;
using bench::Client;
using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;
using nlohmann::json;

constexpr const char* kRoleArn = "arn:aws:iam::123456789012:role/bench";

// The ARN of a new state machine `name` with `definition`, or "" (the error printed).
std::string CreateStateMachine(Client& client, const std::string& name, const json& definition) {
  json request = {{"name", name}, {"roleArn", kRoleArn}, {"definition", definition.dump()}};
  if (client.Sfn("CreateStateMachine", request.dump()) != 200) {
    fprintf(stderr, "sfn_http_bench: CreateStateMachine %s failed: %s\n", name.c_str(),
            client.body().c_str());
    return "";
  }
  return json::parse(client.body())["stateMachineArn"];
}

// Waits until execution `arn` has ended; returns its status ("" when it can't be described).
std::string WaitForEnd(Client& client, const std::string& arn) {
  json request = {{"executionArn", arn}};
  for (;;) {
    if (client.Sfn("DescribeExecution", request.dump()) != 200) return "";
    std::string status = json::parse(client.body())["status"];
    if (status != "RUNNING") return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// A chain of 10 Pass states.
json ChainDefinition() {
  json states = json::object();
  for (int i = 1; i <= 10; ++i) {
    json state = {{"Type", "Pass"}};
    if (i < 10) {
      state["Next"] = "s" + std::to_string(i + 1);
    } else {
      state["End"] = true;
    }
    states["s" + std::to_string(i)] = state;
  }
  return {{"StartAt", "s1"}, {"States", states}};
}

// A Map over $.items whose iteration is one Pass state (the results are dropped).
json MapDefinition() {
  json processor = {{"ProcessorConfig", {{"Mode", "INLINE"}}},
                    {"StartAt", "p"},
                    {"States", {{"p", {{"Type", "Pass"}, {"End", true}}}}}};
  return {{"StartAt", "m"},
          {"States",
           {{"m",
             {{"Type", "Map"},
              {"ItemsPath", "$.items"},
              {"ItemProcessor", processor},
              {"ResultPath", nullptr},
              {"End", true}}}}}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = (fs::read_symlink("/proc/self/exe").parent_path() / "workflow-manager");
  int executions = 1000, clients = 8, map_items = 10000;
  CLI::App app{"Step Functions benchmark through the HTTP API"};
  app.add_option("--executions", executions)->check(CLI::Range(1, 10000000));
  app.add_option("--clients", clients)->check(CLI::Range(1, 256));
  app.add_option("--map-items", map_items, "0: no Map run")->check(CLI::Range(0, 100000));
  app.add_option("--binary", binary, "the service binary");
  CLI11_PARSE(app, argc, argv);

  curl_global_init(CURL_GLOBAL_ALL);
  fs::path dir = fs::temp_directory_path() / ("wfm-sfn-http-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  int failures = 0;
  {
    bench::Service service(binary, dir, {"--executor", "noop"});
    if (service.port() == 0) {
      fprintf(stderr, "sfn_http_bench: the service did not start (see %s)\n",
              (dir / "service.log").c_str());
      return 1;
    }
    std::string base = "http://127.0.0.1:" + std::to_string(service.port());
    Client setup(base);
    std::string chain = CreateStateMachine(setup, "chain10", ChainDefinition());
    std::string map = CreateStateMachine(setup, "map", MapDefinition());
    if (chain.empty() || map.empty()) return 1;

    // Start phase: K clients, each its share of the executions, one connection each.
    std::vector<std::vector<std::string>> arns(clients);
    std::vector<std::vector<double>> latencies_ms(clients);
    std::atomic<int> start_errors{0};
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        Client client(base);
        for (int i = c; i < executions; i += clients) {
          json request = {{"stateMachineArn", chain},
                          {"name", "e" + std::to_string(i)},
                          {"input", R"({"n": 1})"}};
          auto sent = Clock::now();
          long status = client.Sfn("StartExecution", request.dump());
          latencies_ms[c].push_back(Seconds(Clock::now() - sent).count() * 1000);
          if (status != 200) {
            ++start_errors;
            continue;
          }
          arns[c].push_back(json::parse(client.body())["executionArn"]);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    double start_seconds = Seconds(Clock::now() - start).count();
    int started = 0;
    for (const auto& list : arns) {
      for (const auto& arn : list) {
        ++started;
        if (WaitForEnd(setup, arn) != "SUCCEEDED") ++failures;
      }
    }
    double seconds = Seconds(Clock::now() - start).count();
    std::vector<double> latencies;
    for (auto& list : latencies_ms) latencies.insert(latencies.end(), list.begin(), list.end());
    printf("sfn http bench: executor=noop store=sqlite (durable) executions=%d clients=%d\n",
           executions, clients);
    printf("  StartExecution     %.0f executions/s while starting (%d errors)\n",
           executions / start_seconds, start_errors.load());
    printf("  latency            p50 %.2f ms, p99 %.2f ms\n", bench::Percentile(latencies, 0.5),
           bench::Percentile(latencies, 0.99));
    printf(
        "  10 Pass states     all ended in %.3f s: %.0f executions/s, %.0f transitions/s "
        "(%d not SUCCEEDED)\n",
        seconds, started / seconds, 10 * started / seconds, failures);

    if (map_items > 0) {
      json items = json::array();
      for (int i = 0; i < map_items; ++i) items.push_back(i);
      json request = {
          {"stateMachineArn", map}, {"name", "map"}, {"input", json{{"items", items}}.dump()}};
      auto map_start = Clock::now();
      std::string status;
      if (setup.Sfn("StartExecution", request.dump()) == 200) {
        status = WaitForEnd(setup, json::parse(setup.body())["executionArn"]);
      }
      double map_seconds = Seconds(Clock::now() - map_start).count();
      if (status != "SUCCEEDED") ++failures;
      printf("  Map of %d Pass    %.3f s: %.0f transitions/s (%s)\n", map_items, map_seconds,
             (map_items + 1) / map_seconds, status.empty() ? "failed" : status.c_str());
    }
  }
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return failures == 0 ? 0 : 1;
}
