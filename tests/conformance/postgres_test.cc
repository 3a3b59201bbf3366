// What only the PostgreSQL store has to show: migrations under concurrency, revisions numbered
// under concurrency, indexed listing, the leader lock, and clear errors when the server is away.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "core/ids.h"
#include "model/json.h"
#include "store/postgres/leader_lock.h"
#include "store/postgres/postgres_store.h"
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
