#include "store/memory/memory_store.h"

#include <algorithm>
#include <tuple>

namespace wfm {

Result<Workflow> MemoryStore::CreateWorkflow(const Workflow& workflow) {
  std::lock_guard lock(mu_);
  auto& revisions = workflows_[workflow.name];
  if (!revisions.empty()) {
    return Error{ErrorCode::kAlreadyExists, "workflow '" + workflow.name + "' already exists"};
  }
  Workflow stored = workflow;
  stored.revision = 0;
  revisions.push_back(stored);
  return stored;
}

Result<Workflow> MemoryStore::AddWorkflowRevision(const Workflow& workflow) {
  std::lock_guard lock(mu_);
  auto it = workflows_.find(workflow.name);
  if (it == workflows_.end() || it->second.empty()) {
    return Error{ErrorCode::kNotFound, "workflow '" + workflow.name + "' not found"};
  }
  Workflow stored = workflow;
  stored.revision = static_cast<int64_t>(it->second.size());
  it->second.push_back(stored);
  return stored;
}

Result<Workflow> MemoryStore::GetWorkflow(const std::string& name, int64_t revision) {
  std::lock_guard lock(mu_);
  auto it = workflows_.find(name);
  if (it == workflows_.end() || it->second.empty()) {
    return Error{ErrorCode::kNotFound, "workflow '" + name + "' not found"};
  }
  if (revision < 0) return it->second.back();
  if (revision >= static_cast<int64_t>(it->second.size())) {
    return Error{ErrorCode::kNotFound,
                 "workflow '" + name + "' has no revision " + std::to_string(revision)};
  }
  return it->second[revision];
}

Result<std::vector<Workflow>> MemoryStore::ListWorkflowRevisions(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = workflows_.find(name);
  if (it == workflows_.end() || it->second.empty()) {
    return Error{ErrorCode::kNotFound, "workflow '" + name + "' not found"};
  }
  return std::vector<Workflow>(it->second.rbegin(), it->second.rend());
}

Result<std::vector<Workflow>> MemoryStore::ListWorkflows() {
  std::lock_guard lock(mu_);
  std::vector<Workflow> latest;
  for (const auto& [name, revisions] : workflows_) {
    if (!revisions.empty()) latest.push_back(revisions.back());
  }
  return latest;
}

Status MemoryStore::CreateJob(const Job& job) {
  std::lock_guard lock(mu_);
  return CreateJobLocked(job);
}

Status MemoryStore::CreateJobLocked(const Job& job) {
  Job stored = job;
  stored.version = 1;
  if (!jobs_.emplace(job.id, stored).second) {
    return Error{ErrorCode::kAlreadyExists, "job '" + job.id + "' already exists"};
  }
  jobs_by_workflow_[job.workflow.name].insert({job.created_at, job.id});
  all_jobs_.insert({job.created_at, job.id});
  return OkStatus();
}

Result<Job> MemoryStore::GetJob(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return Error{ErrorCode::kNotFound, "job '" + id + "' not found"};
  return it->second;
}

Result<JobPage> MemoryStore::ListJobs(const JobFilter& filter, const std::string& page_token,
                                      int limit) {
  auto cursor = ParsePageRequest(page_token, limit);
  if (!cursor.ok()) return cursor.error();
  std::lock_guard lock(mu_);
  JobPage page;
  const std::set<JobKey, NewestFirst>* keys = &all_jobs_;
  if (!filter.workflow_name.empty()) {
    auto it = jobs_by_workflow_.find(filter.workflow_name);
    if (it == jobs_by_workflow_.end()) return page;
    keys = &it->second;
  }
  auto pos = cursor->first ? keys->begin()
                           : keys->upper_bound(JobKey{cursor->created_at, cursor->id});
  for (; pos != keys->end() && pos->first >= filter.since; ++pos) {
    const Job& job = jobs_.at(pos->second);
    if (!filter.Passes(job)) continue;
    if (CloseIfFull(page, limit)) break;
    page.jobs.push_back(job);
  }
  return page;
}

Result<std::vector<Job>> MemoryStore::ListActiveJobs(const PageCursor& after, size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<const Job*> active;
  for (const auto& [id, job] : jobs_) {
    bool later = after.first || std::tie(job.created_at, job.id) > std::tie(after.created_at, after.id);
    if (IsActive(job) && later) active.push_back(&job);
  }
  std::sort(active.begin(), active.end(), [](const Job* a, const Job* b) {
    return std::tie(a->created_at, a->id) < std::tie(b->created_at, b->id);
  });
  if (active.size() > limit) active.resize(limit);
  std::vector<Job> page;
  for (const Job* job : active) page.push_back(*job);
  return page;
}

Result<std::vector<JobVersion>> MemoryStore::ListActiveJobVersions() {
  auto jobs = ListActiveJobs(PageCursor{}, jobs_.size());
  if (!jobs.ok()) return jobs.error();
  std::vector<JobVersion> versions;
  for (const auto& job : jobs.value()) versions.push_back({job.id, job.version});
  return versions;
}

Result<std::vector<std::string>> MemoryStore::Commit(CommitBatch& batch) {
  std::lock_guard lock(mu_);
  // Every mutation is decided first, in order (a later mutation of the same job or record sees
  // the earlier one), so that an event id collision can still leave everything untouched.
  std::vector<std::string> conflicts;
  std::map<std::string, int64_t> job_versions;  // as the batch leaves them; -1: no such job
  std::vector<bool> job_written(batch.jobs.size());
  for (size_t i = 0; i < batch.jobs.size(); ++i) {
    const JobMutation& mutation = batch.jobs[i];
    auto stored = jobs_.find(mutation.job.id);
    auto [version, fresh] =
        job_versions.emplace(mutation.job.id, stored == jobs_.end() ? -1 : stored->second.version);
    job_written[i] = version->second == mutation.expected_version;
    if (job_written[i]) {
      version->second = mutation.expected_version + 1;
    } else {
      conflicts.push_back(mutation.job.id);
    }
  }
  std::map<RecordId, int64_t> record_versions;  // as the batch leaves them; 0: no such record
  std::vector<bool> record_written(batch.records.size());
  std::set<std::string> conflicted_records;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const RecordMutation& mutation = batch.records[i];
    RecordId id{mutation.record.kind, mutation.record.key};
    auto [version, fresh] = record_versions.emplace(id, RecordVersionLocked(id));
    record_written[i] = version->second == mutation.expected_version;
    if (record_written[i]) {
      version->second = mutation.expected_version + 1;
    } else {
      conflicts.push_back(mutation.record.key);
      conflicted_records.insert(mutation.record.key);
    }
  }
  std::set<std::pair<std::string, int64_t>> appended;
  for (const HistoryEvent& event : batch.events) {
    if (conflicted_records.count(event.execution)) continue;
    auto history = histories_.find(event.execution);
    bool taken = history != histories_.end() && history->second.count(event.id);
    if (taken || !appended.emplace(event.execution, event.id).second) {
      return Error{ErrorCode::kConflict, "event " + std::to_string(event.id) + " of execution '" +
                                             event.execution + "' already exists"};
    }
  }

  for (size_t i = 0; i < batch.jobs.size(); ++i) {
    if (!job_written[i]) continue;
    JobMutation& mutation = batch.jobs[i];
    mutation.job.version = mutation.expected_version + 1;
    jobs_[mutation.job.id] = mutation.job;
  }
  for (size_t i = 0; i < batch.records.size(); ++i) {
    if (!record_written[i]) continue;
    Record& record = batch.records[i].record;
    record.version = batch.records[i].expected_version + 1;
    Record stored = record;
    auto existing = records_.find({record.kind, record.key});
    if (existing != records_.end()) stored.created_at = existing->second.created_at;
    PutRecordLocked(stored);
  }
  for (const HistoryEvent& event : batch.events) {
    if (!conflicted_records.count(event.execution)) {
      histories_[event.execution][event.id] = event.body;
    }
  }
  for (int64_t id : batch.consumed_commands) commands_.erase(id);
  return conflicts;
}

Result<CancelCommand> MemoryStore::AddCancelCommand(const std::string& job_id,
                                                    const std::string& reason, TimestampMs now) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return Error{ErrorCode::kNotFound, "job '" + job_id + "' not found"};
  if (IsTerminal(it->second.status)) {
    return Error{ErrorCode::kConflict, "job '" + job_id + "' already finished with status " +
                                           ToString(it->second.status)};
  }
  CancelCommand command{next_command_id_++, job_id, reason, now};
  commands_[command.id] = command;
  return command;
}

Result<std::vector<CancelCommand>> MemoryStore::ListCancelCommands() {
  std::lock_guard lock(mu_);
  std::vector<CancelCommand> pending;
  for (const auto& [id, command] : commands_) pending.push_back(command);
  return pending;
}

Status MemoryStore::CreateToken(const ApiToken& token) {
  std::lock_guard lock(mu_);
  for (const ApiToken& existing : tokens_) {
    if (existing.id == token.id || existing.name == token.name) {
      return Error{ErrorCode::kAlreadyExists, "a token named '" + token.name + "' already exists"};
    }
  }
  tokens_.push_back(token);
  return OkStatus();
}

Result<std::vector<ApiToken>> MemoryStore::ListTokens() {
  std::lock_guard lock(mu_);
  return tokens_;
}

Result<ApiToken> MemoryStore::DeleteToken(const std::string& id_or_name) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(tokens_.begin(), tokens_.end(), [&](const ApiToken& token) {
    return token.id == id_or_name || token.name == id_or_name;
  });
  if (it == tokens_.end()) {
    return Error{ErrorCode::kNotFound, "no token with id or name '" + id_or_name + "'"};
  }
  ApiToken deleted = *it;
  tokens_.erase(it);
  return deleted;
}

Result<std::string> MemoryStore::GetOrPutSetting(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  return settings_.emplace(key, value).first->second;
}

Status MemoryStore::DeleteSetting(const std::string& key) {
  std::lock_guard lock(mu_);
  settings_.erase(key);
  return OkStatus();
}

Status MemoryStore::Ping() { return OkStatus(); }

}  // namespace wfm
