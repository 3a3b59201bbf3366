#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <set>

#include "core/service_metrics.h"
#include "model/json.h"
#include "store/schema/migrations.h"

namespace wfm {
namespace {

// Serialises schema migrations between replicas starting at once.
constexpr int64_t kMigrationLockKey = 0x57464d0001;
// Job writes per UPDATE statement in Commit.
constexpr size_t kJobsPerStatement = 500;

Result<Workflow> WorkflowFromDoc(const std::string& doc) {
  auto parsed = nlohmann::json::parse(doc, nullptr, false);
  if (parsed.is_discarded()) return Error{ErrorCode::kInternal, "stored workflow is not JSON"};
  return WorkflowFromJson(parsed);
}

// The job of a row selected as (doc, version, execution).
Result<Job> JobFromRow(const pqxx::row& row) {
  auto job = JobFromStorageJson(row[0].as<std::string>());
  if (job.ok()) {
    job->version = row[1].as<int64_t>();
    job->execution = row[2].as<std::string>();
  }
  return job;
}

void InsertWorkflow(pqxx::work& txn, const Workflow& workflow) {
  txn.exec_params0("INSERT INTO workflows (name, revision, doc) VALUES ($1, $2, $3)", workflow.name,
                   workflow.revision, WorkflowToJson(workflow).dump());
}

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url, bool durable) {
  std::string options = std::string("options=-c%20synchronous_commit%3D") + (durable ? "on" : "off");
  std::string with_options = url + (url.find('?') == std::string::npos ? "?" : "&") + options;
  std::unique_ptr<PostgresStore> store(new PostgresStore(with_options));
  auto migrated = store->Migrate();
  if (!migrated.ok()) {
    return Error{ErrorCode::kUnavailable,
                 "can't open PostgreSQL store: " + migrated.error().message};
  }
  return store;
}

Status PostgresStore::Migrate() {
  return pool_.Transact<std::monostate>([](pqxx::work& txn) -> Status {
    txn.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
    txn.exec0(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    for (const Migration& m : kPostgresMigrations) {
      if (!txn.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", m.version)
               .empty()) {
        continue;
      }
      txn.exec0(m.sql);
      txn.exec_params0("INSERT INTO schema_migrations (version) VALUES ($1)", m.version);
    }
    return OkStatus();
  });
}

Result<Workflow> PostgresStore::CreateWorkflow(const Workflow& workflow) {
  return pool_.Transact<Workflow>([&](pqxx::work& txn) -> Result<Workflow> {
    Workflow stored = workflow;
    stored.revision = 0;
    auto inserted = txn.exec_params(
        "INSERT INTO workflows (name, revision, doc) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING",
        stored.name, WorkflowToJson(stored).dump());
    if (inserted.affected_rows() == 0) {
      return Error{ErrorCode::kAlreadyExists, "workflow '" + workflow.name + "' already exists"};
    }
    return stored;
  });
}

Result<Workflow> PostgresStore::AddWorkflowRevision(const Workflow& workflow) {
  return pool_.Transact<Workflow>([&](pqxx::work& txn) -> Result<Workflow> {
    // Concurrent updates of one workflow take turns (the lock ends with the transaction).
    txn.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", workflow.name);
    auto latest = txn.exec_params(
        "SELECT revision FROM workflows WHERE name = $1 ORDER BY revision DESC LIMIT 1",
        workflow.name);
    if (latest.empty()) {
      return Error{ErrorCode::kNotFound, "workflow '" + workflow.name + "' not found"};
    }
    Workflow stored = workflow;
    stored.revision = latest[0][0].as<int64_t>() + 1;
    InsertWorkflow(txn, stored);
    return stored;
  });
}

Result<Workflow> PostgresStore::GetWorkflow(const std::string& name, int64_t revision) {
  return pool_.Transact<Workflow>([&](pqxx::work& txn) -> Result<Workflow> {
    pqxx::result rows =
        revision < 0
            ? txn.exec_params(
                  "SELECT doc FROM workflows WHERE name = $1 ORDER BY revision DESC "
                  "LIMIT 1",
                  name)
            : txn.exec_params("SELECT doc FROM workflows WHERE name = $1 AND revision = $2", name,
                              revision);
    if (rows.empty()) {
      return Error{ErrorCode::kNotFound, revision < 0 ? "workflow '" + name + "' not found"
                                                      : "workflow '" + name + "' has no revision " +
                                                            std::to_string(revision)};
    }
    return WorkflowFromDoc(rows[0][0].as<std::string>());
  });
}

Result<std::vector<Workflow>> PostgresStore::ListWorkflowRevisions(const std::string& name) {
  return pool_.Transact<std::vector<Workflow>>(
      [&](pqxx::work& txn) -> Result<std::vector<Workflow>> {
        std::vector<Workflow> revisions;
        for (const auto& row : txn.exec_params(
                 "SELECT doc FROM workflows WHERE name = $1 ORDER BY revision DESC", name)) {
          auto workflow = WorkflowFromDoc(row[0].as<std::string>());
          if (!workflow.ok()) return workflow.error();
          revisions.push_back(std::move(workflow.value()));
        }
        if (revisions.empty()) {
          return Error{ErrorCode::kNotFound, "workflow '" + name + "' not found"};
        }
        return revisions;
      });
}

Result<std::vector<Workflow>> PostgresStore::ListWorkflows() {
  return pool_.Transact<std::vector<Workflow>>(
      [&](pqxx::work& txn) -> Result<std::vector<Workflow>> {
        std::vector<Workflow> out;
        for (const auto& row : txn.exec("SELECT DISTINCT ON (name) doc FROM workflows "
                                        "ORDER BY name, revision DESC")) {
          auto workflow = WorkflowFromDoc(row[0].as<std::string>());
          if (!workflow.ok()) return workflow.error();
          out.push_back(std::move(workflow.value()));
        }
        return out;
      });
}

namespace {

// Inserts `job` at version 1; false when its id exists.
bool InsertJob(pqxx::work& txn, const Job& job) {
  Job stored = job;
  stored.version = 1;
  auto inserted = txn.exec_params(
      "INSERT INTO jobs (id, workflow_name, created_at, status, active, version, doc, execution) "
      "VALUES ($1, $2, $3, $4, $5, 1, $6, $7) ON CONFLICT DO NOTHING",
      stored.id, stored.workflow.name, stored.created_at, std::string(ToString(stored.status)),
      IsActive(stored), JobToJson(stored, JsonForm::kStorage).dump(), stored.execution);
  return inserted.affected_rows() != 0;
}

}  // namespace

Status PostgresStore::CreateJob(const Job& job) {
  return pool_.Transact<std::monostate>([&](pqxx::work& txn) -> Status {
    if (!InsertJob(txn, job)) {
      return Error{ErrorCode::kAlreadyExists, "job '" + job.id + "' already exists"};
    }
    return OkStatus();
  });
}

Result<Job> PostgresStore::GetJob(const std::string& id) {
  return pool_.Transact<Job>([&](pqxx::work& txn) -> Result<Job> {
    auto rows = txn.exec_params("SELECT doc, version, execution FROM jobs WHERE id = $1", id);
    if (rows.empty()) return Error{ErrorCode::kNotFound, "job '" + id + "' not found"};
    return JobFromRow(rows[0]);
  });
}

Result<JobPage> PostgresStore::ListJobs(const JobFilter& filter, const std::string& page_token,
                                        int limit) {
  auto cursor = ParsePageRequest(page_token, limit);
  if (!cursor.ok()) return cursor.error();
  return pool_.Transact<JobPage>([&](pqxx::work& txn) -> Result<JobPage> {
    // Unset parts of the filter are NULL parameters, so one statement serves every filter.
    pqxx::result rows = txn.exec_params(
        "SELECT doc, version, execution FROM jobs "
        "WHERE ($1::text IS NULL OR workflow_name = $1) AND ($2::text IS NULL OR status = $2) "
        "AND ($3::bigint IS NULL OR created_at >= $3) AND ($4::bigint IS NULL OR created_at < $4) "
        "AND ($5::bigint IS NULL OR (created_at, id) < ($5, $6::text)) "
        "ORDER BY created_at DESC, id DESC LIMIT $7",
        filter.workflow_name.empty() ? std::nullopt : std::optional(filter.workflow_name),
        filter.status ? std::optional<std::string>(ToString(*filter.status)) : std::nullopt,
        filter.since != 0 ? std::optional<int64_t>(filter.since) : std::nullopt,
        filter.until != 0 ? std::optional<int64_t>(filter.until) : std::nullopt,
        cursor->first ? std::nullopt : std::optional<int64_t>(cursor->created_at),
        cursor->first ? std::string() : cursor->id, limit + 1);
    JobPage page;
    for (const auto& row : rows) {
      if (CloseIfFull(page, limit)) break;
      auto job = JobFromRow(row);
      if (!job.ok()) return job.error();
      page.jobs.push_back(std::move(job.value()));
    }
    return page;
  });
}

Result<std::vector<Job>> PostgresStore::ListActiveJobs(const PageCursor& after, size_t limit) {
  return pool_.Transact<std::vector<Job>>([&](pqxx::work& txn) -> Result<std::vector<Job>> {
    std::vector<Job> out;
    auto rows = txn.exec_params(
        "SELECT doc, version, execution FROM jobs WHERE active AND (created_at, id) > ($1, $2) "
        "ORDER BY created_at, id LIMIT $3",
        after.first ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(after.created_at),
        after.first ? std::string() : after.id,
        static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
    for (const auto& row : rows) {
      auto job = JobFromRow(row);
      if (!job.ok()) return job.error();
      out.push_back(std::move(job.value()));
    }
    return out;
  });
}

Result<std::vector<JobVersion>> PostgresStore::ListActiveJobVersions() {
  return pool_.Transact<std::vector<JobVersion>>(
      [&](pqxx::work& txn) -> Result<std::vector<JobVersion>> {
        std::vector<JobVersion> out;
        for (const auto& row :
             txn.exec("SELECT id, version FROM jobs WHERE active ORDER BY created_at, id")) {
          out.push_back({row[0].as<std::string>(), row[1].as<int64_t>()});
        }
        return out;
      });
}

Result<std::vector<std::string>> PostgresStore::Commit(CommitBatch& batch) {
  std::vector<bool> records_written;  // per record mutation, from the attempt that committed
  auto start = std::chrono::steady_clock::now();
  auto conflicts = pool_.Transact<std::vector<std::string>>(
      [&](pqxx::work& txn) -> Result<std::vector<std::string>> {
        std::set<std::string> written;
        // One statement per chunk of jobs: a single round trip writes hundreds of them.
        for (size_t start = 0; start < batch.jobs.size(); start += kJobsPerStatement) {
          std::string values;
          size_t end = std::min(batch.jobs.size(), start + kJobsPerStatement);
          for (size_t i = start; i < end; ++i) {
            const JobMutation& m = batch.jobs[i];
            values += (i > start ? ",(" : "(") + txn.quote(m.job.id) + "," +
                      std::to_string(m.expected_version) + "::bigint," +
                      txn.quote(std::string(ToString(m.job.status))) + "," +
                      (IsActive(m.job) ? "true" : "false") + "," +
                      txn.quote(JobToJson(m.job, JsonForm::kStorage).dump()) + "," +
                      txn.quote(m.job.execution) + ")";
          }
          for (const auto& row :
               txn.exec("UPDATE jobs AS j SET status = u.status, active = u.active, "
                        "version = u.version + 1, doc = u.doc, execution = u.execution "
                        "FROM (VALUES " +
                        values +
                        ") AS u(id, version, status, active, doc, execution) "
                        "WHERE j.id = u.id AND j.version = u.version RETURNING j.id")) {
            written.insert(row[0].as<std::string>());
          }
        }
        if (!batch.consumed_commands.empty()) {
          std::string ids;
          for (int64_t id : batch.consumed_commands) {
            ids += (ids.empty() ? "" : ",") + std::to_string(id);
          }
          txn.exec0("DELETE FROM cancel_commands WHERE id IN (" + ids + ")");
        }
        auto records = WriteRecordsAndEvents(txn, batch);
        if (!records.ok()) return records.error();
        std::vector<std::string> lost;
        for (const auto& m : batch.jobs) {
          if (!written.count(m.job.id)) lost.push_back(m.job.id);
        }
        for (size_t i = 0; i < batch.records.size(); ++i) {
          if (!records.value()[i]) lost.push_back(batch.records[i].record.key);
        }
        records_written = std::move(records.value());
        return lost;
      });
  if (conflicts.ok()) {
    std::set<std::string> lost(conflicts->begin(), conflicts->end());
    for (auto& m : batch.jobs) {
      if (!lost.count(m.job.id)) m.job.version = m.expected_version + 1;
    }
    for (size_t i = 0; i < batch.records.size(); ++i) {
      if (records_written[i])
        batch.records[i].record.version = batch.records[i].expected_version + 1;
    }
  }
  Metrics::Global().Observe(
      metric::kStoreCommitSeconds, {{"store", "postgresql"}},
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return conflicts;
}

Result<CancelCommand> PostgresStore::AddCancelCommand(const std::string& job_id,
                                                      const std::string& reason, TimestampMs now) {
  return pool_.Transact<CancelCommand>([&](pqxx::work& txn) -> Result<CancelCommand> {
    auto job = txn.exec_params("SELECT status FROM jobs WHERE id = $1 FOR SHARE", job_id);
    if (job.empty()) return Error{ErrorCode::kNotFound, "job '" + job_id + "' not found"};
    JobStatus status;
    if (ParseJobStatus(job[0][0].as<std::string>(), &status) && IsTerminal(status)) {
      return Error{ErrorCode::kConflict,
                   "job '" + job_id + "' already finished with status " + ToString(status)};
    }
    auto id = txn.exec_params1(
        "INSERT INTO cancel_commands (job_id, reason, created_at) VALUES ($1, $2, $3) "
        "RETURNING id",
        job_id, reason, now);
    return CancelCommand{id[0].as<int64_t>(), job_id, reason, now};
  });
}

Result<std::vector<CancelCommand>> PostgresStore::ListCancelCommands() {
  return pool_.Transact<std::vector<CancelCommand>>(
      [&](pqxx::work& txn) -> Result<std::vector<CancelCommand>> {
        std::vector<CancelCommand> out;
        for (const auto& row :
             txn.exec("SELECT id, job_id, reason, created_at FROM cancel_commands ORDER BY id")) {
          out.push_back(CancelCommand{row[0].as<int64_t>(), row[1].as<std::string>(),
                                      row[2].as<std::string>(), row[3].as<int64_t>()});
        }
        return out;
      });
}

Status PostgresStore::CreateToken(const ApiToken& token) {
  return pool_.Transact<std::monostate>([&](pqxx::work& txn) -> Status {
    auto inserted = txn.exec_params(
        "INSERT INTO api_tokens (id, name, scope, sha256_hex, created_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        token.id, token.name, static_cast<int>(token.scope), token.sha256_hex, token.created_at);
    if (inserted.affected_rows() == 0) {
      return Error{ErrorCode::kAlreadyExists, "a token named '" + token.name + "' already exists"};
    }
    return OkStatus();
  });
}

namespace {

Result<ApiToken> TokenFromRow(const pqxx::row& row) {
  int scope = row[2].as<int>();
  if (scope < static_cast<int>(TokenScope::kRead) || scope > static_cast<int>(TokenScope::kAdmin)) {
    return Error{ErrorCode::kInternal, "stored token has an unknown scope"};
  }
  return ApiToken{row[0].as<std::string>(), row[1].as<std::string>(),
                  static_cast<TokenScope>(scope), row[3].as<std::string>(), row[4].as<int64_t>()};
}

constexpr const char* kTokenColumns = "id, name, scope, sha256_hex, created_at";

}  // namespace

Result<std::vector<ApiToken>> PostgresStore::ListTokens() {
  return pool_.Transact<std::vector<ApiToken>>(
      [&](pqxx::work& txn) -> Result<std::vector<ApiToken>> {
        std::vector<ApiToken> out;
        for (const auto& row : txn.exec(std::string("SELECT ") + kTokenColumns +
                                        " FROM api_tokens ORDER BY created_at, id")) {
          auto token = TokenFromRow(row);
          if (!token.ok()) return token.error();
          out.push_back(std::move(token.value()));
        }
        return out;
      });
}

Result<ApiToken> PostgresStore::DeleteToken(const std::string& id_or_name) {
  return pool_.Transact<ApiToken>([&](pqxx::work& txn) -> Result<ApiToken> {
    // An id match wins over a name match, so exactly one token goes.
    auto rows = txn.exec_params(std::string("DELETE FROM api_tokens WHERE id = (SELECT id FROM "
                                            "api_tokens WHERE id = $1 UNION ALL SELECT id FROM "
                                            "api_tokens WHERE name = $1 LIMIT 1) RETURNING ") +
                                    kTokenColumns,
                                id_or_name);
    if (rows.empty()) {
      return Error{ErrorCode::kNotFound, "no token with id or name '" + id_or_name + "'"};
    }
    return TokenFromRow(rows[0]);
  });
}

Result<std::string> PostgresStore::GetOrPutSetting(const std::string& key,
                                                   const std::string& value) {
  return pool_.Transact<std::string>([&](pqxx::work& txn) -> Result<std::string> {
    // The no-op update makes the row come back whether it was inserted now or before.
    auto row = txn.exec_params1(
        "INSERT INTO settings (key, value) VALUES ($1, $2) "
        "ON CONFLICT (key) DO UPDATE SET value = settings.value RETURNING value",
        key, value);
    return row[0].as<std::string>();
  });
}

Status PostgresStore::DeleteSetting(const std::string& key) {
  return pool_.Transact<std::monostate>([&](pqxx::work& txn) -> Status {
    txn.exec_params0("DELETE FROM settings WHERE key = $1", key);
    return OkStatus();
  });
}

Status PostgresStore::Ping() {
  return pool_.Transact<std::monostate>([](pqxx::work& txn) -> Status {
    txn.exec1("SELECT 1");
    return OkStatus();
  });
}

}  // namespace wfm
