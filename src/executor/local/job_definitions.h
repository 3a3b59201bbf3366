// Local job definitions, in AWS Batch's job-definition shape so one file serves both worlds:
// {"jobDefinitions": [{"jobDefinitionName", "revision", "containerProperties": {"command": [...],
// "environment": [{"name", "value"}]}, "timeout": {"attemptDurationSeconds"}}]} (a bare array of
// definitions is accepted too).
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
