#include "store/sqlite/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <limits>
#include <set>

#include "model/json.h"
#include "store/schema/migrations.h"
#include "store/sqlite/sqlite_common.h"

namespace wfm {
namespace sqlite {

constexpr int kBusyTimeoutMs = 10000;

Error StoreError(const SQLite::Exception& e) {
  return Error{ErrorCode::kUnavailable, std::string("sqlite: ") + e.what()};
}

std::unique_ptr<SQLite::Database> Connect(const std::string& path, bool durable,
                                          const std::string& vfs) {
  auto db = std::make_unique<SQLite::Database>(
      path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX, 0, vfs);
  db->setBusyTimeout(kBusyTimeoutMs);
  db->exec("PRAGMA journal_mode=WAL");
  db->exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  db->exec("PRAGMA foreign_keys=ON");
  db->exec("PRAGMA temp_store=MEMORY");  // the group commit's savepoints journal in memory
  return db;
}

}  // namespace sqlite

namespace {

using sqlite::Connect;
using sqlite::StoreError;

void ApplyMigrations(SQLite::Database& db) {
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
    for (const Migration& m : kSqliteMigrations) {
      SQLite::Statement applied(db, "SELECT 1 FROM schema_migrations WHERE version = ?");
      applied.bind(1, m.version);
      if (applied.executeStep()) continue;
      db.exec(m.sql);
      SQLite::Statement record(db, "INSERT INTO schema_migrations (version) VALUES (?)");
      record.bind(1, m.version);
      record.exec();
    }
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

Result<Workflow> WorkflowFromDoc(const std::string& doc) {
  auto parsed = nlohmann::json::parse(doc, nullptr, false);
  if (parsed.is_discarded()) return Error{ErrorCode::kInternal, "stored workflow is not JSON"};
  return WorkflowFromJson(parsed);
}

void InsertWorkflow(SQLite::Database& db, const Workflow& workflow) {
  SQLite::Statement insert(db, "INSERT INTO workflows (name, revision, doc) VALUES (?, ?, ?)");
  insert.bind(1, workflow.name);
  insert.bind(2, static_cast<int64_t>(workflow.revision));
  insert.bind(3, WorkflowToJson(workflow).dump());
  insert.exec();
}

}  // namespace

SqliteStore::SqliteStore(std::string path, SqliteOptions options)
    : path_(std::move(path)), options_(std::move(options)) {}
SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const SqliteOptions& options) {
  try {
    std::unique_ptr<SqliteStore> store(new SqliteStore(path, options));
    store->writer_ = Connect(path, options.durable, options.vfs);
    ApplyMigrations(*store->writer_);
    store->group_ = std::make_unique<sqlite::GroupCommit>(*store->writer_);
    return store;
  } catch (const SQLite::Exception& e) {
    return Error{ErrorCode::kUnavailable, "can't open SQLite store '" + path + "': " + e.what()};
  }
}

Result<Workflow> SqliteStore::CreateWorkflow(const Workflow& workflow) {
  return Write<Result<Workflow>>([&](SQLite::Database& db) -> Result<Workflow> {
    SQLite::Statement exists(db, "SELECT 1 FROM workflows WHERE name = ? LIMIT 1");
    exists.bind(1, workflow.name);
    if (exists.executeStep()) {
      return Error{ErrorCode::kAlreadyExists, "workflow '" + workflow.name + "' already exists"};
    }
    Workflow stored = workflow;
    stored.revision = 0;
    InsertWorkflow(db, stored);
    return stored;
  });
}

Result<Workflow> SqliteStore::AddWorkflowRevision(const Workflow& workflow) {
  return Write<Result<Workflow>>([&](SQLite::Database& db) -> Result<Workflow> {
    SQLite::Statement latest(db, "SELECT MAX(revision) FROM workflows WHERE name = ?");
    latest.bind(1, workflow.name);
    if (!latest.executeStep() || latest.getColumn(0).isNull()) {
      return Error{ErrorCode::kNotFound, "workflow '" + workflow.name + "' not found"};
    }
    Workflow stored = workflow;
    stored.revision = latest.getColumn(0).getInt64() + 1;
    InsertWorkflow(db, stored);
    return stored;
  });
}

Result<Workflow> SqliteStore::GetWorkflow(const std::string& name, int64_t revision) {
  try {
    ReaderLease reader(*this);
    SQLite::Statement query(reader.db(), revision < 0
                                             ? "SELECT doc FROM workflows WHERE name = ? "
                                               "ORDER BY revision DESC LIMIT 1"
                                             : "SELECT doc FROM workflows WHERE name = ? AND "
                                               "revision = ?");
    query.bind(1, name);
    if (revision >= 0) query.bind(2, static_cast<int64_t>(revision));
    if (!query.executeStep()) {
      return Error{ErrorCode::kNotFound, revision < 0 ? "workflow '" + name + "' not found"
                                                      : "workflow '" + name + "' has no revision " +
                                                            std::to_string(revision)};
    }
    return WorkflowFromDoc(query.getColumn(0).getString());
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Result<std::vector<Workflow>> SqliteStore::ListWorkflowRevisions(const std::string& name) {
  try {
    ReaderLease reader(*this);
    SQLite::Statement query(reader.db(),
                            "SELECT doc FROM workflows WHERE name = ? ORDER BY revision DESC");
    query.bind(1, name);
    std::vector<Workflow> revisions;
    while (query.executeStep()) {
      auto workflow = WorkflowFromDoc(query.getColumn(0).getString());
      if (!workflow.ok()) return workflow.error();
      revisions.push_back(std::move(workflow.value()));
    }
    if (revisions.empty()) return Error{ErrorCode::kNotFound, "workflow '" + name + "' not found"};
    return revisions;
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Result<std::vector<Workflow>> SqliteStore::ListWorkflows() {
  try {
    ReaderLease reader(*this);
    SQLite::Statement query(reader.db(),
                            "SELECT w.doc FROM workflows w JOIN (SELECT name, MAX(revision) AS r "
                            "FROM workflows GROUP BY name) latest ON w.name = latest.name AND "
                            "w.revision = latest.r ORDER BY w.name");
    std::vector<Workflow> out;
    while (query.executeStep()) {
      auto workflow = WorkflowFromDoc(query.getColumn(0).getString());
      if (!workflow.ok()) return workflow.error();
      out.push_back(std::move(workflow.value()));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

namespace {

// Inserts `job` at version 1 with its storage JSON `doc` (StoredJobDoc); false when its id
// exists. Throws SQLite::Exception.
bool InsertJob(SQLite::Database& db, const Job& job, const std::string& doc) {
  SQLite::Statement insert(db,
                           "INSERT OR IGNORE INTO jobs (id, workflow_name, created_at, status, "
                           "active, version, doc, execution) VALUES (?, ?, ?, ?, ?, 1, ?, ?)");
  insert.bind(1, job.id);
  insert.bind(2, job.workflow.name);
  insert.bind(3, static_cast<int64_t>(job.created_at));
  insert.bind(4, ToString(job.status));
  insert.bind(5, IsActive(job) ? 1 : 0);
  insert.bind(6, doc);
  insert.bind(7, job.execution);
  return insert.exec() != 0;
}

// The JSON a new job is stored as (version 1).
std::string StoredJobDoc(const Job& job) {
  Job stored = job;
  stored.version = 1;
  return JobToJson(stored, JsonForm::kStorage).dump();
}

}  // namespace

Status SqliteStore::CreateJob(const Job& job) {
  std::string doc = StoredJobDoc(job);  // outside the shared commit, which it would slow
  return Write<Status>([&](SQLite::Database& db) -> Status {
    if (!InsertJob(db, job, doc)) {
      return Error{ErrorCode::kAlreadyExists, "job '" + job.id + "' already exists"};
    }
    return OkStatus();
  });
}

namespace {

// The job of a row selected as (doc, version, execution).
Result<Job> JobFromRow(SQLite::Statement& query) {
  auto job = JobFromStorageJson(query.getColumn(0).getString());
  if (job.ok()) {
    job->version = query.getColumn(1).getInt64();
    job->execution = query.getColumn(2).getString();
  }
  return job;
}

}  // namespace

Result<Job> SqliteStore::GetJob(const std::string& id) {
  try {
    ReaderLease reader(*this);
    SQLite::Statement query(reader.db(), "SELECT doc, version, execution FROM jobs WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return Error{ErrorCode::kNotFound, "job '" + id + "' not found"};
    return JobFromRow(query);
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Result<JobPage> SqliteStore::ListJobs(const JobFilter& filter, const std::string& page_token,
                                      int limit) {
  auto cursor = ParsePageRequest(page_token, limit);
  if (!cursor.ok()) return cursor.error();
  try {
    ReaderLease reader(*this);
    std::string sql = "SELECT doc, version, execution FROM jobs WHERE 1 = 1";
    if (!filter.workflow_name.empty()) sql += " AND workflow_name = :workflow";
    if (filter.status) sql += " AND status = :status";
    if (filter.since != 0) sql += " AND created_at >= :since";
    if (filter.until != 0) sql += " AND created_at < :until";
    if (!cursor->first) sql += " AND (created_at, id) < (:after_created, :after_id)";
    sql += " ORDER BY created_at DESC, id DESC LIMIT :limit";
    SQLite::Statement query(reader.db(), sql);
    if (!filter.workflow_name.empty()) query.bind(":workflow", filter.workflow_name);
    if (filter.status) query.bind(":status", ToString(*filter.status));
    if (filter.since != 0) query.bind(":since", static_cast<int64_t>(filter.since));
    if (filter.until != 0) query.bind(":until", static_cast<int64_t>(filter.until));
    if (!cursor->first) {
      query.bind(":after_created", static_cast<int64_t>(cursor->created_at));
      query.bind(":after_id", cursor->id);
    }
    query.bind(":limit", limit + 1);
    JobPage page;
    while (query.executeStep()) {
      if (CloseIfFull(page, limit)) break;
      auto job = JobFromRow(query);
      if (!job.ok()) return job.error();
      page.jobs.push_back(std::move(job.value()));
    }
    return page;
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Result<std::vector<Job>> SqliteStore::ListActiveJobs(const PageCursor& after, size_t limit) {
  try {
    ReaderLease reader(*this);
    SQLite::Statement query(reader.db(),
                            "SELECT doc, version, execution FROM jobs WHERE active = 1 AND "
                            "(created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?");
    query.bind(1, after.first ? std::numeric_limits<int64_t>::min()
                              : static_cast<int64_t>(after.created_at));
    query.bind(2, after.first ? std::string() : after.id);
    query.bind(3, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
    std::vector<Job> out;
    while (query.executeStep()) {
      auto job = JobFromRow(query);
      if (!job.ok()) return job.error();
      out.push_back(std::move(job.value()));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Result<std::vector<JobVersion>> SqliteStore::ListActiveJobVersions() {
  try {
    ReaderLease reader(*this);
    SQLite::Statement query(reader.db(),
                            "SELECT id, version FROM jobs WHERE active = 1 ORDER BY created_at, id");
    std::vector<JobVersion> out;
    while (query.executeStep()) {
      out.push_back({query.getColumn(0).getString(), query.getColumn(1).getInt64()});
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Result<std::vector<std::string>> SqliteStore::Commit(CommitBatch& batch) {
  std::vector<std::string> docs;  // serialised before the shared commit, which they would slow
  docs.reserve(batch.jobs.size());
  for (const auto& mutation : batch.jobs) {
    docs.push_back(JobToJson(mutation.job, JsonForm::kStorage).dump());
  }
  std::vector<bool> written;  // per record mutation
  auto conflicts = Write<Result<std::vector<std::string>>>(
      [&](SQLite::Database& db) -> Result<std::vector<std::string>> {
        std::vector<std::string> conflicts;
        // The document alone when status and active keep their values (active is in the
        // condition of the index of active jobs, which SQLite then leaves alone), else all.
        SQLite::Statement update_doc(db,
                                     "UPDATE jobs SET version = ?, doc = ?, execution = ? "
                                     "WHERE id = ? AND version = ? AND status = ? AND active = ?");
        SQLite::Statement update(db,
                                 "UPDATE jobs SET status = ?, active = ?, version = ?, doc = ?, "
                                 "execution = ? WHERE id = ? AND version = ?");
        for (size_t i = 0; i < batch.jobs.size(); ++i) {
          const JobMutation& mutation = batch.jobs[i];
          std::string status = ToString(mutation.job.status);
          int active = IsActive(mutation.job) ? 1 : 0;
          update_doc.reset();
          update_doc.bind(1, static_cast<int64_t>(mutation.expected_version + 1));
          update_doc.bind(2, docs[i]);
          update_doc.bind(3, mutation.job.execution);
          update_doc.bind(4, mutation.job.id);
          update_doc.bind(5, static_cast<int64_t>(mutation.expected_version));
          update_doc.bind(6, status);
          update_doc.bind(7, active);
          if (update_doc.exec() > 0) continue;
          update.reset();
          update.bind(1, status);
          update.bind(2, active);
          update.bind(3, static_cast<int64_t>(mutation.expected_version + 1));
          update.bind(4, docs[i]);
          update.bind(5, mutation.job.execution);
          update.bind(6, mutation.job.id);
          update.bind(7, static_cast<int64_t>(mutation.expected_version));
          if (update.exec() == 0) conflicts.push_back(mutation.job.id);
        }
        SQLite::Statement consume(db, "DELETE FROM cancel_commands WHERE id = ?");
        for (int64_t id : batch.consumed_commands) {
          consume.reset();
          consume.bind(1, static_cast<int64_t>(id));
          consume.exec();
        }
        auto records_written = WriteRecordsAndEvents(db, batch);
        if (!records_written.ok()) return records_written.error();
        for (size_t i = 0; i < batch.records.size(); ++i) {
          if (!records_written.value()[i]) conflicts.push_back(batch.records[i].record.key);
        }
        written = std::move(records_written.value());
        return conflicts;
      });
  if (conflicts.ok()) {
    std::set<std::string> lost(conflicts->begin(), conflicts->end());
    for (auto& mutation : batch.jobs) {
      if (!lost.count(mutation.job.id)) mutation.job.version = mutation.expected_version + 1;
    }
    for (size_t i = 0; i < batch.records.size(); ++i) {
      if (written[i]) batch.records[i].record.version = batch.records[i].expected_version + 1;
    }
  }
  return conflicts;
}

Result<CancelCommand> SqliteStore::AddCancelCommand(const std::string& job_id,
                                                    const std::string& reason, TimestampMs now) {
  return Write<Result<CancelCommand>>([&](SQLite::Database& db) -> Result<CancelCommand> {
    SQLite::Statement job(db, "SELECT status FROM jobs WHERE id = ?");
    job.bind(1, job_id);
    if (!job.executeStep()) return Error{ErrorCode::kNotFound, "job '" + job_id + "' not found"};
    JobStatus status;
    if (ParseJobStatus(job.getColumn(0).getString(), &status) && IsTerminal(status)) {
      return Error{ErrorCode::kConflict,
                   "job '" + job_id + "' already finished with status " + ToString(status)};
    }
    SQLite::Statement insert(
        db, "INSERT INTO cancel_commands (job_id, reason, created_at) VALUES (?, ?, ?)");
    insert.bind(1, job_id);
    insert.bind(2, reason);
    insert.bind(3, static_cast<int64_t>(now));
    insert.exec();
    return CancelCommand{db.getLastInsertRowid(), job_id, reason, now};
  });
}

Result<std::vector<CancelCommand>> SqliteStore::ListCancelCommands() {
  try {
    ReaderLease reader(*this);
    SQLite::Statement query(
        reader.db(), "SELECT id, job_id, reason, created_at FROM cancel_commands ORDER BY id");
    std::vector<CancelCommand> out;
    while (query.executeStep()) {
      out.push_back(CancelCommand{query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                                  query.getColumn(2).getString(), query.getColumn(3).getInt64()});
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Status SqliteStore::CreateToken(const ApiToken& token) {
  return Write<Status>([&](SQLite::Database& db) -> Status {
    SQLite::Statement insert(db,
                             "INSERT OR IGNORE INTO api_tokens (id, name, scope, sha256_hex, "
                             "created_at) VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, token.id);
    insert.bind(2, token.name);
    insert.bind(3, static_cast<int>(token.scope));
    insert.bind(4, token.sha256_hex);
    insert.bind(5, static_cast<int64_t>(token.created_at));
    if (insert.exec() == 0) {
      return Error{ErrorCode::kAlreadyExists, "a token named '" + token.name + "' already exists"};
    }
    return OkStatus();
  });
}

namespace {

Result<ApiToken> TokenFromRow(SQLite::Statement& query) {
  int scope = query.getColumn(2).getInt();
  if (scope < static_cast<int>(TokenScope::kRead) || scope > static_cast<int>(TokenScope::kAdmin)) {
    return Error{ErrorCode::kInternal, "stored token has an unknown scope"};
  }
  return ApiToken{query.getColumn(0).getString(), query.getColumn(1).getString(),
                  static_cast<TokenScope>(scope), query.getColumn(3).getString(),
                  query.getColumn(4).getInt64()};
}

constexpr const char* kTokenColumns = "id, name, scope, sha256_hex, created_at";

}  // namespace

Result<std::vector<ApiToken>> SqliteStore::ListTokens() {
  try {
    ReaderLease reader(*this);
    SQLite::Statement query(reader.db(), std::string("SELECT ") + kTokenColumns +
                                             " FROM api_tokens ORDER BY created_at, id");
    std::vector<ApiToken> out;
    while (query.executeStep()) {
      auto token = TokenFromRow(query);
      if (!token.ok()) return token.error();
      out.push_back(std::move(token.value()));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Result<ApiToken> SqliteStore::DeleteToken(const std::string& id_or_name) {
  return Write<Result<ApiToken>>([&](SQLite::Database& db) -> Result<ApiToken> {
    // An id match wins over a name match, so exactly one token goes.
    SQLite::Statement remove(db, std::string("DELETE FROM api_tokens WHERE id = (SELECT id FROM "
                                             "api_tokens WHERE id = ?1 UNION ALL SELECT id FROM "
                                             "api_tokens WHERE name = ?1 LIMIT 1) RETURNING ") +
                                     kTokenColumns);
    remove.bind(1, id_or_name);
    if (!remove.executeStep()) {
      return Error{ErrorCode::kNotFound, "no token with id or name '" + id_or_name + "'"};
    }
    return TokenFromRow(remove);
  });
}

Result<std::string> SqliteStore::GetOrPutSetting(const std::string& key, const std::string& value) {
  return Write<Result<std::string>>([&](SQLite::Database& db) -> Result<std::string> {
    SQLite::Statement insert(db, "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)");
    insert.bind(1, key);
    insert.bind(2, value);
    insert.exec();
    SQLite::Statement query(db, "SELECT value FROM settings WHERE key = ?");
    query.bind(1, key);
    query.executeStep();
    return query.getColumn(0).getString();
  });
}

Status SqliteStore::DeleteSetting(const std::string& key) {
  return Write<Status>([&](SQLite::Database& db) -> Status {
    SQLite::Statement remove(db, "DELETE FROM settings WHERE key = ?");
    remove.bind(1, key);
    remove.exec();
    return OkStatus();
  });
}

Status SqliteStore::ClaimForEngine() {
  std::lock_guard lock(engine_lock_mu_);
  if (engine_lock_) return OkStatus();
  auto acquired = DatabaseLock::Acquire(path_);
  if (!acquired.ok()) return acquired.error();
  engine_lock_ = std::move(acquired.value());
  return OkStatus();
}

Status SqliteStore::Ping() {
  try {
    ReaderLease reader(*this);
    reader.db().exec("SELECT 1");
    return OkStatus();
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

}  // namespace wfm
