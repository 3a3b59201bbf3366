// End to end through HTTP: starts the real service binary, POSTs N jobs of a 3-state chain from K
// clients, waits until every job has ended, and prints jobs/s, tasks/s and the latency of the
// POSTs; then, with wrk installed, the rate and latency of GET /jobs/{id} of a finished job.
//   --executor noop | local   noop: nothing runs (the service's own cost); local: /bin/true
//   --jobs N --clients K --max-parallel P --durability strict|relaxed
// With hey installed, also GET /jobs/{id} at a fixed 5,000 requests/s (its p99).
// Prints figures only (no pass/fail): compare runs made on the same machine.
#include <curl/curl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "http_support.h"

namespace {

using bench::Client;
using bench::Percentile;
using bench::Service;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

// The standard output of `command` (run by the shell).
std::string Output(const std::string& command) {
  FILE* out = popen(command.c_str(), "r");
  std::string text;
  char buffer[4096];
  while (out && fgets(buffer, sizeof buffer, out)) text += buffer;
  if (out) pclose(out);
  return text;
}

bool Installed(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs wrk against `url` for `seconds` with 64 connections; prints its rate and p99.
void RunWrk(const std::string& url, int seconds) {
  if (!Installed("wrk")) {
    printf("  GET /jobs/{id}: wrk not installed (make bench-peers installs it)\n");
    return;
  }
  std::string text =
      Output("wrk -t1 -c64 -d" + std::to_string(seconds) + "s --latency '" + url + "' 2>&1");
  std::smatch rate, p99;
  std::regex rate_re("Requests/sec:\\s+([0-9.]+)"), p99_re("99%\\s+([0-9.]+[a-z]+)");
  if (std::regex_search(text, rate, rate_re) && std::regex_search(text, p99, p99_re)) {
    printf("  GET /jobs/{id} (wrk -t1 -c64 -d%ds): %s req/s, p99 %s\n", seconds,
           rate[1].str().c_str(), p99[1].str().c_str());
  } else {
    printf("  GET /jobs/{id}: wrk failed:\n%s\n", text.c_str());
  }
}

// Runs hey against `url` for `seconds` at a fixed 5,000 requests/s (10 clients at 500/s each);
// prints the p99 latency it saw.
void RunHey(const std::string& url, int seconds) {
  if (!Installed("hey")) {
    printf("  GET /jobs/{id} at 5,000/s: hey not installed (make bench-peers installs it)\n");
    return;
  }
  std::string text =
      Output("hey -z " + std::to_string(seconds) + "s -c 10 -q 500 '" + url + "' 2>&1");
  std::smatch p99, rate;
  std::regex p99_re("99%+ in ([0-9.]+) secs"), rate_re("Requests/sec:\\s+([0-9.]+)");
  if (std::regex_search(text, p99, p99_re) && std::regex_search(text, rate, rate_re)) {
    printf("  GET /jobs/{id} (hey -z %ds -c 10 -q 500): %s req/s, p99 %.2fms\n", seconds,
           rate[1].str().c_str(), std::stod(p99[1]) * 1000);
  } else {
    printf("  GET /jobs/{id} at 5,000/s: hey failed:\n%s\n", text.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string executor = "noop", durability = "strict";
  std::string binary = (fs::read_symlink("/proc/self/exe").parent_path() / "workflow-manager");
  int jobs = 1000, clients = 8, max_parallel = 2, wrk_seconds = 10;
  CLI::App app{"end-to-end benchmark through the HTTP API"};
  app.add_option("--executor", executor, "noop or local")->check(CLI::IsMember({"noop", "local"}));
  app.add_option("--jobs", jobs)->check(CLI::Range(1, 10000000));
  app.add_option("--clients", clients)->check(CLI::Range(1, 256));
  app.add_option("--max-parallel", max_parallel)->check(CLI::Range(1, 1024));
  app.add_option("--durability", durability)->check(CLI::IsMember({"strict", "relaxed"}));
  app.add_option("--wrk-seconds", wrk_seconds, "0: no GET measurements (wrk, then hey)");
  std::string save_job;
  app.add_option("--save-job", save_job, "write the JSON of the job that GETs read to this file");
  app.add_option("--binary", binary, "the service binary");
  std::string store;
  app.add_option("--store", store,
                 "the service's --store (default: SQLite in a temporary directory)");
  CLI11_PARSE(app, argc, argv);

  curl_global_init(CURL_GLOBAL_ALL);
  fs::path dir = fs::temp_directory_path() / ("wfm-http-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "defs.json") << R"({"jobDefinitions": [{"jobDefinitionName": "true",
      "revision": 1, "containerProperties": {"command": ["/bin/true"]}}]})";
  int failures = 0;
  {
    Service service(binary, dir,
                    {"--executor", executor, "--job-definitions", (dir / "defs.json").string(),
                     "--max-parallel", std::to_string(max_parallel), "--durability", durability,
                     "--store", store.empty() ? "sqlite:" + (dir / "wfm.db").string() : store});
    if (service.port() == 0) {
      fprintf(stderr, "http_bench: the service did not start (see %s)\n",
              (dir / "service.log").c_str());
      return 1;
    }
    std::string base = "http://127.0.0.1:" + std::to_string(service.port());
    Client setup(base);
    std::string workflow = R"({"name": "chain", "startAt": "a", "states": [
        {"name": "a", "type": "Task", "resource": "true:1", "next": "b"},
        {"name": "b", "type": "Task", "resource": "true:1", "next": "c"},
        {"name": "c", "type": "Task", "resource": "true:1", "end": true}]})";
    if (setup.Call("POST", "/workflows", workflow) != 201) {
      fprintf(stderr, "http_bench: creating the workflow failed: %s\n", setup.body().c_str());
      return 1;
    }

    // POST phase: K clients, each its share of the jobs, one connection each.
    std::vector<std::vector<std::string>> ids(clients);
    std::vector<std::vector<double>> latencies_ms(clients);
    std::atomic<int> post_errors{0};
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        Client client(base);
        std::string body = R"({"workflow": {"name": "chain"}, "data": ["x"]})";
        for (int i = c; i < jobs; i += clients) {
          auto sent = Clock::now();
          long status = client.Call("POST", "/jobs", body);
          latencies_ms[c].push_back(Seconds(Clock::now() - sent).count() * 1000);
          if (status != 200) {
            ++post_errors;
            continue;
          }
          ids[c].push_back(nlohmann::json::parse(client.body())["id"]);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    double post_seconds = Seconds(Clock::now() - start).count();

    // Wait phase: each job until it has ended.
    std::vector<std::string> all;
    for (auto& list : ids) all.insert(all.end(), list.begin(), list.end());
    Client poller(base);
    for (const auto& id : all) {
      for (;;) {
        if (poller.Call("GET", "/jobs/" + id) != 200) continue;
        std::string status = nlohmann::json::parse(poller.body())["status"];
        if (status == "SUCCEEDED") break;
        if (status == "FAILED" || status == "CANCELLED") {
          ++failures;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
    double seconds = Seconds(Clock::now() - start).count();
    std::vector<double> latencies;
    for (auto& list : latencies_ms) latencies.insert(latencies.end(), list.begin(), list.end());

    printf("http bench: executor=%s durability=%s jobs=%d clients=%d max-parallel=%d\n",
           executor.c_str(), durability.c_str(), jobs, clients, max_parallel);
    printf("  POST /jobs         %.0f jobs/s while posting (%d errors)\n", jobs / post_seconds,
           post_errors.load());
    printf("  POST latency       p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           Percentile(latencies, 0.50), Percentile(latencies, 0.99), Percentile(latencies, 1.0));
    printf("  all ended          %.3f s: %.0f jobs/s, %.0f tasks/s (%d not SUCCEEDED)\n", seconds,
           all.size() / seconds, 3 * all.size() / seconds, failures);
    if (wrk_seconds > 0 && !all.empty()) {
      poller.Call("GET", "/jobs/" + all.front());
      printf("  job JSON           %zu bytes\n", poller.body().size());
      if (!save_job.empty()) std::ofstream(save_job) << poller.body();
      RunWrk(base + "/jobs/" + all.front(), wrk_seconds);
      RunHey(base + "/jobs/" + all.front(), wrk_seconds);
    }
  }
  std::error_code ignored;  // the task supervisor may still be removing its socket
  fs::remove_all(dir, ignored);
  return failures == 0 ? 0 : 1;
}
