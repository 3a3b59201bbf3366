// The job definitions of the local and Slurm executors, in AWS Batch's job-definition shape so
// one file serves every world: {"jobDefinitions": [{"jobDefinitionName", "revision",
// "containerProperties": {"command": [...], "environment": [{"name", "value"}],
// "resourceRequirements": [{"type": "VCPU" | "MEMORY", "value"}]}, "timeout":
// {"attemptDurationSeconds"}}]} (a bare array of definitions is accepted too), and two fields of
// our own: "executor" ("local" or "slurm": which executor runs it when a service has several)
// and "slurmProperties" {"partition", "account", "qos" (strings), "cpusPerTask", "memoryMiB",
// "timeLimitMinutes" (positive integers)}, which win over the Batch-shaped resources.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "executor/executor.h"

namespace wfm {

struct JobDefinition {
  std::string name;
  int revision = 1;
  std::vector<std::string> command;  // argv; run directly, never through a shell
  Environment environment;
  int timeout_seconds = 0;  // 0: no timeout
  std::string executor;     // "local", "slurm", or empty (the service's first executor)
  // resourceRequirements: VCPU rounded up, MEMORY in MiB; 0 when not given.
  int vcpus = 0;
  int64_t memory_mib = 0;
  struct Slurm {
    std::string partition, account, qos;  // empty: the cluster's defaults
    int cpus_per_task = 0;                // 0: vcpus
    int64_t memory_mib = 0;               // 0: memory_mib
    int64_t time_limit_minutes = 0;       // 0: timeout_seconds rounded up to minutes
  } slurm;
  nlohmann::json document;  // the definition as the file gives it (what GET /job-definitions shows)
};

class JobDefinitions {
 public:
  // Errors: kInvalidArgument naming the file and what is wrong with it.
  static Result<JobDefinitions> Load(const std::string& path);
  static Result<JobDefinitions> Parse(const std::string& text, const std::string& origin);

  // "name:revision", or "name" for its highest revision. Errors: kInvalidArgument.
  Result<JobDefinition> Resolve(const std::string& resource) const;
  // Every definition's document, by name then revision.
  nlohmann::json Documents() const;

 private:
  std::map<std::string, std::map<int, JobDefinition>> by_name_;
};

}  // namespace wfm
