#include "api/sfn/sfn_api.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <map>

namespace wfm::sfn {
namespace {

constexpr const char* kTargetPrefix = "AWSStepFunctions.";

// The SDKs and the CLI send application/x-amz-json-1.0. application/x-amz-json-1.1 and
// application/json (curl, scripts) are read the same way: the body is JSON in every case. Any
// other Content-Type is refused as SerializationException: its body would not be read as meant.
bool ReadableContentType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return strcasecmp(type.c_str(), "application/x-amz-json-1.0") == 0 ||
         strcasecmp(type.c_str(), "application/x-amz-json-1.1") == 0 ||
         strcasecmp(type.c_str(), "application/json") == 0;
}

}  // namespace

SfnApi::SfnApi(Store& store, Clock& clock, SfnOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      arns_(options_.region, options_.account_id) {}

bool SfnApi::Accepts(const HttpRequest& request) {
  if (request.method != "POST") return false;
  std::string path = request.target.substr(0, request.target.find('?'));
  return path == "/" && !request.Header("X-Amz-Target").empty();
}

SfnApi::Operation SfnApi::Find(const std::string& name) {
  static const std::map<std::string, Operation> kOperations = {
      {"CreateStateMachine", &SfnApi::CreateStateMachine},
      {"UpdateStateMachine", &SfnApi::UpdateStateMachine},
      {"DescribeStateMachine", &SfnApi::DescribeStateMachine},
      {"DescribeStateMachineForExecution", &SfnApi::DescribeStateMachineForExecution},
      {"ListStateMachines", &SfnApi::ListStateMachines},
      {"DeleteStateMachine", &SfnApi::DeleteStateMachine},
      {"ValidateStateMachineDefinition", &SfnApi::ValidateStateMachineDefinition},
      {"PublishStateMachineVersion", &SfnApi::PublishStateMachineVersion},
      {"ListStateMachineVersions", &SfnApi::ListStateMachineVersions},
      {"DeleteStateMachineVersion", &SfnApi::DeleteStateMachineVersion},
      {"CreateStateMachineAlias", &SfnApi::CreateStateMachineAlias},
      {"DescribeStateMachineAlias", &SfnApi::DescribeStateMachineAlias},
      {"UpdateStateMachineAlias", &SfnApi::UpdateStateMachineAlias},
      {"DeleteStateMachineAlias", &SfnApi::DeleteStateMachineAlias},
      {"ListStateMachineAliases", &SfnApi::ListStateMachineAliases},
      {"StartExecution", &SfnApi::StartExecution},
      {"DescribeExecution", &SfnApi::DescribeExecution},
      {"StopExecution", &SfnApi::StopExecution},
      {"ListExecutions", &SfnApi::ListExecutions},
      {"GetExecutionHistory", &SfnApi::GetExecutionHistory},
      {"RedriveExecution", &SfnApi::RedriveExecution},
      {"TestState", &SfnApi::TestState},
      {"StartSyncExecution", &SfnApi::StartSyncExecution},
      {"DescribeMapRun", &SfnApi::DescribeMapRun},
      {"UpdateMapRun", &SfnApi::UpdateMapRun},
      {"ListMapRuns", &SfnApi::ListMapRuns},
      {"CreateActivity", &SfnApi::CreateActivity},
      {"DescribeActivity", &SfnApi::DescribeActivity},
      {"ListActivities", &SfnApi::ListActivities},
      {"DeleteActivity", &SfnApi::DeleteActivity},
      {"SendTaskSuccess", &SfnApi::SendTaskSuccess},
      {"SendTaskFailure", &SfnApi::SendTaskFailure},
      {"SendTaskHeartbeat", &SfnApi::SendTaskHeartbeat},
      {"TagResource", &SfnApi::TagResource},
      {"UntagResource", &SfnApi::UntagResource},
      {"ListTagsForResource", &SfnApi::ListTagsForResource},
  };
  auto it = kOperations.find(name);
  return it == kOperations.end() ? nullptr : it->second;
}

void SfnApi::Handle(const HttpRequest& request, const HttpResponder& respond) {
  try {
    std::string target = request.Header("X-Amz-Target");
    std::string operation =
        target.rfind(kTargetPrefix, 0) == 0 ? target.substr(strlen(kTargetPrefix)) : "";
    bool activity_poll = operation == "GetActivityTask";
    Operation handler = Find(operation);
    if (handler == nullptr && !activity_poll) {
      return respond(ErrorAnswer(
          TypedError("UnknownOperationException", "unknown operation '" + target + "'")));
    }
    if (!ReadableContentType(request.Header("Content-Type"))) {
      return respond(ErrorAnswer(
          TypedError("SerializationException", "Content-Type must be application/x-amz-json-1.0")));
    }
    json body = request.body.empty() ? json::object() : json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return respond(ErrorAnswer(
          TypedError("SerializationException", "the request body must be a JSON object")));
    }
    Params params(body);
    if (activity_poll) return GetActivityTask(params, respond);
    Result<json> answer = (this->*handler)(params);
    if (!answer.ok()) {
      if (answer.error().code == ErrorCode::kInternal) {
        spdlog::error("{} failed: {}", operation, answer.error().message);
      }
      return respond(ErrorAnswer(answer.error()));
    }
    respond(OkAnswer(answer.value()));
  } catch (const std::exception& e) {
    spdlog::error("Step Functions request failed: {}", e.what());
    respond(ErrorAnswer(Error{ErrorCode::kInternal, "internal error"}));
  }
}

Result<json> BodyOf(const Record& record) {
  json body = json::parse(record.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Error{ErrorCode::kInternal, "corrupt " + record.kind + " record " + record.key};
  }
  return body;
}

int PageSize(const std::optional<int64_t>& max_results) {
  return max_results && *max_results > 0 ? static_cast<int>(*max_results) : 100;
}

Result<Record> SfnApi::Get(const std::string& kind, const std::string& key,
                           const std::string& not_found_type) {
  auto record = store_.GetRecord(kind, key);
  if (!record.ok() && record.error().code == ErrorCode::kNotFound) {
    return TypedError(not_found_type, "Resource does not exist: '" + key + "'");
  }
  return record;
}

Result<Record> SfnApi::Modify(const std::string& kind, const std::string& key,
                              const std::string& not_found_type,
                              const std::function<Status(json& body)>& change) {
  for (;;) {
    auto record = Get(kind, key, not_found_type);
    if (!record.ok()) return record;
    auto body = BodyOf(record.value());
    if (!body.ok()) return body.error();
    Status changed = change(body.value());
    if (!changed.ok()) return changed.error();
    Record next = record.value();
    next.body = body->dump();
    Status written = store_.UpdateRecord(next, record->version);
    if (written.ok()) {
      next.version = record->version + 1;
      return next;
    }
    if (written.error().code == ErrorCode::kNotFound) {
      return TypedError(not_found_type, "Resource does not exist: '" + key + "'");
    }
    if (written.error().code != ErrorCode::kConflict) return written.error();
  }
}

Result<RecordPage> SfnApi::List(const RecordQuery& query) {
  auto page = store_.ListRecords(query);
  if (!page.ok() && page.error().code == ErrorCode::kInvalidArgument) {
    return TypedError("InvalidToken", "Invalid Token: '" + query.page_token + "'");
  }
  return page;
}

Result<ExecutionService*> SfnApi::Engine() {
  if (options_.executions == nullptr) {
    return Error{ErrorCode::kUnavailable, "the execution engine is not running",
                 "ServiceUnavailable"};
  }
  return options_.executions;
}

}  // namespace wfm::sfn
