#include "engine/execution_tasks.h"

#include <cctype>

#include "asl/failure.h"

namespace wfm {
namespace {

using asl::Failure;
using asl::Json;

Json RecaseKeys(const Json& value, bool upper) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(RecaseKeys(item, upper));
    return out;
  }
  if (!value.is_object()) return value;
  Json out = Json::object();
  for (const auto& [key, item] : value.items()) {
    std::string recased = key;
    if (!recased.empty()) {
      recased[0] = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(key[0]))
                                           : std::tolower(static_cast<unsigned char>(key[0])));
    }
    bool user_keyed = recased == "Parameters" || recased == "parameters" || recased == "Tags" ||
                      recased == "tags";
    out[recased] = user_keyed ? item : RecaseKeys(item, upper);
  }
  return out;
}

// "arn:aws:states:<region>:<account>:execution:..." -> "<region>:<account>"
std::string RegionAndAccount(const std::string& arn) {
  size_t start = std::string("arn:aws:states:").size();
  if (arn.size() <= start) return ":";
  size_t region_end = arn.find(':', start);
  if (region_end == std::string::npos) return ":";
  size_t account_end = arn.find(':', region_end + 1);
  return arn.substr(start, account_end - start);
}

// The function name of a lambda:invoke FunctionName: a name, a partial or a full ARN.
std::string FunctionName(const std::string& text) {
  std::string rest = text;
  auto at = rest.find(":function:");
  if (at != std::string::npos) rest = rest.substr(at + 10);
  return rest.substr(0, rest.find(':'));
}

}  // namespace

Json PascalCaseKeys(const Json& value) { return RecaseKeys(value, true); }
Json CamelCaseKeys(const Json& value) { return RecaseKeys(value, false); }

asl::Outcome<TaskSpec> TaskSpecFor(const asl::TaskAttempt& task, const asl::TaskResource& resource,
                                   const asl::ExecutionContext& context,
                                   const std::string& state_name, int64_t retry_count) {
  TaskSpec spec;
  spec.name = task.name;
  spec.known_id = task.executor_id;
  spec.environment = {{"WFM_EXECUTION_ARN", context.execution_arn},
                      {"WFM_EXECUTION_NAME", context.execution_name},
                      {"WFM_STATE_NAME", state_name},
                      {"WFM_STATE_RETRY_COUNT", std::to_string(retry_count)},
                      {"WFM_TASK_TOKEN", task.token}};
  switch (resource.kind) {
    case asl::ResourceKind::kFunction:
    case asl::ResourceKind::kJobDefinition:
      spec.resource = resource.name;
      spec.function_input = task.input.dump();
      return spec;
    case asl::ResourceKind::kLambdaInvoke: {
      if (!task.input.is_object() || !task.input.contains("FunctionName") ||
          !task.input["FunctionName"].is_string()) {
        return Failure{asl::kStatesRuntime,
                       "lambda:invoke needs a FunctionName string in its Parameters"};
      }
      spec.resource = FunctionName(task.input["FunctionName"].get<std::string>());
      spec.function_input = task.input.value("Payload", Json::object()).dump();
      return spec;
    }
    case asl::ResourceKind::kBatchSubmit:
    case asl::ResourceKind::kBatchSubmitSync: {
      if (!task.input.is_object() || !task.input.contains("JobDefinition") ||
          !task.input["JobDefinition"].is_string()) {
        return Failure{asl::kStatesRuntime,
                       "batch:submitJob needs a JobDefinition string in its Parameters"};
      }
      spec.resource = task.input["JobDefinition"].get<std::string>();
      Json fields = task.input;
      fields.erase("JobDefinition");
      fields.erase("JobName");  // the executor names jobs itself (idempotency)
      spec.submit_job = CamelCaseKeys(fields);
      return spec;
    }
    case asl::ResourceKind::kActivity:
    case asl::ResourceKind::kUnsupported:
      break;
  }
  return Failure{asl::kStatesRuntime, "the resource '" + task.resource + "' runs no executor task"};
}

asl::Outcome<Json> TaskResultOf(const TaskObservation& seen, const asl::TaskResource& resource) {
  bool batch = resource.kind == asl::ResourceKind::kBatchSubmit ||
               resource.kind == asl::ResourceKind::kBatchSubmitSync;
  if (batch) {
    Json description = Json::parse(seen.description_json, nullptr, false);
    if (description.is_discarded()) description = Json::object();
    if (seen.status == TaskStatus::kSucceeded) return PascalCaseKeys(description);
    std::string cause =
        seen.description_json.empty() ? seen.status_reason : PascalCaseKeys(description).dump();
    return Failure{seen.error.empty() ? asl::kStatesTaskFailed : seen.error, cause};
  }
  Json output = nullptr;
  bool has_output = !seen.output_json.empty();
  if (has_output) {
    output = Json::parse(seen.output_json, nullptr, false);
    if (output.is_discarded()) {
      if (seen.status == TaskStatus::kSucceeded) {
        return Failure{asl::kStatesTaskFailed,
                       "The function's output (WFM_TASK_OUTPUT) is not valid JSON"};
      }
      output = nullptr;
    }
  }
  if (seen.status == TaskStatus::kSucceeded) {
    if (resource.kind != asl::ResourceKind::kLambdaInvoke) return output;
    return Json{{"ExecutedVersion", "$LATEST"},
                {"Payload", output},
                {"SdkHttpMetadata", {{"HttpStatusCode", 200}}},
                {"SdkResponseMetadata", {{"RequestId", seen.id}}},
                {"StatusCode", 200}};
  }
  if (output.is_object()) {
    if (output.contains("Error") && output["Error"].is_string()) {
      const Json cause_value = output.value("Cause", Json());  // missing or null: no cause
      std::string cause = cause_value.is_null()     ? ""
                          : cause_value.is_string() ? cause_value.get<std::string>()
                                                    : cause_value.dump();
      return Failure{output["Error"].get<std::string>(), cause};
    }
    if (output.contains("errorType") && output["errorType"].is_string()) {
      return Failure{output["errorType"].get<std::string>(), output.dump()};
    }
  }
  std::string cause = seen.status_reason;
  if (seen.exit_code) {  // the exit code once, whether the executor's reason says it or not
    std::string code = "exit code " + std::to_string(*seen.exit_code);
    if (cause.rfind(code, 0) != 0) cause = cause.empty() ? code : code + ": " + cause;
  }
  return Failure{seen.error.empty() ? asl::kStatesTaskFailed : seen.error, cause};
}

Json SubmitJobResult(const std::string& job_id, const std::string& job_name,
                     const std::string& execution_arn, const std::string& description_json) {
  Json description = Json::parse(description_json, nullptr, false);
  std::string arn = "arn:aws:batch:" + RegionAndAccount(execution_arn) + ":job/" + job_id;
  if (description.is_object() && description.contains("jobArn") &&
      description["jobArn"].is_string()) {
    arn = description["jobArn"].get<std::string>();
  }
  std::string name = job_name;
  if (description.is_object() && description.contains("jobName") &&
      description["jobName"].is_string()) {
    name = description["jobName"].get<std::string>();
  }
  return {{"JobArn", arn}, {"JobId", job_id}, {"JobName", name}};
}

}  // namespace wfm
