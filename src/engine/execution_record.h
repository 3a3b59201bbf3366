// The stored form of a Step Functions execution: the body of its Record (kind "execution") holds
// what DescribeExecution shows ("info") and the interpreter's state ("run", the engine's own). A
// v1 job's execution has the same form, kept in its job's row (Job::execution).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace wfm {

// Execution statuses, as Step Functions names them.
inline constexpr const char* kExecutionRunning = "RUNNING";
inline constexpr const char* kExecutionSucceeded = "SUCCEEDED";
inline constexpr const char* kExecutionFailed = "FAILED";
inline constexpr const char* kExecutionTimedOut = "TIMED_OUT";
inline constexpr const char* kExecutionAborted = "ABORTED";
inline constexpr const char* kExecutionPendingRedrive = "PENDING_REDRIVE";

struct ExecutionInfo {
  std::string arn;
  std::string name;
  std::string state_machine_arn;  // without version or alias
  std::string state_machine_name;
  std::string state_machine_version_arn;  // when started through a version (or an alias of one)
  std::string state_machine_alias_arn;    // when started through an alias
  std::string definition;                 // the definition text this execution runs
  std::string role_arn;
  std::string status = kExecutionRunning;
  std::string input = "{}";           // JSON text
  std::optional<std::string> output;  // JSON text, once SUCCEEDED
  std::string error, cause;           // once FAILED, TIMED_OUT or ABORTED (may be empty)
  TimestampMs start_date = 0;
  TimestampMs stop_date = 0;  // 0 while running
  int64_t redrive_count = 0;
  TimestampMs redrive_date = 0;  // 0: never redriven
};

nlohmann::json ToJson(const ExecutionInfo& info);
// Errors: kInternal when `json` is not an ExecutionInfo.
Result<ExecutionInfo> ExecutionInfoFromJson(const nlohmann::json& json);

// The ExecutionInfo inside an execution record's body. Errors: kInternal for a corrupt body.
Result<ExecutionInfo> ExecutionInfoOf(const Record& record);

}  // namespace wfm
