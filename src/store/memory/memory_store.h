// An in-memory Store for tests and benchmarks: nothing survives the process.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "store/store.h"

namespace wfm {

class MemoryStore : public Store {
 public:
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
  // Orders a workflow's jobs newest first: (created_at desc, id desc).
  using JobKey = std::pair<TimestampMs, std::string>;
  struct NewestFirst {
    bool operator()(const JobKey& a, const JobKey& b) const { return a > b; }
  };

  using RecordId = std::pair<std::string, std::string>;  // (kind, key)
  // The records a listing filters on: (kind, parent, status), "" meaning any.
  using RecordFilter = std::tuple<std::string, std::string, std::string>;
  // Every filter that `record` matches (the listings it appears in).
  static std::vector<RecordFilter> FiltersOf(const Record& record);
  // CreateJob's work. Needs mu_.
  Status CreateJobLocked(const Job& job);
  // Stores `record` (new or replacing the one of its kind and key) and its listings. Needs mu_.
  void PutRecordLocked(const Record& record);
  // Removes the record and its listings (not its history). Needs mu_.
  void EraseRecordLocked(const RecordId& id);
  // The stored version of a record; 0 when there is none. Needs mu_.
  int64_t RecordVersionLocked(const RecordId& id) const;

  std::mutex mu_;
  std::map<std::string, std::vector<Workflow>> workflows_;  // name -> revisions in order
  std::map<std::string, Job> jobs_;
  std::map<std::string, std::set<JobKey, NewestFirst>> jobs_by_workflow_;
  std::set<JobKey, NewestFirst> all_jobs_;
  std::map<int64_t, CancelCommand> commands_;
  int64_t next_command_id_ = 1;
  std::vector<ApiToken> tokens_;  // oldest first
  std::map<std::string, std::string> settings_;
  std::map<RecordId, Record> records_;
  std::map<RecordFilter, std::set<JobKey, NewestFirst>>
      record_listings_;                                              // keys: (created_at, key)
  std::map<std::string, std::map<int64_t, std::string>> histories_;  // execution -> id -> body
};

}  // namespace wfm
