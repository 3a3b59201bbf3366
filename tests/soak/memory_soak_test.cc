// A soak of 100,000 jobs through the API and the engine on a real SQLite file: the process's
// resident memory once they are all done stays where it was after the first 10,000 (±10 %), and
// the engine and the API keep nothing of finished jobs. Some jobs are cancelled, through DELETE,
// while they run, so the cancel bookkeeping is soaked too.
#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "engine/execution_engine.h"
#include "engine/execution_record.h"
#include "engine/task_stop_record.h"
#include "executor/fake/fake_executor.h"
#include "store/sqlite/sqlite_store.h"

namespace wfm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kWaves = 100;
constexpr int kJobsPerWave = 1000;
constexpr int kCancelledPerWave = 50;

// Resident memory in bytes, after handing freed memory back to the system (so that what is
// measured is what is live, not what the allocator keeps for later).
size_t ResidentBytes() {
  malloc_trim(0);
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

HttpResponse Call(Api& api, const std::string& method, const std::string& target,
                  const std::string& body) {
  return api.Handle(HttpRequest{method, target, body, {}, ""});
}

TEST(MemorySoak, AHundredThousandJobsLeaveNothingBehind) {
  // Two malloc arenas, whatever the threads: what is measured is the program, not how many arenas
  // the allocator happened to open under load.
  mallopt(M_ARENA_MAX, 2);
  fs::path dir = fs::temp_directory_path() / ("wfm-soak-" + std::to_string(getpid()));
  fs::create_directories(dir);
  SystemClock clock;
  auto store = SqliteStore::Open((dir / "soak.db").string());
  ASSERT_TRUE(store.ok()) << store.error().message;
  FakeExecutor executor(clock);  // tasks run until the test finishes them
  ExecutionEngine engine(*store.value(), executor, clock);
  // One writer thread: the reads that run at once (and so SQLite's reader connections, each with
  // its own page cache) reach their peak in the first wave, not at a random later moment.
  ApiOptions options;
  options.write_threads = 1;
  Api api(*store.value(), engine, clock, nullptr, "", options);
  ASSERT_EQ(Call(api, "POST", "/workflows",
                 R"({"name":"soak","startAt":"a","states":[
                     {"name":"a","type":"Task","resource":"r","next":"b"},
                     {"name":"b","type":"Task","resource":"r","end":true}]})")
                .status,
            201);

  size_t after_first_tenth = 0;
  for (int wave = 0; wave < kWaves; ++wave) {
    std::vector<std::string> ids;
    for (int i = 0; i < kJobsPerWave; ++i) {
      HttpResponse started =
          Call(api, "POST", "/jobs", R"({"workflow":{"name":"soak"},"data":["x"]})");
      ASSERT_EQ(started.status, 200) << started.body;
      ids.push_back(json::parse(started.body)["id"]);
    }
    engine.RunUntilIdle();
    // Cancel a few while their first task runs; the API answers once the engine applied it.
    std::vector<std::future<HttpResponse>> cancels;
    for (int i = 0; i < kCancelledPerWave; ++i) {
      auto answer = std::make_shared<std::promise<HttpResponse>>();
      cancels.push_back(answer->get_future());
      api.HandleAsync(HttpRequest{"DELETE", "/jobs/" + ids[i], R"({"reason":"soak"})", {}, ""},
                      [answer](HttpResponse response) { answer->set_value(std::move(response)); });
    }
    for (auto& cancel : cancels) ASSERT_EQ(cancel.get().status, 200);
    engine.RunUntilIdle();
    for (int step = 0; step < 2; ++step) {  // finish the first task, then the second
      for (size_t i = kCancelledPerWave; i < ids.size(); ++i) {
        executor.Finish(ids[i] + "-" + std::to_string(step) + "-1", 0);
      }
      engine.RunUntilIdle();
    }
    for (int i = 0; i < kCancelledPerWave; ++i) executor.Finish(ids[i] + "-0-1", 143);
    engine.RunUntilIdle();
    ASSERT_EQ(engine.ActiveCount(), 0u) << "wave " << wave;
    executor.ForgetFinished();
    if (wave == kWaves / 10 - 1) after_first_tenth = ResidentBytes();
  }
  size_t at_end = ResidentBytes();
  EXPECT_EQ(engine.BookkeepingSize(), 0u);
  EXPECT_TRUE(store.value()->ListRecordsWithStatus(kRecordTaskStop, kTaskStopPending)->empty());
  EXPECT_TRUE(store.value()->ListRecordsWithStatus(kRecordExecution, kExecutionRunning)->empty());
  EXPECT_TRUE(store.value()->ListActiveJobVersions()->empty());
  auto sample = store.value()->GetJob(
      json::parse(Call(api, "GET", "/jobs?workflowName=soak&limit=1", "").body)[0]["id"]);
  ASSERT_TRUE(sample.ok());
  EXPECT_EQ(sample->status, JobStatus::kSucceeded);
  std::printf("resident memory: %.1f MiB after %d jobs, %.1f MiB after %d jobs (ratio %.3f)\n",
              after_first_tenth / 1048576.0, kWaves / 10 * kJobsPerWave, at_end / 1048576.0,
              kWaves * kJobsPerWave, static_cast<double>(at_end) / after_first_tenth);
  EXPECT_LE(at_end, after_first_tenth * 11 / 10);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wfm
