// The Store on PostgreSQL, for several replicas of the service sharing one database. Every
// operation is one transaction through PgPool (pooled connections, retried transient failures).
// Concurrent writers are safe: workflow revisions are numbered under a row lock, job writes are
// checked against the stored version, and schema migrations run under an advisory lock.
#pragma once

#include <memory>
#include <string>

#include "store/postgres/pg_pool.h"
#include "store/store.h"

namespace wfm {

class PostgresStore : public Store {
 public:
  // Connects to `url` (postgresql://user@host:port/db) and applies pending migrations. `durable`:
  // each commit waits for the server's WAL flush (synchronous_commit=on, whatever the server's
  // default); false sets synchronous_commit=off (a server crash may lose the last commits).
  // Errors: kUnavailable with the server's message when it can't.
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url, bool durable = true);

  Result<Workflow> CreateWorkflow(const Workflow& workflow) override;
  Result<Workflow> AddWorkflowRevision(const Workflow& workflow) override;
  Result<Workflow> GetWorkflow(const std::string& name, int64_t revision) override;
  Result<std::vector<Workflow>> ListWorkflows() override;
  Result<std::vector<Workflow>> ListWorkflowRevisions(const std::string& name) override;
  Status CreateJob(const Job& job) override;
  Result<Job> GetJob(const std::string& id) override;
  Result<JobPage> ListJobs(const JobFilter& filter, const std::string& page_token,
                           int limit) override;
  Result<std::vector<Job>> ListActiveJobs(const PageCursor& after, size_t limit) override;
  Result<std::vector<JobVersion>> ListActiveJobVersions() override;
  Result<std::vector<std::string>> Commit(CommitBatch& batch) override;
  Status CreateRecord(const Record& record) override;
  Result<Record> GetRecord(const std::string& kind, const std::string& key) override;
  Status UpdateRecord(const Record& record, int64_t expected_version) override;
  Status DeleteRecord(const std::string& kind, const std::string& key) override;
  Result<RecordPage> ListRecords(const RecordQuery& query) override;
  Result<std::vector<Record>> ListRecordsWithStatus(const std::string& kind,
                                                    const std::string& status) override;
  Result<std::vector<HistoryEvent>> ReadHistory(const std::string& execution, int64_t from_id,
                                                int limit, bool reverse) override;
  Result<CancelCommand> AddCancelCommand(const std::string& job_id, const std::string& reason,
                                         TimestampMs now) override;
  Result<std::vector<CancelCommand>> ListCancelCommands() override;
  Status CreateToken(const ApiToken& token) override;
  Result<std::vector<ApiToken>> ListTokens() override;
  Result<ApiToken> DeleteToken(const std::string& id_or_name) override;
  Result<std::string> GetOrPutSetting(const std::string& key, const std::string& value) override;
  Status DeleteSetting(const std::string& key) override;
  Status Ping() override;

 private:
  explicit PostgresStore(const std::string& url) : pool_(url) {}
  Status Migrate();
  // Commit's part for records and events, inside the caller's transaction: returns, per record
  // mutation, whether it was written. Errors: kConflict when an event id is taken (the caller
  // rolls back).
  static Result<std::vector<bool>> WriteRecordsAndEvents(pqxx::work& txn, const CommitBatch& batch);
  // Inserts `record` at version 1; false when its kind and key exist.
  static bool InsertRecord(pqxx::work& txn, const Record& record);

  PgPool pool_;
};

}  // namespace wfm
