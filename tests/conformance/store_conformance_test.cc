// One suite, every Store: each test runs against memory and an SQLite file.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

#include "core/ids.h"
#include "model/json.h"
#include "store/memory/memory_store.h"
#include "store/postgres/postgres_store.h"
#include "store/schema/migrations.h"
#include "store/sqlite/sqlite_store.h"

namespace wfm {
namespace {

namespace fs = std::filesystem;

// The test server's URL (tests/pg/postgres_server.sh, started by ctest). Missing: a failure.
std::string PostgresUrl() {
  const char* file = std::getenv("WFM_TEST_POSTGRES_URL_FILE");
  std::ifstream in(file ? file : "");
  std::string url;
  std::getline(in, url);
  if (url.empty()) {
    ADD_FAILURE() << "no PostgreSQL test server: WFM_TEST_POSTGRES_URL_FILE is unset or empty "
                     "(ctest starts one with tests/pg/postgres_server.sh)";
  }
  return url;
}

// A fresh, empty database on the test server for each test.
std::unique_ptr<Store> OpenFreshPostgres() {
  std::string url = PostgresUrl();
  if (url.empty()) return nullptr;
  std::string name = "t" + NewUuid().substr(0, 8);
  try {
    pqxx::connection admin(url);
    pqxx::nontransaction txn(admin);
    txn.exec0("CREATE DATABASE " + name);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "can't create a test database: " << e.what();
    return nullptr;
  }
  auto store = PostgresStore::Open(url.substr(0, url.rfind('/') + 1) + name);
  if (!store.ok()) {
    ADD_FAILURE() << store.error().message;
    return nullptr;
  }
  return std::move(store.value());
}

struct StoreFactory {
  std::string name;
  // Opens the store; calling it again must reopen the same data where the store persists it.
  std::function<std::unique_ptr<Store>(const fs::path& dir)> open;
};

void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

class StoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wfm-store-" + NewUuid());
    fs::create_directories(dir_);
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  static Workflow MakeWorkflow(const std::string& name, const std::string& description = "") {
    Workflow w;
    w.id = NewUuid();
    w.name = name;
    w.description = description;
    w.start_at = "a";
    w.states = {State{"a", "Task", "", "b", "r", false}, State{"b", "Task", "", "", "r", true}};
    w.created_at = 1000;
    return w;
  }

  static Job MakeJob(const Workflow& w, TimestampMs created_at) {
    Job job;
    job.id = NewUuid();
    job.workflow = w;
    job.data_json = R"(["x"])";
    job.created_at = created_at;
    for (const auto& s : w.states) {
      Task t;
      t.state = s.name;
      t.status = s.name == w.start_at ? TaskStatus::kQueued : TaskStatus::kWaitingForDeps;
      job.tasks.push_back(t);
    }
    return job;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformance, CreatesWorkflowsAtRevisionZeroAndRejectsDuplicates) {
  auto created = store_->CreateWorkflow(MakeWorkflow("wf", "first"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->revision, 0);
  auto again = store_->CreateWorkflow(MakeWorkflow("wf"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->GetWorkflow("wf", -1)->description, "first");
}

TEST_P(StoreConformance, AddsRevisionsAndReadsAnyOfThem) {
  ASSERT_TRUE(store_->CreateWorkflow(MakeWorkflow("wf", "r0")).ok());
  auto r1 = store_->AddWorkflowRevision(MakeWorkflow("wf", "r1"));
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->revision, 1);
  EXPECT_EQ(store_->AddWorkflowRevision(MakeWorkflow("wf", "r2"))->revision, 2);
  EXPECT_EQ(store_->GetWorkflow("wf", -1)->description, "r2");
  EXPECT_EQ(store_->GetWorkflow("wf", 0)->description, "r0");
  EXPECT_EQ(store_->GetWorkflow("wf", 1)->revision, 1);
  EXPECT_EQ(store_->GetWorkflow("wf", 3).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetWorkflow("other", -1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->AddWorkflowRevision(MakeWorkflow("other")).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, ListsTheLatestRevisionOfEachWorkflowByName) {
  ASSERT_TRUE(store_->CreateWorkflow(MakeWorkflow("b", "b0")).ok());
  ASSERT_TRUE(store_->CreateWorkflow(MakeWorkflow("a", "a0")).ok());
  ASSERT_TRUE(store_->AddWorkflowRevision(MakeWorkflow("b", "b1")).ok());
  auto list = store_->ListWorkflows();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "a");
  EXPECT_EQ((*list)[1].description, "b1");
  EXPECT_EQ((*list)[1].states.size(), 2u);
}

TEST_P(StoreConformance, CreatesAndReadsJobsWhole) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  Job job = MakeJob(w, 5000);
  ASSERT_TRUE(store_->CreateJob(job).ok());
  EXPECT_EQ(store_->CreateJob(job).error().code, ErrorCode::kAlreadyExists);
  auto read = store_->GetJob(job.id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->version, 1);
  EXPECT_EQ(read->data_json, R"(["x"])");
  EXPECT_EQ(read->tasks.size(), 2u);
  EXPECT_EQ(read->workflow.name, "wf");
  EXPECT_EQ(store_->GetJob(NewUuid()).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, ListsJobsNewestFirstInPages) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  auto other = store_->CreateWorkflow(MakeWorkflow("other")).value();
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    Job job = MakeJob(w, 1000 + i / 2);  // pairs share a timestamp: ties break by id
    ids.push_back(job.id);
    ASSERT_TRUE(store_->CreateJob(job).ok());
  }
  ASSERT_TRUE(store_->CreateJob(MakeJob(other, 5000)).ok());
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = store_->ListJobs("wf", token, 3);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const auto& job : page->jobs) seen.push_back(job.id);
    token = page->next_page_token;
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 7u);
  for (size_t i = 1; i < seen.size(); ++i) {
    auto a = store_->GetJob(seen[i - 1]).value(), b = store_->GetJob(seen[i]).value();
    EXPECT_TRUE(std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id));
  }
  EXPECT_EQ(store_->ListJobs("none", "", 10)->jobs.size(), 0u);
  EXPECT_EQ(store_->ListJobs("wf", "garbage", 10).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListJobs("wf", "", 0).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, CommitsAgainstExpectedVersionsInOneBatch) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  Job a = MakeJob(w, 1), b = MakeJob(w, 2);
  ASSERT_TRUE(store_->CreateJob(a).ok());
  ASSERT_TRUE(store_->CreateJob(b).ok());
  a.status = JobStatus::kRunning;
  b.status = JobStatus::kSucceeded;
  CommitBatch batch;
  batch.jobs.push_back({a, 1});
  batch.jobs.push_back({b, 7});  // stale
  auto conflicts = store_->Commit(batch);
  ASSERT_TRUE(conflicts.ok());
  EXPECT_EQ(conflicts.value(), std::vector<std::string>{b.id});
  EXPECT_EQ(batch.jobs[0].job.version, 2);
  EXPECT_EQ(store_->GetJob(a.id)->status, JobStatus::kRunning);
  EXPECT_EQ(store_->GetJob(a.id)->version, 2);
  EXPECT_EQ(store_->GetJob(b.id)->status, JobStatus::kQueued);
}

TEST_P(StoreConformance, ListsOnlyActiveJobsOldestFirst) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  Job done = MakeJob(w, 1), late = MakeJob(w, 3), early = MakeJob(w, 2);
  for (const Job* j : {&done, &late, &early}) ASSERT_TRUE(store_->CreateJob(*j).ok());
  done.status = JobStatus::kFailed;
  CommitBatch batch;
  batch.jobs.push_back({done, 1});
  ASSERT_TRUE(store_->Commit(batch).ok());
  auto active = store_->ListActiveJobs();
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 2u);
  EXPECT_EQ((*active)[0].id, early.id);
  EXPECT_EQ((*active)[1].id, late.id);
  EXPECT_EQ(store_->ListActiveJobIds().value(), (std::vector<std::string>{early.id, late.id}));
}

TEST_P(StoreConformance, KeepsCancelCommandsUntilConsumed) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  Job job = MakeJob(w, 1), finished = MakeJob(w, 2);
  ASSERT_TRUE(store_->CreateJob(job).ok());
  ASSERT_TRUE(store_->CreateJob(finished).ok());
  finished.status = JobStatus::kSucceeded;
  CommitBatch finish;
  finish.jobs.push_back({finished, 1});
  ASSERT_TRUE(store_->Commit(finish).ok());

  auto command = store_->AddCancelCommand(job.id, "because", 42);
  ASSERT_TRUE(command.ok());
  EXPECT_EQ(store_->AddCancelCommand(NewUuid(), "x", 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->AddCancelCommand(finished.id, "x", 1).error().code, ErrorCode::kConflict);
  auto pending = store_->ListCancelCommands();
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].job_id, job.id);
  EXPECT_EQ((*pending)[0].reason, "because");
  EXPECT_EQ((*pending)[0].created_at, 42);

  CommitBatch consume;
  consume.consumed_commands.push_back(command->id);
  ASSERT_TRUE(store_->Commit(consume).ok());
  EXPECT_TRUE(store_->ListCancelCommands()->empty());
}

TEST_P(StoreConformance, ServesReadsWhileCommitting) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  Job job = MakeJob(w, 1);
  ASSERT_TRUE(store_->CreateJob(job).ok());
  std::thread writer([&] {
    int64_t version = 1;
    for (int i = 0; i < 200; ++i) {
      CommitBatch batch;
      job.status_reason = std::to_string(i);
      batch.jobs.push_back({job, version});
      auto conflicts = store_->Commit(batch);
      ASSERT_TRUE(conflicts.ok() && conflicts->empty());
      version = batch.jobs[0].job.version;
    }
  });
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(store_->GetJob(job.id).ok());
  writer.join();
  EXPECT_EQ(store_->GetJob(job.id)->version, 201);
  EXPECT_TRUE(store_->Ping().ok());
}

TEST_P(StoreConformance, KeepsTokensByIdAndNameUntilDeleted) {
  ApiToken reader{NewUuid(), "ci-reader", TokenScope::kRead, std::string(64, 'a'), 10};
  ApiToken admin{NewUuid(), "ops", TokenScope::kAdmin, std::string(64, 'b'), 20};
  ASSERT_TRUE(store_->CreateToken(reader).ok());
  ASSERT_TRUE(store_->CreateToken(admin).ok());
  ApiToken same_name{NewUuid(), "ops", TokenScope::kWrite, std::string(64, 'c'), 30};
  EXPECT_EQ(store_->CreateToken(same_name).error().code, ErrorCode::kAlreadyExists);

  auto tokens = store_->ListTokens();
  ASSERT_TRUE(tokens.ok()) << tokens.error().message;
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].id, reader.id);
  EXPECT_EQ((*tokens)[0].name, "ci-reader");
  EXPECT_EQ((*tokens)[0].scope, TokenScope::kRead);
  EXPECT_EQ((*tokens)[0].sha256_hex, reader.sha256_hex);
  EXPECT_EQ((*tokens)[0].created_at, 10);
  EXPECT_EQ((*tokens)[1].scope, TokenScope::kAdmin);

  auto by_name = store_->DeleteToken("ops");
  ASSERT_TRUE(by_name.ok()) << by_name.error().message;
  EXPECT_EQ(by_name->id, admin.id);
  auto by_id = store_->DeleteToken(reader.id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->name, "ci-reader");
  EXPECT_EQ(store_->DeleteToken("ops").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->ListTokens()->empty());
}

TEST_P(StoreConformance, DeletesOneTokenWhenAnIdIsAlsoAnotherTokensName) {
  ApiToken first{NewUuid(), "first", TokenScope::kRead, std::string(64, 'a'), 1};
  ApiToken named_like_first{NewUuid(), first.id, TokenScope::kRead, std::string(64, 'b'), 2};
  ASSERT_TRUE(store_->CreateToken(first).ok());
  ASSERT_TRUE(store_->CreateToken(named_like_first).ok());
  EXPECT_EQ(store_->DeleteToken(first.id)->id, first.id);
  ASSERT_EQ(store_->ListTokens()->size(), 1u);
  EXPECT_EQ(store_->ListTokens()->front().id, named_like_first.id);
}

TEST_P(StoreConformance, RecordsASettingOnceAndForgetsItOnRequest) {
  auto first = store_->GetOrPutSetting("tasks-dir", "A");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first.value(), "A");
  EXPECT_EQ(store_->GetOrPutSetting("tasks-dir", "B").value(), "A");
  EXPECT_EQ(store_->GetOrPutSetting("other", "C").value(), "C");
  ASSERT_TRUE(store_->DeleteSetting("tasks-dir").ok());
  ASSERT_TRUE(store_->DeleteSetting("tasks-dir").ok());
  EXPECT_EQ(store_->GetOrPutSetting("tasks-dir", "B").value(), "B");
  EXPECT_EQ(store_->GetOrPutSetting("other", "D").value(), "C");
}

TEST_P(StoreConformance, GivesRacingSettersOneValue) {
  constexpr int kRacers = 8;
  std::vector<std::string> seen(kRacers);
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&, i] {
      auto value = store_->GetOrPutSetting("key", std::to_string(i));
      seen[i] = value.ok() ? value.value() : "error: " + value.error().message;
    });
  }
  for (auto& racer : racers) racer.join();
  for (const auto& value : seen) EXPECT_EQ(value, seen[0]);
  EXPECT_EQ(seen[0].size(), 1u) << seen[0];
}

INSTANTIATE_TEST_SUITE_P(
    AllStores, StoreConformance,
    ::testing::Values(
        StoreFactory{
            "memory",
            [](const fs::path&) { return std::unique_ptr<Store>(new MemoryStore); },
        },
        StoreFactory{"sqlite",
                     [](const fs::path& dir) -> std::unique_ptr<Store> {
                       auto store = SqliteStore::Open((dir / "wfm.db").string());
                       if (!store.ok()) return nullptr;
                       return std::move(store.value());
                     }},
        StoreFactory{"postgres", [](const fs::path&) { return OpenFreshPostgres(); }}),
    [](const auto& info) { return info.param.name; });

TEST(SqliteStore, KeepsEverythingAcrossAReopen) {
  fs::path dir = fs::temp_directory_path() / ("wfm-reopen-" + NewUuid());
  fs::create_directories(dir);
  std::string path = (dir / "wfm.db").string();
  Workflow w;
  w.id = NewUuid();
  w.name = "wf";
  w.start_at = "a";
  w.states = {State{"a", "Task", "", "", "r", true}};
  Job job;
  job.id = NewUuid();
  job.workflow = w;
  job.data_json = "[]";
  job.created_at = 1;
  {
    auto store = SqliteStore::Open(path).value();
    ASSERT_TRUE(store->CreateWorkflow(w).ok());
    ASSERT_TRUE(store->CreateJob(job).ok());
    ASSERT_TRUE(store->AddCancelCommand(job.id, "r", 1).ok());
  }
  auto store = SqliteStore::Open(path);  // migrations run again: harmless
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->GetJob(job.id)->id, job.id);
  EXPECT_EQ((*store)->GetWorkflow("wf", 0)->name, "wf");
  EXPECT_EQ((*store)->ListCancelCommands()->size(), 1u);
  store.value().reset();
  fs::remove_all(dir);
}

TEST(SqliteStore, UpgradesADatabaseOfTheFirstSchemaKeepingItsData) {
  fs::path dir = fs::temp_directory_path() / ("wfm-upgrade-" + NewUuid());
  fs::create_directories(dir);
  std::string path = (dir / "wfm.db").string();
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
    db.exec(kSqliteMigrations.at(0).sql);
    db.exec("INSERT INTO schema_migrations (version) VALUES (1)");
    Workflow w;
    w.id = NewUuid();
    w.name = "old";
    w.start_at = "a";
    w.states = {State{"a", "Task", "", "", "r", true}};
    SQLite::Statement insert(db, "INSERT INTO workflows (name, revision, doc) VALUES (?, 0, ?)");
    insert.bind(1, w.name);
    insert.bind(2, WorkflowToJson(w).dump());
    insert.exec();
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->GetWorkflow("old", 0)->name, "old");
  ApiToken token{NewUuid(), "t", TokenScope::kAdmin, std::string(64, 'a'), 1};
  EXPECT_TRUE((*store)->CreateToken(token).ok());
  EXPECT_EQ((*store)->GetOrPutSetting("k", "v").value(), "v");
  store.value().reset();
  fs::remove_all(dir);
}

TEST(SqliteStore, RefusesAnUnusablePath) {
  auto store = SqliteStore::Open("/proc/no/such/dir/wfm.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(store.error().message.find("/proc/no/such/dir/wfm.db"), std::string::npos);
}

TEST(SqliteStore, LetsOneEngineClaimADatabaseWhileOthersStillRead) {
  fs::path dir = fs::temp_directory_path() / ("wfm-claim-" + NewUuid());
  fs::create_directories(dir);
  std::string path = (dir / "wfm.db").string();
  auto first = SqliteStore::Open(path).value();
  ASSERT_TRUE(first->ClaimForEngine().ok());
  ASSERT_TRUE(first->ClaimForEngine().ok());  // again: harmless

  auto second = SqliteStore::Open(path).value();
  auto refused = second->ClaimForEngine();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(refused.error().message.find(path), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("pid " + std::to_string(getpid())), std::string::npos)
      << refused.error().message;
  ApiToken token{NewUuid(), "t", TokenScope::kRead, std::string(64, 'a'), 1};
  EXPECT_TRUE(second->CreateToken(token).ok());  // token subcommands work beside a service
  EXPECT_EQ(first->ListTokens()->size(), 1u);

  first.reset();  // the lock goes with the store
  EXPECT_TRUE(second->ClaimForEngine().ok());
  second.reset();
  fs::remove_all(dir);
}

TEST(MemoryStore, LetsEveryEngineClaimIt) {
  MemoryStore memory;
  EXPECT_TRUE(memory.ClaimForEngine().ok());
  EXPECT_TRUE(memory.ClaimForEngine().ok());
}

}  // namespace
}  // namespace wfm
