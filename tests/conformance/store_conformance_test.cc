// One suite, every Store: each test runs against memory, an SQLite file and PostgreSQL.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "core/ids.h"
#include "model/json.h"
#include "store/memory/memory_store.h"
#include "store/postgres/postgres_store.h"
#include "store/record_sql.h"
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
  auto revisions = store_->ListWorkflowRevisions("wf");
  ASSERT_TRUE(revisions.ok()) << revisions.error().message;
  ASSERT_EQ(revisions->size(), 3u);
  EXPECT_EQ((*revisions)[0].description, "r2");
  EXPECT_EQ((*revisions)[2].revision, 0);
  EXPECT_EQ(store_->ListWorkflowRevisions("other").error().code, ErrorCode::kNotFound);
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
    auto page = store_->ListJobs(JobFilter{"wf", {}, 0, 0}, token, 3);
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
  EXPECT_EQ(store_->ListJobs(JobFilter{"none", {}, 0, 0}, "", 10)->jobs.size(), 0u);
  EXPECT_EQ(store_->ListJobs(JobFilter{"wf", {}, 0, 0}, "garbage", 10).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListJobs(JobFilter{"wf", {}, 0, 0}, "", 0).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, ListsJobsByWorkflowStatusAndTimeInPages) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  auto other = store_->CreateWorkflow(MakeWorkflow("other")).value();
  const JobStatus kStatuses[] = {JobStatus::kQueued, JobStatus::kFailed, JobStatus::kSucceeded};
  std::vector<Job> jobs;  // created at 1000, 1010, ... 1110; every third of each status
  for (int i = 0; i < 12; ++i) {
    Job job = MakeJob(i % 2 == 0 ? w : other, 1000 + 10 * i);
    job.status = kStatuses[i % 3];
    ASSERT_TRUE(store_->CreateJob(job).ok());
    jobs.push_back(job);
  }
  // Every page of `filter`, two jobs a page: the ids in order.
  auto list = [&](const JobFilter& filter) {
    std::vector<std::string> ids;
    std::string token;
    do {
      auto page = store_->ListJobs(filter, token, 2);
      EXPECT_TRUE(page.ok()) << page.error().message;
      if (!page.ok()) break;
      for (const auto& job : page->jobs) ids.push_back(job.id);
      token = page->next_page_token;
    } while (!token.empty());
    return ids;
  };
  auto expected = [&](const JobFilter& filter) {
    std::vector<std::string> ids;
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
      if (filter.Passes(*it)) ids.push_back(it->id);
    }
    return ids;
  };
  JobFilter all;
  EXPECT_EQ(list(all).size(), 12u);
  EXPECT_EQ(list(all), expected(all));
  JobFilter failed;
  failed.status = JobStatus::kFailed;
  EXPECT_EQ(list(failed).size(), 4u);
  EXPECT_EQ(list(failed), expected(failed));
  JobFilter window;
  window.since = 1020;
  window.until = 1080;  // 1020 .. 1070: six jobs
  EXPECT_EQ(list(window).size(), 6u);
  EXPECT_EQ(list(window), expected(window));
  JobFilter narrow{"wf", JobStatus::kQueued, 1000, 1070};  // wf at 1000, 1060 (queued: i = 0, 6)
  EXPECT_EQ(list(narrow).size(), 2u);
  EXPECT_EQ(list(narrow), expected(narrow));
  JobFilter none{"other", JobStatus::kQueued, 0, 0};  // odd i never has status index 0 with i%2
  EXPECT_EQ(list(none), expected(none));
  JobFilter later;
  later.since = 5000;
  EXPECT_TRUE(list(later).empty());
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
  auto active = store_->ListActiveJobs(PageCursor{}, 100);
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 2u);
  EXPECT_EQ((*active)[0].id, early.id);
  EXPECT_EQ((*active)[1].id, late.id);
  EXPECT_EQ(store_->ListActiveJobVersions().value(),
            (std::vector<JobVersion>{{early.id, 1}, {late.id, 1}}));
}

TEST_P(StoreConformance, PagesThroughActiveJobsOldestFirst) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  std::vector<std::string> expected;
  for (int i = 0; i < 7; ++i) {
    Job job = MakeJob(w, 1000 + i / 2);  // pairs share a timestamp: ties break by id
    ASSERT_TRUE(store_->CreateJob(job).ok());
    if (i == 3) {  // one ended: not listed
      job.status = JobStatus::kSucceeded;
      CommitBatch batch;
      batch.jobs.push_back({job, 1});
      ASSERT_TRUE(store_->Commit(batch).ok());
    } else {
      expected.push_back(job.id);
    }
  }
  std::sort(expected.begin(), expected.end(), [&](const std::string& a, const std::string& b) {
    auto ja = store_->GetJob(a).value(), jb = store_->GetJob(b).value();
    return std::tie(ja.created_at, ja.id) < std::tie(jb.created_at, jb.id);
  });
  std::vector<std::string> listed;
  PageCursor after;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = store_->ListActiveJobs(after, 2);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const Job& job : page.value()) listed.push_back(job.id);
    if (page->size() < 2) break;
    after = PageCursor{false, page->back().created_at, page->back().id};
  }
  EXPECT_EQ(listed, expected);
}

TEST_P(StoreConformance, KeepsAJobsExecutionInItsRowAndTheJobActiveWhileItIsKept) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  Job job = MakeJob(w, 1);
  job.execution = R"({"run":1})";
  ASSERT_TRUE(store_->CreateJob(job).ok());
  EXPECT_EQ(store_->GetJob(job.id)->execution, job.execution);
  // Ended, its execution still kept (a task not yet seen stopping): still active.
  job.status = JobStatus::kCancelled;
  job.execution = R"({"run":2})";
  CommitBatch ended;
  ended.jobs.push_back({job, 1});
  ASSERT_TRUE(store_->Commit(ended).value().empty());
  EXPECT_EQ(store_->GetJob(job.id)->execution, job.execution);
  EXPECT_EQ(store_->ListActiveJobVersions().value(), (std::vector<JobVersion>{{job.id, 2}}));
  ASSERT_EQ(store_->ListActiveJobs(PageCursor{}, 100)->size(), 1u);
  EXPECT_EQ(store_->ListActiveJobs(PageCursor{}, 100)->at(0).execution, job.execution);
  // Done with: no longer active, and the execution is gone from the row.
  job.execution.clear();
  CommitBatch done;
  done.jobs.push_back({job, 2});
  ASSERT_TRUE(store_->Commit(done).value().empty());
  EXPECT_EQ(store_->GetJob(job.id)->execution, "");
  EXPECT_TRUE(store_->ListActiveJobVersions()->empty());
  EXPECT_TRUE(store_->ListActiveJobs(PageCursor{}, 100)->empty());
  EXPECT_EQ(store_->ListJobs(JobFilter{"wf", {}, 0, 0}, "", 10)->jobs.at(0).status, JobStatus::kCancelled);
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

// --- Records and histories (the Step Functions face's documents and events) ---

Record MakeRecord(const std::string& kind, const std::string& key, TimestampMs created_at,
                  const std::string& parent = "", const std::string& status = "") {
  return Record{kind, key, parent, status, created_at, R"({"key":")" + key + R"("})", 0};
}

std::string ExecutionArn(int i) {
  return "arn:aws:states:us-east-1:123456789012:execution:sm:run-" + std::to_string(i);
}

// Ids of an execution's whole history in id order, read in pages of `limit`.
std::vector<int64_t> HistoryIds(Store& store, const std::string& execution, int limit = 1000) {
  std::vector<int64_t> ids;
  for (int64_t from = 1;;) {
    auto page = store.ReadHistory(execution, from, limit, false);
    EXPECT_TRUE(page.ok()) << page.error().message;
    if (!page.ok() || page->empty()) return ids;
    for (const auto& event : page.value()) ids.push_back(event.id);
    from = page->back().id + 1;
  }
}

TEST_P(StoreConformance, CreatesReadsUpdatesAndDeletesRecords) {
  Record machine = MakeRecord(kRecordStateMachine, "arn:sm:a", 100);
  ASSERT_TRUE(store_->CreateRecord(machine).ok());
  Record execution = MakeRecord(kRecordExecution, "arn:exec:1", 200, "arn:sm:a", "RUNNING");
  execution.version = 42;  // ignored
  ASSERT_TRUE(store_->CreateRecord(execution).ok());
  auto read = store_->GetRecord(kRecordExecution, "arn:exec:1");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->kind, kRecordExecution);
  EXPECT_EQ(read->key, "arn:exec:1");
  EXPECT_EQ(read->parent, "arn:sm:a");
  EXPECT_EQ(read->status, "RUNNING");
  EXPECT_EQ(read->created_at, 200);
  EXPECT_EQ(read->body, execution.body);
  EXPECT_EQ(read->version, 1);

  auto duplicate = store_->CreateRecord(MakeRecord(kRecordExecution, "arn:exec:1", 300));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);
  // Keys are unique within a kind only.
  EXPECT_TRUE(store_->CreateRecord(MakeRecord(kRecordActivity, "arn:exec:1", 300)).ok());
  EXPECT_EQ(store_->GetRecord(kRecordExecution, "arn:exec:1")->created_at, 200);

  Record changed = *read;
  changed.status = "SUCCEEDED";
  changed.body = R"({"output":1})";
  changed.created_at = 999;  // an update keeps the stored creation time
  ASSERT_TRUE(store_->UpdateRecord(changed, 1).ok());
  read = store_->GetRecord(kRecordExecution, "arn:exec:1");
  EXPECT_EQ(read->version, 2);
  EXPECT_EQ(read->status, "SUCCEEDED");
  EXPECT_EQ(read->body, R"({"output":1})");
  EXPECT_EQ(read->created_at, 200);
  auto stale = store_->UpdateRecord(changed, 1);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->GetRecord(kRecordExecution, "arn:exec:1")->version, 2);
  EXPECT_EQ(store_->UpdateRecord(MakeRecord(kRecordExecution, "arn:none", 1), 1).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetRecord(kRecordExecution, "arn:none").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetRecord(kRecordStateMachine, "arn:exec:1").error().code,
            ErrorCode::kNotFound);

  ASSERT_TRUE(store_->DeleteRecord(kRecordExecution, "arn:exec:1").ok());
  EXPECT_EQ(store_->GetRecord(kRecordExecution, "arn:exec:1").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteRecord(kRecordExecution, "arn:exec:1").error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(store_->GetRecord(kRecordActivity, "arn:exec:1").ok());
  EXPECT_TRUE(store_->GetRecord(kRecordStateMachine, "arn:sm:a").ok());
  EXPECT_TRUE(store_->ListRecords({kRecordExecution, "", "", "", 10})->records.empty());
}

TEST_P(StoreConformance, PagesThroughRecordsNewestFirstByKindParentAndStatus) {
  constexpr int kRecords = 2500;
  const std::vector<std::string> parents{"arn:sm:a", "arn:sm:b", "arn:sm:c"};
  const std::vector<std::string> statuses{"RUNNING", "SUCCEEDED", "FAILED", "ABORTED"};
  std::vector<Record> all;
  CommitBatch batch;
  for (int i = 0; i < kRecords; ++i) {
    // Runs of up to seven share a creation time: ties are broken by key, descending.
    Record r = MakeRecord(kRecordExecution, ExecutionArn(i), 1000 + i / 7, parents[i % 3],
                          statuses[(i / 3) % 4]);
    all.push_back(r);
    batch.records.push_back({r, 0});
    if (batch.records.size() == 500) {
      ASSERT_TRUE(store_->Commit(batch).value().empty());
      batch.records.clear();
    }
  }
  for (int i = 0; i < 20; ++i) {  // another kind, same parents: never listed with executions
    ASSERT_TRUE(store_
                    ->CreateRecord(MakeRecord(kRecordStateMachineVersion, "v" + std::to_string(i),
                                              5000, parents[0], statuses[0]))
                    .ok());
  }
  std::sort(all.begin(), all.end(), [](const Record& a, const Record& b) {
    return std::tie(a.created_at, a.key) > std::tie(b.created_at, b.key);
  });
  for (const std::string& parent : {std::string(), parents[1]}) {
    for (const std::string& status : {std::string(), statuses[2]}) {
      SCOPED_TRACE("parent '" + parent + "', status '" + status + "'");
      std::vector<std::string> expected;
      for (const Record& r : all) {
        if ((parent.empty() || r.parent == parent) && (status.empty() || r.status == status)) {
          expected.push_back(r.key);
        }
      }
      std::vector<std::string> seen;
      RecordQuery query{kRecordExecution, parent, status, "", 97};
      int pages = 0;
      do {
        auto page = store_->ListRecords(query);
        ASSERT_TRUE(page.ok()) << page.error().message;
        ASSERT_LE(page->records.size(), 97u);
        for (const Record& r : page->records) {
          seen.push_back(r.key);
          EXPECT_EQ(r.version, 1);
          EXPECT_EQ(r.body, R"({"key":")" + r.key + R"("})");
        }
        query.page_token = page->next_page_token;
        ++pages;
      } while (!query.page_token.empty() && pages <= kRecords);
      EXPECT_EQ(seen, expected);  // newest first, no duplicates, no gaps
      EXPECT_EQ(pages, static_cast<int>((expected.size() + 96) / 97));
    }
  }
  EXPECT_TRUE(store_->ListRecords({kRecordExecution, "arn:sm:none", "", "", 10})->records.empty());
  EXPECT_EQ(store_->ListRecords({kRecordExecution, "", "", "garbage", 10}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListRecords({kRecordExecution, "", "", "", 0}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListRecords({kRecordExecution, "", "", "", 1001}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListRecords({"", "", "", "", 10}).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, ListsRecordsWithAStatusOldestFirst) {
  Record late = MakeRecord(kRecordExecution, "arn:exec:late", 30, "arn:sm:a", "RUNNING");
  Record early = MakeRecord(kRecordExecution, "arn:exec:early", 10, "arn:sm:b", "RUNNING");
  Record done = MakeRecord(kRecordExecution, "arn:exec:done", 20, "arn:sm:a", "SUCCEEDED");
  for (const Record* r : {&late, &early, &done}) ASSERT_TRUE(store_->CreateRecord(*r).ok());
  ASSERT_TRUE(store_->CreateRecord(MakeRecord(kRecordActivity, "arn:act", 5, "", "RUNNING")).ok());
  auto keys = [&](const std::string& status) {
    std::vector<std::string> out;
    auto records = store_->ListRecordsWithStatus(kRecordExecution, status);
    EXPECT_TRUE(records.ok()) << records.error().message;
    if (records.ok()) {
      for (const Record& r : records.value()) out.push_back(r.key);
    }
    return out;
  };
  EXPECT_EQ(keys("RUNNING"), (std::vector<std::string>{early.key, late.key}));
  early.status = "FAILED";
  ASSERT_TRUE(store_->UpdateRecord(early, 1).ok());
  EXPECT_EQ(keys("RUNNING"), std::vector<std::string>{late.key});
  EXPECT_EQ(keys("FAILED"), std::vector<std::string>{early.key});
  EXPECT_EQ(keys("TIMED_OUT"), std::vector<std::string>{});
  EXPECT_EQ(store_->ListRecords({kRecordExecution, "", "FAILED", "", 10})->records.size(), 1u);
  EXPECT_TRUE(
      store_->ListRecords({kRecordExecution, "arn:sm:b", "RUNNING", "", 10})->records.empty());
}

TEST_P(StoreConformance, CommitsJobsRecordsAndEventsTogether) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  Job job = MakeJob(w, 1);
  ASSERT_TRUE(store_->CreateJob(job).ok());
  Record contested = MakeRecord(kRecordExecution, ExecutionArn(1), 10, "arn:sm", "RUNNING");
  ASSERT_TRUE(store_->CreateRecord(contested).ok());
  ASSERT_TRUE(store_->UpdateRecord(contested, 1).ok());  // now at version 2

  CommitBatch batch;
  job.status = JobStatus::kRunning;
  batch.jobs.push_back({job, 1});
  Record fresh = MakeRecord(kRecordExecution, ExecutionArn(2), 20, "arn:sm", "RUNNING");
  batch.records.push_back({fresh, 0});
  contested.status = "SUCCEEDED";
  batch.records.push_back({contested, 1});  // stale: left alone, its events too
  Record taken = MakeRecord(kRecordExecution, ExecutionArn(1), 30);
  batch.records.push_back({taken, 0});  // a create of an existing key conflicts as well
  for (int64_t id = 1; id <= 3; ++id) {
    batch.events.push_back({fresh.key, id, R"({"id":)" + std::to_string(id) + "}"});
    batch.events.push_back({contested.key, id, "{}"});
  }
  auto conflicts = store_->Commit(batch);
  ASSERT_TRUE(conflicts.ok()) << conflicts.error().message;
  EXPECT_EQ(conflicts.value(), (std::vector<std::string>{contested.key, taken.key}));
  EXPECT_EQ(batch.jobs[0].job.version, 2);
  EXPECT_EQ(batch.records[0].record.version, 1);
  EXPECT_EQ(store_->GetJob(job.id)->status, JobStatus::kRunning);
  EXPECT_EQ(store_->GetRecord(kRecordExecution, fresh.key)->version, 1);
  auto left_alone = store_->GetRecord(kRecordExecution, contested.key);
  EXPECT_EQ(left_alone->status, "RUNNING");
  EXPECT_EQ(left_alone->version, 2);
  EXPECT_EQ(left_alone->created_at, 10);
  EXPECT_EQ(HistoryIds(*store_, fresh.key), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(store_->ReadHistory(fresh.key, 2, 1, false)->front().body, R"({"id":2})");
  EXPECT_TRUE(HistoryIds(*store_, contested.key).empty());

  // The next commit continues both histories: the contested one from its real version.
  CommitBatch next;
  next.records.push_back({contested, 2});
  next.events.push_back({contested.key, 1, "{}"});
  next.events.push_back({fresh.key, 4, "{}"});  // events without a record mutation
  ASSERT_TRUE(store_->Commit(next).value().empty());
  EXPECT_EQ(next.records[0].record.version, 3);
  EXPECT_EQ(store_->GetRecord(kRecordExecution, contested.key)->status, "SUCCEEDED");
  EXPECT_EQ(HistoryIds(*store_, contested.key), std::vector<int64_t>{1});
  EXPECT_EQ(HistoryIds(*store_, fresh.key), (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST_P(StoreConformance, AppliesMutationsOfOneRecordInBatchOrder) {
  Record r = MakeRecord(kRecordExecution, ExecutionArn(1), 10, "arn:sm", "RUNNING");
  CommitBatch batch;
  batch.records.push_back({r, 0});
  r.status = "SUCCEEDED";
  batch.records.push_back({r, 1});
  r.status = "FAILED";
  batch.records.push_back({r, 1});  // stale by then
  auto conflicts = store_->Commit(batch);
  ASSERT_TRUE(conflicts.ok()) << conflicts.error().message;
  EXPECT_EQ(conflicts.value(), std::vector<std::string>{r.key});
  EXPECT_EQ(batch.records[0].record.version, 1);
  EXPECT_EQ(batch.records[1].record.version, 2);
  auto stored = store_->GetRecord(kRecordExecution, r.key);
  EXPECT_EQ(stored->status, "SUCCEEDED");
  EXPECT_EQ(stored->version, 2);
}

TEST_P(StoreConformance, AnEventIdCollisionFailsTheWholeCommit) {
  auto w = store_->CreateWorkflow(MakeWorkflow("wf")).value();
  Job job = MakeJob(w, 1);
  ASSERT_TRUE(store_->CreateJob(job).ok());
  Record execution = MakeRecord(kRecordExecution, ExecutionArn(1), 10, "arn:sm", "RUNNING");
  CommitBatch setup;
  setup.records.push_back({execution, 0});
  setup.events.push_back({execution.key, 1, "{}"});
  setup.events.push_back({execution.key, 2, "{}"});
  ASSERT_TRUE(store_->Commit(setup).value().empty());
  auto command = store_->AddCancelCommand(job.id, "r", 1);
  ASSERT_TRUE(command.ok());

  auto try_commit = [&](std::vector<HistoryEvent> events) {
    CommitBatch batch;
    Job running = job;
    running.status = JobStatus::kRunning;
    running.version = 1;  // as read; a successful commit would make it 2
    batch.jobs.push_back({running, 1});
    batch.consumed_commands.push_back(command->id);
    Record done = execution;
    done.status = "SUCCEEDED";
    done.version = 1;
    batch.records.push_back({done, 1});
    Record other = MakeRecord(kRecordExecution, ExecutionArn(2), 20);
    batch.records.push_back({other, 0});
    batch.events = std::move(events);
    auto result = store_->Commit(batch);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kConflict);
    EXPECT_NE(result.error().message.find(execution.key), std::string::npos)
        << result.error().message;
    EXPECT_EQ(batch.jobs[0].job.version, 1);  // not set: nothing was written
    EXPECT_EQ(batch.records[0].record.version, 1);
    EXPECT_EQ(store_->GetJob(job.id)->version, 1);
    EXPECT_EQ(store_->GetJob(job.id)->status, JobStatus::kQueued);
    EXPECT_EQ(store_->ListCancelCommands()->size(), 1u);
    EXPECT_EQ(store_->GetRecord(kRecordExecution, execution.key)->status, "RUNNING");
    EXPECT_EQ(store_->GetRecord(kRecordExecution, other.key).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(HistoryIds(*store_, execution.key), (std::vector<int64_t>{1, 2}));
    EXPECT_TRUE(HistoryIds(*store_, other.key).empty());
  };
  {
    SCOPED_TRACE("an id that is stored");
    try_commit({{ExecutionArn(2), 1, "{}"}, {execution.key, 3, "{}"}, {execution.key, 2, "{}"}});
  }
  {
    SCOPED_TRACE("an id twice in the batch");
    try_commit({{ExecutionArn(2), 1, "{}"}, {execution.key, 3, "{}"}, {execution.key, 3, "{}"}});
  }
}

TEST_P(StoreConformance, ReadsHistoryForwardAndBackwardInPages) {
  const std::string execution = ExecutionArn(1), other = ExecutionArn(2);
  CommitBatch batch;
  for (int64_t id = 1; id <= 25; ++id) {
    batch.events.push_back({execution, id, R"({"id":)" + std::to_string(id) + "}"});
    batch.events.push_back({other, id, "{}"});
  }
  ASSERT_TRUE(store_->Commit(batch).ok());
  auto ids = [&](int64_t from, int limit, bool reverse) {
    std::vector<int64_t> out;
    auto events = store_->ReadHistory(execution, from, limit, reverse);
    EXPECT_TRUE(events.ok()) << events.error().message;
    if (!events.ok()) return out;
    for (const auto& e : events.value()) {
      EXPECT_EQ(e.execution, execution);
      EXPECT_EQ(e.body, R"({"id":)" + std::to_string(e.id) + "}");
      out.push_back(e.id);
    }
    return out;
  };
  auto range = [](int64_t first, int64_t last) {
    std::vector<int64_t> out;
    for (int64_t id = first; first <= last ? id <= last : id >= last;
         id += first <= last ? 1 : -1) {
      out.push_back(id);
    }
    return out;
  };
  EXPECT_EQ(ids(1, 10, false), range(1, 10));
  EXPECT_EQ(ids(11, 10, false), range(11, 20));
  EXPECT_EQ(ids(21, 10, false), range(21, 25));
  EXPECT_TRUE(ids(26, 10, false).empty());
  EXPECT_EQ(ids(0, 1000, false), range(1, 25));
  EXPECT_EQ(ids(0, 10, true), range(25, 16));
  EXPECT_EQ(ids(15, 10, true), range(15, 6));
  EXPECT_EQ(ids(5, 10, true), range(5, 1));
  EXPECT_EQ(ids(100, 3, true), range(25, 23));
  EXPECT_EQ(ids(-1, 1, true), range(25, 25));
  EXPECT_TRUE(store_->ReadHistory(ExecutionArn(3), 0, 10, true)->empty());
  EXPECT_TRUE(store_->ReadHistory(ExecutionArn(3), 1, 10, false)->empty());
  EXPECT_EQ(store_->ReadHistory(execution, 1, 0, false).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ReadHistory(execution, 1, 1001, true).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, DeletingAnExecutionDeletesItsHistoryOnly) {
  Record machine = MakeRecord(kRecordStateMachine, "arn:sm", 1);
  Record first = MakeRecord(kRecordExecution, ExecutionArn(1), 2, machine.key, "RUNNING");
  Record second = MakeRecord(kRecordExecution, ExecutionArn(2), 3, machine.key, "RUNNING");
  CommitBatch batch;
  for (const Record* r : {&machine, &first, &second}) batch.records.push_back({*r, 0});
  for (int64_t id = 1; id <= 5; ++id) {
    batch.events.push_back({first.key, id, "{}"});
    batch.events.push_back({second.key, id, "{}"});
  }
  ASSERT_TRUE(store_->Commit(batch).value().empty());
  ASSERT_TRUE(store_->DeleteRecord(kRecordExecution, first.key).ok());
  EXPECT_TRUE(HistoryIds(*store_, first.key).empty());
  EXPECT_EQ(HistoryIds(*store_, second.key).size(), 5u);
  ASSERT_TRUE(store_->DeleteRecord(kRecordStateMachine, machine.key).ok());
  EXPECT_EQ(HistoryIds(*store_, second.key).size(), 5u);
  EXPECT_TRUE(store_->GetRecord(kRecordExecution, second.key).ok());

  // The same name again starts with an empty history and takes event 1.
  CommitBatch again;
  again.records.push_back({first, 0});
  again.events.push_back({first.key, 1, "{}"});
  ASSERT_TRUE(store_->Commit(again).value().empty());
  EXPECT_EQ(HistoryIds(*store_, first.key), std::vector<int64_t>{1});
}

TEST_P(StoreConformance, KeepsLargeBodiesWhole) {
  std::string large(300 * 1024, 'x');
  for (size_t i = 0; i < large.size(); i += 997) large[i] = static_cast<char>('a' + i % 26);
  std::string body = R"({"payload":")" + large + R"("})";
  Record created = MakeRecord(kRecordExecution, ExecutionArn(1), 1, "arn:sm", "RUNNING");
  created.body = body;
  ASSERT_TRUE(store_->CreateRecord(created).ok());
  EXPECT_EQ(store_->GetRecord(kRecordExecution, created.key)->body, body);
  Record committed = MakeRecord(kRecordExecution, ExecutionArn(2), 2, "arn:sm", "RUNNING");
  committed.body = body + " ";
  CommitBatch batch;
  batch.records.push_back({committed, 0});
  batch.events.push_back({committed.key, 1, body});
  batch.events.push_back({committed.key, 2, "{}"});
  ASSERT_TRUE(store_->Commit(batch).value().empty());
  EXPECT_EQ(store_->GetRecord(kRecordExecution, committed.key)->body, body + " ");
  EXPECT_EQ(store_->ListRecords({kRecordExecution, "arn:sm", "", "", 10})->records.at(1).body,
            body);
  auto events = store_->ReadHistory(committed.key, 0, 10, true);
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].body, body);
  created.body = "{}" + body;
  ASSERT_TRUE(store_->UpdateRecord(created, 1).ok());
  EXPECT_EQ(store_->GetRecord(kRecordExecution, created.key)->body, "{}" + body);
}

TEST_P(StoreConformance, CommitsFromFourThreadsAtOnce) {
  // Each thread advances its own execution and competes for a shared one: the shared record's
  // event ids follow its versions, so an event of a lost update would collide with the winner's.
  constexpr int kThreads = 4, kRounds = 40;
  Record shared = MakeRecord(kRecordExecution, "arn:exec:shared", 1, "arn:sm", "RUNNING");
  ASSERT_TRUE(store_->CreateRecord(shared).ok());
  std::atomic<int> shared_wins{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Record own = MakeRecord(kRecordExecution, ExecutionArn(t), 10 + t, "arn:sm", "RUNNING");
      int64_t own_version = 0;
      for (int round = 1; round <= kRounds; ++round) {
        auto seen = store_->GetRecord(kRecordExecution, shared.key);
        ASSERT_TRUE(seen.ok()) << seen.error().message;
        CommitBatch batch;
        batch.records.push_back({own, own_version});
        batch.events.push_back({own.key, round, "{}"});
        batch.records.push_back({*seen, seen->version});
        batch.events.push_back({shared.key, seen->version, std::to_string(t)});
        auto conflicts = store_->Commit(batch);
        ASSERT_TRUE(conflicts.ok()) << conflicts.error().message;
        if (conflicts->empty()) {
          ++shared_wins;
        } else {
          ASSERT_EQ(conflicts.value(), std::vector<std::string>{shared.key});
        }
        own_version = batch.records[0].record.version;
        ASSERT_EQ(own_version, round);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto final_shared = store_->GetRecord(kRecordExecution, shared.key);
  ASSERT_TRUE(final_shared.ok());
  EXPECT_EQ(final_shared->version, 1 + shared_wins.load());
  EXPECT_GE(shared_wins.load(), 1);
  std::vector<int64_t> expected;
  for (int64_t id = 1; id <= shared_wins.load(); ++id) expected.push_back(id);
  EXPECT_EQ(HistoryIds(*store_, shared.key, 7), expected);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(store_->GetRecord(kRecordExecution, ExecutionArn(t))->version, kRounds);
    EXPECT_EQ(HistoryIds(*store_, ExecutionArn(t)).size(), static_cast<size_t>(kRounds));
  }
}

TEST_P(StoreConformance, CommitsTenThousandEventsInOneTransaction) {
  constexpr int kEvents = 10000;
  Record execution = MakeRecord(kRecordExecution, ExecutionArn(1), 1, "arn:sm", "RUNNING");
  CommitBatch batch;
  batch.records.push_back({execution, 0});
  for (int64_t id = 1; id <= kEvents; ++id) {
    batch.events.push_back({execution.key, id,
                            R"({"type":"PassStateEntered","id":)" + std::to_string(id) +
                                R"(,"previousEventId":)" + std::to_string(id - 1) +
                                R"(,"stateEnteredEventDetails":{"name":"Step","input":"{}"}})"});
  }
  auto start = std::chrono::steady_clock::now();
  auto conflicts = store_->Commit(batch);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(conflicts.ok()) << conflicts.error().message;
  EXPECT_TRUE(conflicts->empty());
  // A figure for the README, not a check: wall-clock time depends on the machine.
  std::cout << GetParam().name << ": a commit of " << kEvents << " events took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms\n";
  std::vector<int64_t> ids = HistoryIds(*store_, execution.key);
  ASSERT_EQ(ids.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(ids.front(), 1);
  EXPECT_EQ(ids.back(), kEvents);
  EXPECT_EQ(store_->ReadHistory(execution.key, 0, 1, true)->front().body, batch.events.back().body);
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

// A workflow `name` of one Task state.
Workflow OneStateWorkflow(const std::string& name) {
  Workflow w;
  w.id = NewUuid();
  w.name = name;
  w.start_at = "a";
  w.states = {State{"a", "Task", "", "", "r", true}};
  return w;
}

TEST(SqliteStore, KeepsEverythingAcrossAReopen) {
  fs::path dir = fs::temp_directory_path() / ("wfm-reopen-" + NewUuid());
  fs::create_directories(dir);
  std::string path = (dir / "wfm.db").string();
  Workflow w = OneStateWorkflow("wf");
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

// Gives the empty database `db` the schema an earlier release left: migrations up to `version`.
void ApplyMigrationsUpTo(SQLite::Database& db, int version) {
  db.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
  for (const Migration& m : kSqliteMigrations) {
    if (m.version > version) continue;
    db.exec(m.sql);
    db.exec("INSERT INTO schema_migrations (version) VALUES (" + std::to_string(m.version) + ")");
  }
}

TEST(SqliteStore, UpgradesADatabaseOfTheFirstSchemaKeepingItsData) {
  fs::path dir = fs::temp_directory_path() / ("wfm-upgrade-" + NewUuid());
  fs::create_directories(dir);
  std::string path = (dir / "wfm.db").string();
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    ApplyMigrationsUpTo(db, 1);
    Workflow w = OneStateWorkflow("old");
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

TEST(SqliteStore, UpgradesADatabaseWithoutRecordsKeepingItsData) {
  fs::path dir = fs::temp_directory_path() / ("wfm-upgrade-" + NewUuid());
  fs::create_directories(dir);
  std::string path = (dir / "wfm.db").string();
  {
    // The schema of the release before records: every migration up to 0002.
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    ApplyMigrationsUpTo(db, 2);
    db.exec("INSERT INTO settings (key, value) VALUES ('k', 'old')");
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->GetOrPutSetting("k", "new").value(), "old");
  Record execution{kRecordExecution, "arn:exec", "arn:sm", "RUNNING", 1, "{}", 0};
  CommitBatch batch;
  batch.records.push_back({execution, 0});
  batch.events.push_back({execution.key, 1, "{}"});
  ASSERT_TRUE((*store)->Commit(batch).value().empty());
  EXPECT_EQ((*store)->ListRecords({kRecordExecution, "arn:sm", "RUNNING", "", 10})->records.size(),
            1u);
  EXPECT_EQ((*store)->ReadHistory("arn:exec", 0, 10, true)->size(), 1u);
  store.value().reset();
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM schema_migrations").getInt(),
            static_cast<int>(kSqliteMigrations.size()));
  fs::remove_all(dir);
}

TEST(SqliteStore, UpgradeMovesJobExecutionsFromRecordsIntoTheirJobsRows) {
  fs::path dir = fs::temp_directory_path() / ("wfm-upgrade-" + NewUuid());
  fs::create_directories(dir);
  std::string path = (dir / "wfm.db").string();
  Workflow w = OneStateWorkflow("wf");
  // running: its execution runs; awaiting: cancelled, a task not yet seen stopping (record still
  // RUNNING); finished: over; plain: stored before jobs had executions.
  std::map<std::string, Job> jobs;
  for (const char* name : {"running", "awaiting", "finished", "plain"}) {
    Job job;
    job.id = name + std::string("-") + NewUuid();
    job.workflow = w;
    job.data_json = "[]";
    job.created_at = 1;
    job.status = std::string(name) == "running" || std::string(name) == "plain"
                     ? JobStatus::kRunning
                     : std::string(name) == "awaiting" ? JobStatus::kCancelled
                                                       : JobStatus::kSucceeded;
    jobs[name] = job;
  }
  {
    // The schema of the release that kept a job's execution in a record: migrations up to 0003.
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    ApplyMigrationsUpTo(db, 3);
    for (const auto& [name, job] : jobs) {
      SQLite::Statement insert(db,
                               "INSERT INTO jobs (id, workflow_name, created_at, status, active, "
                               "version, doc) VALUES (?, 'wf', 1, ?, ?, 3, ?)");
      insert.bind(1, job.id);
      insert.bind(2, ToString(job.status));
      insert.bind(3, IsTerminal(job.status) ? 0 : 1);
      insert.bind(4, JobToJson(job, JsonForm::kStorage).dump());
      insert.exec();
      if (name == "plain") continue;
      SQLite::Statement record(db,
                               "INSERT INTO records (kind, key, parent, status, created_at, "
                               "version, body) VALUES ('execution', ?, 'workflow:wf', ?, 1, 3, ?)");
      record.bind(1, "job:" + job.id);
      record.bind(2, name == "finished" ? "SUCCEEDED" : "RUNNING");
      record.bind(3, R"({"info":{},"run":")" + name + R"("})");
      record.exec();
      db.exec("INSERT INTO history_events VALUES ('job:" + job.id + "', 1, '{}')");
    }
    db.exec(
        "INSERT INTO records VALUES ('execution', 'arn:e', 'arn:sm', 'RUNNING', 1, 1, '{\"x\":1}')");
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->GetJob(jobs["running"].id)->execution, R"({"info":{},"run":"running"})");
  EXPECT_EQ((*store)->GetJob(jobs["awaiting"].id)->execution, R"({"info":{},"run":"awaiting"})");
  EXPECT_EQ((*store)->GetJob(jobs["finished"].id)->execution, "");
  EXPECT_EQ((*store)->GetJob(jobs["plain"].id)->execution, "");
  std::set<std::string> active;
  auto versions = (*store)->ListActiveJobVersions();
  for (const auto& job : versions.value()) active.insert(job.id);
  EXPECT_EQ(active, (std::set<std::string>{jobs["running"].id, jobs["awaiting"].id,
                                           jobs["plain"].id}));
  // The jobs' records and histories are gone; a Step Functions execution's record stays.
  auto records = (*store)->ListRecordsWithStatus(kRecordExecution, "RUNNING").value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, "arn:e");
  EXPECT_TRUE((*store)->ReadHistory("job:" + jobs["running"].id, 0, 10, true)->empty());
  store.value().reset();
  fs::remove_all(dir);
}

TEST(SqliteStore, ListsRecordsAndReadsHistoryThroughIndexes) {
  fs::path dir = fs::temp_directory_path() / ("wfm-plan-" + NewUuid());
  fs::create_directories(dir);
  std::string path = (dir / "wfm.db").string();
  {
    auto store = SqliteStore::Open(path).value();
    CommitBatch batch;
    for (int i = 0; i < 3000; ++i) {
      std::string key = "arn:exec:" + std::to_string(i);
      batch.records.push_back(
          {Record{i % 3 ? kRecordExecution : kRecordStateMachine, key,
                  "arn:sm:" + std::to_string(i % 10), i % 4 ? "SUCCEEDED" : "RUNNING", i, "{}", 0},
           0});
      batch.events.push_back({key, 1, "{}"});
      batch.events.push_back({key, 2, "{}"});
    }
    ASSERT_TRUE(store->Commit(batch).value().empty());
  }
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  db.exec("ANALYZE");
  std::vector<std::string> statements{ListRecordsWithStatusSql(SqlDialect::kSqlite)};
  for (bool parent : {false, true}) {
    for (bool status : {false, true}) {
      for (bool after : {false, true}) {
        statements.push_back(ListRecordsSql(SqlDialect::kSqlite, parent, status, after));
      }
    }
  }
  for (bool reverse : {false, true}) {
    statements.push_back(ReadHistorySql(SqlDialect::kSqlite, reverse, false));
  }
  statements.push_back(ReadHistorySql(SqlDialect::kSqlite, true, true));
  for (const std::string& sql : statements) {
    SQLite::Statement explain(db, "EXPLAIN QUERY PLAN " + sql);
    std::string plan;
    while (explain.executeStep()) plan += explain.getColumn(3).getString() + "\n";
    EXPECT_NE(plan.find("SEARCH"), std::string::npos) << sql << "\n" << plan;
    EXPECT_EQ(plan.find("SCAN"), std::string::npos) << sql << "\n" << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << sql << "\n" << plan;
  }
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
