// The Store: where workflows, jobs and pending commands live. Whole-job operations only, so one
// interface fits an in-memory map, an SQLite file and a PostgreSQL database alike.
//
// Thread-safety: every implementation may be called from any number of threads at once.
// Errors: kUnavailable when the backing database can't be reached (nothing was changed);
// kInternal for corrupt data; the specific codes below otherwise.
#pragma once

#include <cstdint>
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

// Changes applied in one transaction (one durable write for all of them).
struct CommitBatch {
  std::vector<JobMutation> jobs;
  std::vector<int64_t> consumed_commands;  // CancelCommand ids to delete
};

// What an API token may do: read (GET, HEAD), write (also POST, PUT, DELETE, PATCH), admin
// (every method). Ordered: a scope includes the ones before it.
enum class TokenScope { kRead = 0, kWrite = 1, kAdmin = 2 };

// An API token as stored: never the token itself, only its SHA-256.
struct ApiToken {
  std::string id;           // a UUID, given by the creator
  std::string name;         // unique among tokens
  TokenScope scope = TokenScope::kRead;
  std::string sha256_hex;   // lower-case hex SHA-256 of the token (64 characters)
  TimestampMs created_at = 0;
};

struct JobPage {
  std::vector<Job> jobs;        // newest first
  std::string next_page_token;  // empty on the last page
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

  // Stores a new job at version 1 (job.version is ignored). Errors: kAlreadyExists (same id).
  virtual Status CreateJob(const Job& job) = 0;
  // Errors: kNotFound.
  virtual Result<Job> GetJob(const std::string& id) = 0;
  // One page of the jobs of a workflow (any revision), newest first. `page_token` is empty for the
  // first page, else a next_page_token from an earlier call. limit: 1..1000.
  // Errors: kInvalidArgument for a malformed token or limit.
  virtual Result<JobPage> ListJobs(const std::string& workflow_name, const std::string& page_token,
                                   int limit) = 0;
  // Every job whose status is not terminal, oldest first.
  virtual Result<std::vector<Job>> ListActiveJobs() = 0;
  // The ids of the same jobs, in the same order (cheap: no documents are read).
  virtual Result<std::vector<std::string>> ListActiveJobIds() = 0;

  // Applies the batch in one transaction: each job mutation whose stored version equals its
  // expected_version is written (and its job.version set to expected_version + 1), the others are
  // left alone and their ids returned; consumed commands are deleted. Nothing is written when an
  // error is returned.
  virtual Result<std::vector<std::string>> Commit(CommitBatch& batch) = 0;

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

// Paging shared by the implementations. A page token is an opaque text encoding of the
// (created_at, id) of the last job of the previous page.
struct PageCursor {
  bool first = true;  // no token: start with the newest job
  TimestampMs created_at = 0;
  std::string id;
};
// Checks a ListJobs request's limit (1..1000) and token. Errors: kInvalidArgument.
Result<PageCursor> ParsePageRequest(const std::string& page_token, int limit);
// True when `page` holds `limit` jobs: then it also sets the page's next_page_token (the caller
// has found one job more, so another page follows).
bool CloseIfFull(JobPage& page, int limit);

}  // namespace wfm
