// An in-memory Store for tests and benchmarks: nothing survives the process.
#pragma once

#include <map>
#include <mutex>
#include <set>

#include "store/store.h"

namespace wfm {

class MemoryStore : public Store {
 public:
  Result<Workflow> CreateWorkflow(const Workflow& workflow) override;
  Result<Workflow> AddWorkflowRevision(const Workflow& workflow) override;
  Result<Workflow> GetWorkflow(const std::string& name, int64_t revision) override;
  Result<std::vector<Workflow>> ListWorkflows() override;
  Status CreateJob(const Job& job) override;
  Result<Job> GetJob(const std::string& id) override;
  Result<JobPage> ListJobs(const std::string& workflow_name, const std::string& page_token,
                           int limit) override;
  Result<std::vector<Job>> ListActiveJobs() override;
  Result<std::vector<std::string>> ListActiveJobIds() override;
  Result<std::vector<std::string>> Commit(CommitBatch& batch) override;
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

  std::mutex mu_;
  std::map<std::string, std::vector<Workflow>> workflows_;  // name -> revisions in order
  std::map<std::string, Job> jobs_;
  std::map<std::string, std::set<JobKey, NewestFirst>> jobs_by_workflow_;
  std::map<int64_t, CancelCommand> commands_;
  int64_t next_command_id_ = 1;
  std::vector<ApiToken> tokens_;  // oldest first
  std::map<std::string, std::string> settings_;
};

}  // namespace wfm
