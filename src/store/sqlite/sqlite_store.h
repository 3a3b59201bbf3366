// The embedded default Store: one SQLite file in WAL mode. Writes go through one connection
// (SQLite allows one writer) and are group-committed: concurrent writers share one transaction and
// one fsync (group_commit.h). Reads use a small pool of their own connections so API reads never
// wait behind the engine's commits.
//
// Durability: by default (synchronous=FULL) a write returns once it is on disk, so it survives a
// power loss. Relaxed (synchronous=NORMAL) it survives a crash of the process (the WAL is in the
// OS page cache) but the last commits before a power loss or a kernel crash may be lost.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/database_lock.h"
#include "store/sqlite/group_commit.h"
#include "store/store.h"

namespace SQLite {
class Database;
}

namespace wfm {

struct SqliteOptions {
  bool durable = true;  // false: synchronous=NORMAL (see above)
  std::string vfs;      // SQLite VFS to open the files with; empty: the default one
};

class SqliteStore : public Store {
 public:
  // Opens (creating if needed) the database at `path` and applies pending schema migrations.
  // Errors: kUnavailable with SQLite's message when the file can't be opened or migrated.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const SqliteOptions& options = {});
  ~SqliteStore() override;

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
  // Takes a DatabaseLock on the file (see database_lock.h).
  Status ClaimForEngine() override;
  // Write transactions committed so far (one fsync each when durable).
  int64_t commits() const { return group_->commits(); }

 private:
  class ReaderLease;
  SqliteStore(std::string path, SqliteOptions options);
  // Runs `write` through the group commit and returns its result: `write` stores its outcome in
  // `result`, and its changes are kept when that is ok. Errors: the commit's (kUnavailable).
  template <typename T>
  T Write(const std::function<T(SQLite::Database&)>& write);
  // Commit's part for records and events, inside the caller's write transaction: returns, per
  // record mutation, whether it was written. Errors: kConflict when an event id is taken (the
  // caller rolls back). Throws SQLite::Exception.
  static Result<std::vector<bool>> WriteRecordsAndEvents(SQLite::Database& db,
                                                         const CommitBatch& batch);

  std::string path_;
  SqliteOptions options_;
  std::mutex engine_lock_mu_;
  std::unique_ptr<DatabaseLock> engine_lock_;  // guarded by engine_lock_mu_; set by ClaimForEngine
  std::unique_ptr<SQLite::Database> writer_;   // used by group_ only
  std::unique_ptr<sqlite::GroupCommit> group_;
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<SQLite::Database>> idle_readers_;
};

}  // namespace wfm
