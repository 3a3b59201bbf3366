// The Store: where workflows, jobs and pending commands live. Whole-job operations only, so one
// interface fits an in-memory map, an SQLite file and a PostgreSQL database alike.
//
// Thread-safety: every implementation may be called from any number of threads at once.
// Errors: kUnavailable when the backing database can't be reached (nothing was changed);
// kInternal for corrupt data; the specific codes below otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "model/job.h"
#include "model/workflow.h"

namespace wfm {

// A user's request to cancel a job, stored until the engine has applied it.
struct CancelCommand {
  int64_t id = 0;
  std::string job_id;
  std::string reason;
  TimestampMs created_at = 0;
};

// A new version of a job, to be written only if the stored version is still `expected_version`.
struct JobMutation {
  Job job;  // job.version is set to expected_version + 1 when the commit succeeds
  int64_t expected_version = 0;
};

// A stored document of the Step Functions face: a state machine, a state machine version or
// alias, an activity, or an execution. The store indexes it by kind, key, parent and status and
// keeps its body as opaque JSON text.
struct Record {
  std::string kind;    // one of the kRecord... constants below
  std::string key;     // unique within its kind (an ARN)
  std::string parent;  // the ARN it belongs to (an execution's or version's state machine), or ""
  std::string status;  // executions: RUNNING, SUCCEEDED, ...; others ""
  TimestampMs created_at = 0;  // set when created; an update keeps the stored one
  std::string body;            // JSON text
  int64_t version = 0;         // 1 once created, +1 per stored change
};
inline constexpr const char* kRecordStateMachine = "state-machine";
inline constexpr const char* kRecordStateMachineVersion = "state-machine-version";
inline constexpr const char* kRecordStateMachineAlias = "state-machine-alias";
inline constexpr const char* kRecordActivity = "activity";
inline constexpr const char* kRecordExecution = "execution";

// A new version of a record, to be written only if the stored version is still
// `expected_version`; expected_version 0 creates it (a conflict when the key exists).
struct RecordMutation {
  Record record;  // record.version is set to expected_version + 1 when the commit succeeds
  int64_t expected_version = 0;
};

// One event of an execution's history (Step Functions' HistoryEvent as JSON text). Ids start at 1
// and are contiguous per execution; an event is never changed once stored.
struct HistoryEvent {
  std::string execution;  // the execution's ARN
  int64_t id = 0;
  std::string body;
};

struct RecordQuery {
  std::string kind;
  std::string parent;      // empty: any
  std::string status;      // empty: any
  std::string page_token;  // empty: the first page
  int limit = 100;         // 1..1000
};

struct RecordPage {
  std::vector<Record> records;  // newest first (created_at, then key, descending)
  std::string next_page_token;  // empty on the last page
};

// Changes applied in one transaction (one durable write for all of them).
struct CommitBatch {
  std::vector<JobMutation> jobs;
  std::vector<int64_t> consumed_commands;  // CancelCommand ids to delete
  std::vector<RecordMutation> records;
  std::vector<HistoryEvent> events;  // appended; an event whose (execution, id) exists is an error
};

// What an API token may do: read (GET, HEAD), write (also POST, PUT, DELETE, PATCH), admin
// (every method). Ordered: a scope includes the ones before it.
enum class TokenScope { kRead = 0, kWrite = 1, kAdmin = 2 };

// An API token as stored: never the token itself, only its SHA-256.
struct ApiToken {
  std::string id;    // a UUID, given by the creator
  std::string name;  // unique among tokens
  TokenScope scope = TokenScope::kRead;
  std::string sha256_hex;  // lower-case hex SHA-256 of the token (64 characters)
  TimestampMs created_at = 0;
};

// Which version of a job is stored.
struct JobVersion {
  std::string id;
  int64_t version = 0;
  bool operator==(const JobVersion&) const = default;
};

// Which jobs a listing shows; every part is optional.
struct JobFilter {
  std::string workflow_name;        // "": every workflow
  std::optional<JobStatus> status;  // none: every status
  TimestampMs since = 0;            // created_at >= since (0: no bound)
  TimestampMs until = 0;            // created_at < until (0: no bound)

  // Whether `job` passes (the memory store's check; the SQL stores say the same in SQL).
  bool Passes(const Job& job) const {
    return (workflow_name.empty() || job.workflow.name == workflow_name) &&
           (!status || job.status == *status) && job.created_at >= since &&
           (until == 0 || job.created_at < until);
  }
};

struct JobPage {
  std::vector<Job> jobs;        // newest first
  std::string next_page_token;  // empty on the last page
};

// Paging shared by the implementations. A page token is an opaque text encoding of the
// (created_at, id) of the last job of the previous page (ListActiveJobs: of the page before).
struct PageCursor {
  bool first = true;  // no token: start with the newest job (ListActiveJobs: the oldest)
  TimestampMs created_at = 0;
  std::string id;
};

class Store {
 public:
  virtual ~Store() = default;

  // Stores `workflow` as revision 0 of a new name. Errors: kAlreadyExists if the name exists.
  virtual Result<Workflow> CreateWorkflow(const Workflow& workflow) = 0;
  // Stores `workflow` as the next revision (latest + 1) of an existing name; the stored copy, with
  // its revision set, is returned. Errors: kNotFound if the name does not exist.
  virtual Result<Workflow> AddWorkflowRevision(const Workflow& workflow) = 0;
  // A revision of a workflow; revision < 0 means the latest. Errors: kNotFound.
  virtual Result<Workflow> GetWorkflow(const std::string& name, int64_t revision) = 0;
  // The latest revision of every workflow, ordered by name.
  virtual Result<std::vector<Workflow>> ListWorkflows() = 0;
  // Every revision of a workflow, newest first. Errors: kNotFound.
  virtual Result<std::vector<Workflow>> ListWorkflowRevisions(const std::string& name) = 0;

  // Stores a new job at version 1 (job.version is ignored). Errors: kAlreadyExists (same id).
  virtual Status CreateJob(const Job& job) = 0;
  // Errors: kNotFound.
  virtual Result<Job> GetJob(const std::string& id) = 0;
  // One page of the jobs that `filter` lets through, newest first (by created_at, then id).
  // `page_token` is empty for the first page, else a next_page_token from an earlier call with the
  // same filter. limit: 1..1000. Errors: kInvalidArgument for a malformed token or limit.
  virtual Result<JobPage> ListJobs(const JobFilter& filter, const std::string& page_token,
                                   int limit) = 0;
  // Up to `limit` active jobs (IsActive: not ended, or their execution still kept), oldest first
  // (by created_at, then id), after the job `after` names (after.first: from the oldest).
  virtual Result<std::vector<Job>> ListActiveJobs(const PageCursor& after, size_t limit) = 0;
  // The ids and versions of every active job, oldest first (cheap: no documents are read).
  virtual Result<std::vector<JobVersion>> ListActiveJobVersions() = 0;

  // Applies the batch in one transaction: each job or record mutation whose stored version equals
  // its expected_version is written (and its version set to expected_version + 1), the others are
  // left alone and their ids (job ids, record keys) returned; consumed commands are deleted;
  // events are appended, except those of a record whose mutation was left alone. Nothing is
  // written when an error is returned (kConflict when an event id is taken).
  virtual Result<std::vector<std::string>> Commit(CommitBatch& batch) = 0;

  // Stores a new record at version 1 (record.version is ignored). Errors: kAlreadyExists (same
  // kind and key).
  virtual Status CreateRecord(const Record& record) = 0;
  // Errors: kNotFound.
  virtual Result<Record> GetRecord(const std::string& kind, const std::string& key) = 0;
  // Writes `record` as version expected_version + 1 if the stored one is expected_version.
  // Errors: kNotFound; kConflict when the version differs.
  virtual Status UpdateRecord(const Record& record, int64_t expected_version) = 0;
  // Deletes a record (and, for an execution, its history). Errors: kNotFound.
  virtual Status DeleteRecord(const std::string& kind, const std::string& key) = 0;
  // One page of the records that match the query, newest first. Errors: kInvalidArgument for a
  // malformed token or limit, or no kind.
  virtual Result<RecordPage> ListRecords(const RecordQuery& query) = 0;
  // Every record of `kind` whose status is `status`, oldest first (for the engine's recovery).
  virtual Result<std::vector<Record>> ListRecordsWithStatus(const std::string& kind,
                                                            const std::string& status) = 0;
  // Up to `limit` (1..1000) events of an execution: forward from id `from_id` upwards, or with
  // `reverse` from id `from_id` downwards (from_id <= 0 in reverse: from the last event); none
  // for an execution without history. Errors: kInvalidArgument for a limit out of range.
  virtual Result<std::vector<HistoryEvent>> ReadHistory(const std::string& execution,
                                                        int64_t from_id, int limit,
                                                        bool reverse) = 0;

  // Records a cancel request for a job. Errors: kNotFound; kConflict if the job is terminal.
  virtual Result<CancelCommand> AddCancelCommand(const std::string& job_id,
                                                 const std::string& reason, TimestampMs now) = 0;
  // Cancel requests not yet consumed, oldest first.
  virtual Result<std::vector<CancelCommand>> ListCancelCommands() = 0;

  // Stores a new API token. Errors: kAlreadyExists when its id or name is taken.
  virtual Status CreateToken(const ApiToken& token) = 0;
  // Every API token, oldest first.
  virtual Result<std::vector<ApiToken>> ListTokens() = 0;
  // Deletes the token whose id or name is `id_or_name` and returns it. Errors: kNotFound.
  virtual Result<ApiToken> DeleteToken(const std::string& id_or_name) = 0;

  // Settings recorded once for the whole database (every replica sees the same). Returns the
  // value stored under `key`, storing `value` first when there is none; of callers racing, one
  // value wins and every one of them gets it.
  virtual Result<std::string> GetOrPutSetting(const std::string& key, const std::string& value) = 0;
  // Forgets `key`'s value; ok whether or not there was one.
  virtual Status DeleteSetting(const std::string& key) = 0;

  // Reserves the store for this process's engine, for as long as the store is open. SQLite locks
  // its database: one engine per file. PostgreSQL allows several, of which one leads at a time
  // (see leader_lock.h), and memory can't be shared. Errors: kAlreadyExists naming the database
  // when another process holds it.
  virtual Status ClaimForEngine() { return OkStatus(); }

  // Errors from here name the backing store; ok when it answers a trivial query.
  virtual Status Ping() = 0;
};

// Checks a ListJobs request's limit (1..1000) and token. Errors: kInvalidArgument.
Result<PageCursor> ParsePageRequest(const std::string& page_token, int limit);
// True when `page` holds `limit` jobs: then it also sets the page's next_page_token (the caller
// has found one job more, so another page follows).
bool CloseIfFull(JobPage& page, int limit);

}  // namespace wfm
