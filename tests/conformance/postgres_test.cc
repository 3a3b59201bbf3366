// What only the PostgreSQL store has to show: migrations under concurrency, revisions numbered
// under concurrency, indexed listing (jobs, records, histories), the upgrade of an older schema,
// the leader lock, and clear errors when the server is away.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "core/ids.h"
#include "model/json.h"
#include "store/postgres/leader_lock.h"
#include "store/postgres/postgres_store.h"
#include "store/record_sql.h"
#include "store/schema/migrations.h"

namespace wfm {
namespace {

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* file = std::getenv("WFM_TEST_POSTGRES_URL_FILE");
    std::ifstream in(file ? file : "");
    std::string server;
    std::getline(in, server);
    ASSERT_FALSE(server.empty()) << "no PostgreSQL test server (WFM_TEST_POSTGRES_URL_FILE); "
                                    "ctest starts one with tests/pg/postgres_server.sh";
    std::string name = "t" + NewUuid().substr(0, 8);
    pqxx::connection admin(server);
    pqxx::nontransaction txn(admin);
    txn.exec0("CREATE DATABASE " + name);
    url_ = server.substr(0, server.rfind('/') + 1) + name;
  }

  static Workflow MakeWorkflow(const std::string& name) {
    Workflow w;
    w.id = NewUuid();
    w.name = name;
    w.start_at = "a";
    w.states = {State{"a", "Task", "", "", "r", true}};
    return w;
  }

  std::string url_;
};

TEST_F(PostgresTest, ReplicasStartingAtOnceMigrateOnce) {
  std::vector<std::thread> replicas;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back([&] {
      if (PostgresStore::Open(url_).ok()) ++opened;
    });
  }
  for (auto& t : replicas) t.join();
  EXPECT_EQ(opened, 4);
  pqxx::connection conn(url_);
  pqxx::nontransaction txn(conn);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM schema_migrations")[0].as<size_t>(),
            kPostgresMigrations.size());
  EXPECT_TRUE(PostgresStore::Open(url_).ok());  // once more: harmless
}

TEST_F(PostgresTest, UpgradesADatabaseOfTheFirstSchemaKeepingItsData) {
  {
    pqxx::connection conn(url_);
    pqxx::work txn(conn);
    txn.exec0(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    txn.exec0(kPostgresMigrations.at(0).sql);
    txn.exec0("INSERT INTO schema_migrations (version) VALUES (1)");
    txn.exec0("INSERT INTO workflows (name, revision, doc) VALUES ('old', 0, '" +
              WorkflowToJson(MakeWorkflow("old")).dump() + "')");
    txn.commit();
  }
  auto store = PostgresStore::Open(url_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->GetWorkflow("old", 0)->name, "old");
  ApiToken token{NewUuid(), "t", TokenScope::kAdmin, std::string(64, 'a'), 1};
  EXPECT_TRUE((*store)->CreateToken(token).ok());
  EXPECT_EQ((*store)->GetOrPutSetting("k", "v").value(), "v");
}

TEST_F(PostgresTest, ConcurrentUpdatesGetDistinctRevisions) {
  auto store = PostgresStore::Open(url_).value();
  ASSERT_TRUE(store->CreateWorkflow(MakeWorkflow("wf")).ok());
  std::vector<std::thread> writers;
  std::mutex mu;
  std::set<int64_t> revisions;
  for (int i = 0; i < 4; ++i) {
    writers.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        auto r = store->AddWorkflowRevision(MakeWorkflow("wf"));
        ASSERT_TRUE(r.ok()) << r.error().message;
        std::lock_guard lock(mu);
        revisions.insert(r->revision);
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(revisions.size(), 40u);
  EXPECT_EQ(*revisions.begin(), 1);
  EXPECT_EQ(*revisions.rbegin(), 40);
}

TEST_F(PostgresTest, ListingAWorkflowsJobsUsesTheIndex) {
  auto store = PostgresStore::Open(url_).value();
  Workflow a = store->CreateWorkflow(MakeWorkflow("a")).value();
  Workflow b = store->CreateWorkflow(MakeWorkflow("b")).value();
  pqxx::connection conn(url_);
  {
    pqxx::work txn(conn);
    txn.exec0(
        "INSERT INTO jobs (id, workflow_name, created_at, status, active, version, doc) "
        "SELECT 'j' || i, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END, i, 'SUCCEEDED', false, 1, "
        "'{}' FROM generate_series(1, 20000) AS i");
    txn.exec0("ANALYZE jobs");
    txn.commit();
  }
  pqxx::nontransaction txn(conn);
  std::string plan;
  for (const auto& row : txn.exec(
           "EXPLAIN SELECT doc, version FROM jobs WHERE workflow_name = 'a' AND "
           "(created_at, id) < (15000, 'j15000') ORDER BY created_at DESC, id DESC LIMIT 101")) {
    plan += row[0].as<std::string>() + "\n";
  }
  EXPECT_NE(plan.find("jobs_by_workflow"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << plan;
  plan.clear();
  for (const auto& row :
       txn.exec("EXPLAIN SELECT id FROM jobs WHERE active ORDER BY created_at, id")) {
    plan += row[0].as<std::string>() + "\n";
  }
  EXPECT_NE(plan.find("jobs_active"), std::string::npos) << plan;
}

TEST_F(PostgresTest, UpgradesADatabaseWithoutRecordsKeepingItsData) {
  {
    // The schema of the release before records: every migration up to 0002.
    pqxx::connection conn(url_);
    pqxx::work txn(conn);
    txn.exec0(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    for (const Migration& m : kPostgresMigrations) {
      if (m.version > 2) continue;
      txn.exec0(m.sql);
      txn.exec_params0("INSERT INTO schema_migrations (version) VALUES ($1)", m.version);
    }
    txn.exec0("INSERT INTO settings (key, value) VALUES ('k', 'old')");
    txn.commit();
  }
  auto store = PostgresStore::Open(url_);
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
  pqxx::connection conn(url_);
  pqxx::nontransaction txn(conn);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM schema_migrations")[0].as<size_t>(),
            kPostgresMigrations.size());
}

TEST_F(PostgresTest, ListsRecordsAndReadsHistoryThroughIndexes) {
  ASSERT_TRUE(PostgresStore::Open(url_).ok());
  pqxx::connection conn(url_);
  {
    pqxx::work txn(conn);
    txn.exec0(
        "INSERT INTO records (kind, key, parent, status, created_at, version, body) "
        "SELECT CASE WHEN i % 3 = 0 THEN 'state-machine' ELSE 'execution' END, 'arn:exec:' || i, "
        "'arn:sm:' || (i % 10), CASE WHEN i % 4 = 0 THEN 'RUNNING' ELSE 'SUCCEEDED' END, i, 1, "
        "'{}' FROM generate_series(1, 20000) AS i");
    txn.exec0(
        "INSERT INTO history_events (execution, id, body) SELECT 'arn:exec:' || (i / 10), "
        "i % 10 + 1, '{}' FROM generate_series(0, 99999) AS i");
    txn.exec0("ANALYZE records");
    txn.exec0("ANALYZE history_events");
    txn.commit();
  }
  // Each statement as the store sends it, with the parameters it would bind.
  struct Statement {
    std::string sql;
    std::vector<std::string> params;
  };
  std::vector<Statement> statements{
      {ListRecordsWithStatusSql(SqlDialect::kPostgres), {"execution", "RUNNING"}}};
  for (bool parent : {false, true}) {
    for (bool status : {false, true}) {
      for (bool after : {false, true}) {
        std::vector<std::string> params{"execution"};
        if (parent) params.push_back("arn:sm:3");
        if (status) params.push_back("SUCCEEDED");
        if (after) params.insert(params.end(), {"15000", "arn:exec:15000"});
        params.push_back("101");
        statements.push_back(
            {ListRecordsSql(SqlDialect::kPostgres, parent, status, after), params});
      }
    }
  }
  statements.push_back(
      {ReadHistorySql(SqlDialect::kPostgres, false, false), {"arn:exec:500", "3", "100"}});
  statements.push_back(
      {ReadHistorySql(SqlDialect::kPostgres, true, false), {"arn:exec:500", "7", "100"}});
  statements.push_back(
      {ReadHistorySql(SqlDialect::kPostgres, true, true), {"arn:exec:500", "100"}});
  pqxx::nontransaction txn(conn);
  for (size_t i = 0; i < statements.size(); ++i) {
    const Statement& s = statements[i];
    std::string name = "q" + std::to_string(i), args;
    txn.exec0("PREPARE " + name + " AS " + s.sql);
    for (const std::string& p : s.params) args += (args.empty() ? "" : ", ") + txn.quote(p);
    std::string plan;
    for (const auto& row : txn.exec("EXPLAIN EXECUTE " + name + "(" + args + ")")) {
      plan += row[0].as<std::string>() + "\n";
    }
    EXPECT_NE(plan.find("Index"), std::string::npos) << s.sql << "\n" << plan;
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << s.sql << "\n" << plan;
    // A page comes in index order; the unlimited listing by status may sort what it found.
    if (s.sql.find("LIMIT") != std::string::npos) {
      EXPECT_EQ(plan.find("Sort"), std::string::npos) << s.sql << "\n" << plan;
    }
  }
}

TEST_F(PostgresTest, OneLeaderAtATimeAndTheOtherTakesOver) {
  auto first = std::make_unique<PostgresLeaderLock>(url_, std::chrono::milliseconds(0));
  PostgresLeaderLock second(url_, std::chrono::milliseconds(0));
  EXPECT_TRUE(first->Hold());
  EXPECT_FALSE(second.Hold());
  EXPECT_TRUE(first->Hold());  // confirmed, still held
  EXPECT_TRUE(first->IsLeader());
  EXPECT_FALSE(second.IsLeader());
  first.reset();  // the leader goes away: its session ends and the server frees the lock
  bool took_over = false;
  for (int i = 0; i < 500 && !took_over; ++i) {
    took_over = second.Hold();
    if (!took_over) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(took_over);
  EXPECT_TRUE(second.IsLeader());
}

TEST(PostgresUnreachable, OpenFailsClearlyAndQuickly) {
  auto store = PostgresStore::Open("postgresql://wfm@127.0.0.1:1/wfm");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(store.error().message.find("can't open PostgreSQL store"), std::string::npos);
  PostgresLeaderLock lock("postgresql://wfm@127.0.0.1:1/wfm", std::chrono::milliseconds(0));
  EXPECT_FALSE(lock.Hold());
}

}  // namespace
}  // namespace wfm
