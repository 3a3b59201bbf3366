// What a power loss leaves of the SQLite store: every write it acknowledged in the default
// (durable) mode, and not necessarily in relaxed mode. The power-loss VFS keeps a copy of each
// file as of its last fsync; the copies are opened fresh as another process would after a reboot.
// Also the group commit: concurrent writers share a commit, and a write undone leaves the others.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <latch>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "api/api.h"
#include "core/clock.h"
#include "core/ids.h"
#include "durability/power_loss_vfs.h"
#include "engine/execution_engine.h"
#include "engine/job_rules.h"
#include "executor/fake/fake_executor.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/sqlite_store.h"

namespace wfm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Workflow TwoStates(const std::string& name) {
  Workflow w;
  w.id = NewUuid();
  w.name = name;
  w.start_at = "a";
  w.states = {State{"a", "Task", "", "b", "r:1", false}, State{"b", "Task", "", "", "r:1", true}};
  w.created_at = 1000;
  return w;
}

// Stores a workflow of two states named `name` and a job of it; returns the job.
Job StoreAJob(Store& store, const std::string& name) {
  Workflow w = TwoStates(name);
  EXPECT_TRUE(store.CreateWorkflow(w).ok());
  Job job = NewJob(w, NewUuid(), "[]", 2000);
  EXPECT_TRUE(store.CreateJob(job).ok());
  return job;
}

class SqliteDurability : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wfm-durability-" + NewUuid());
    fs::create_directories(dir_ / "live");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<SqliteStore> OpenLive(bool durable) {
    auto store = SqliteStore::Open((dir_ / "live" / "wfm.db").string(),
                                   SqliteOptions{durable, testing::PowerLossVfsName()});
    EXPECT_TRUE(store.ok()) << store.error().message;
    return std::move(store.value());
  }
  // The files as a power loss right now would leave them, opened by a fresh store.
  std::unique_ptr<SqliteStore> OpenAfterPowerLoss() {
    fs::path image = dir_ / ("image-" + std::to_string(images_++));
    testing::ImageAfterPowerLoss((dir_ / "live").string(), image.string());
    auto store = SqliteStore::Open((image / "wfm.db").string());
    EXPECT_TRUE(store.ok()) << store.error().message;
    return std::move(store.value());
  }

  fs::path dir_;
  int images_ = 0;
};

TEST_F(SqliteDurability, AnAcknowledgedJobSurvivesAPowerLoss) {
  auto live = OpenLive(true);
  Job job = StoreAJob(*live, "survives");
  auto after = OpenAfterPowerLoss();
  auto stored = after->GetJob(job.id);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->workflow.name, "survives");
  EXPECT_TRUE(after->GetWorkflow("survives", 0).ok());
}

// The simulation can tell: in relaxed mode the commit is not fsynced, and the power loss takes it.
TEST_F(SqliteDurability, RelaxedModeMayLoseTheLastCommitsToAPowerLoss) {
  auto live = OpenLive(false);
  Job job = StoreAJob(*live, "lost");
  ASSERT_TRUE(live->GetJob(job.id).ok());
  auto after = OpenAfterPowerLoss();
  EXPECT_FALSE(after->GetJob(job.id).ok());
}

TEST_F(SqliteDurability, AJobThe200AnsweredSurvivesAPowerLossWhileTheEngineRuns) {
  auto live = OpenLive(true);
  FakeClock clock;
  FakeExecutor executor{clock};
  ExecutionEngine engine{*live, executor, clock, ExecutionEngineOptions{1.0, 5, 5}};
  Api api{*live, engine, clock, [](const std::string&) -> Result<std::string> { return std::string(); },
          "openapi: 3.0.3\n"};
  engine.Start();
  std::ifstream in(WFM_SOURCE_DIR "/data/hello-workflow.post.json");
  std::stringstream hello;
  hello << in.rdbuf();
  ASSERT_EQ(api.Handle(HttpRequest{"POST", "/workflows", hello.str(), {}, ""}).status, 201);
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    HttpResponse created = api.Handle(
        HttpRequest{"POST", "/jobs", R"({"workflow":{"name":"hello-workflow"},"data":["x"]})", {}, ""});
    ASSERT_EQ(created.status, 200) << created.body;
    ids.push_back(json::parse(created.body)["id"]);
    auto after = OpenAfterPowerLoss();  // right after the answer, the engine still writing
    for (const auto& id : ids) EXPECT_TRUE(after->GetJob(id).ok()) << "job " << id << " lost";
  }
  engine.Stop();
}

TEST_F(SqliteDurability, ConcurrentWritersShareCommitsAndAllSurvive) {
  auto live = OpenLive(true);
  Workflow w = TwoStates("shared");
  ASSERT_TRUE(live->CreateWorkflow(w).ok());
  int64_t commits_before = live->commits();
  constexpr int kThreads = 8, kJobsEach = 40;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kJobsEach; ++i) {
        Job job = NewJob(w, NewUuid(), "[]", 2000);
        if (live->CreateJob(job).ok()) ids[t].push_back(job.id);
      }
    });
  }
  for (auto& writer : writers) writer.join();
  auto after = OpenAfterPowerLoss();
  int found = 0;
  for (const auto& list : ids) {
    EXPECT_EQ(list.size(), static_cast<size_t>(kJobsEach));
    for (const auto& id : list) found += after->GetJob(id).ok();
  }
  EXPECT_EQ(found, kThreads * kJobsEach);
  EXPECT_LE(live->commits() - commits_before, kThreads * kJobsEach);
}

// A leader's group: the writers queued behind a commit in progress go together into the next one,
// and one of them undoing its write (or throwing) leaves the others' writes in place.
TEST(GroupCommit, WritersQueuedBehindACommitShareTheNextAndFailOneByOne) {
  fs::path path = fs::temp_directory_path() / ("wfm-group-" + NewUuid() + ".db");
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE t (v INTEGER)");
    sqlite::GroupCommit group(db);
    std::atomic<bool> release{false};
    std::latch first_running(1);
    std::thread first([&] {
      ASSERT_TRUE(group
                      .Run([&](SQLite::Database& d) {
                        first_running.count_down();
                        while (!release.load()) std::this_thread::yield();
                        d.exec("INSERT INTO t VALUES (0)");
                        return true;
                      })
                      .ok());
    });
    first_running.wait();
    constexpr int kQueued = 6;
    std::vector<Status> results(kQueued, OkStatus());
    std::vector<std::thread> queued;
    for (int i = 1; i <= kQueued; ++i) {
      queued.emplace_back([&, i] {
        results[i - 1] = group.Run([i](SQLite::Database& d) {
          d.exec("INSERT INTO t VALUES (" + std::to_string(i) + ")");
          if (i == 2) d.exec("INSERT INTO no_such_table VALUES (1)");  // throws: undone
          return i != 3;                                                // 3 undoes itself
        });
      });
    }
    while (group.queued() < kQueued) std::this_thread::yield();
    release = true;
    first.join();
    for (auto& thread : queued) thread.join();
    EXPECT_EQ(group.commits(), 2);  // the first alone, then the six together
    for (int i = 1; i <= kQueued; ++i) EXPECT_EQ(results[i - 1].ok(), i != 2) << i;
    SQLite::Statement sum(db, "SELECT COUNT(*), SUM(v) FROM t");
    ASSERT_TRUE(sum.executeStep());
    EXPECT_EQ(sum.getColumn(0).getInt(), 5);                  // 0, 1, 4, 5, 6
    EXPECT_EQ(sum.getColumn(1).getInt(), 0 + 1 + 4 + 5 + 6);  // not 2, not 3
  }
  fs::remove(path);
}

}  // namespace
}  // namespace wfm
