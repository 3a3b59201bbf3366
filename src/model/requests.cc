#include "model/requests.h"

#include <nlohmann/json.hpp>

#include "model/json.h"
#include "model/validate.h"

namespace wfm {
namespace {

using nlohmann::json;

Result<json> ParseObject(const std::string& body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Error{ErrorCode::kInvalidArgument, "the body is not valid JSON"};
  }
  if (!parsed.is_object()) {
    return Error{ErrorCode::kInvalidArgument, "the body must be a JSON object"};
  }
  return parsed;
}

Error Invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

}  // namespace

Result<Workflow> ParseWorkflowDefinition(const std::string& body) {
  auto parsed = ParseObject(body);
  if (!parsed.ok()) return parsed.error();
  auto workflow = WorkflowFromJson(parsed.value());
  if (!workflow.ok()) return workflow.error();
  auto valid = ValidateWorkflow(workflow.value());
  if (!valid.ok()) return valid.error();
  return workflow;
}

Result<StartJobRequest> ParseStartJobRequest(const std::string& body) {
  auto parsed = ParseObject(body);
  if (!parsed.ok()) return parsed.error();
  const json& in = parsed.value();
  StartJobRequest request;
  auto workflow = in.find("workflow");
  if (workflow == in.end() || workflow->is_null()) return Invalid("'workflow' is required");
  if (!workflow->is_object()) return Invalid("'workflow' must be an object");
  auto name = workflow->find("name");
  if (name == workflow->end() || name->is_null()) return Invalid("'workflow.name' is required");
  if (!name->is_string()) return Invalid("'workflow.name' must be a string");
  request.workflow_name = name->get<std::string>();
  if (request.workflow_name.empty()) return Invalid("'workflow.name' must not be empty");
  auto revision = workflow->find("revision");
  if (revision != workflow->end() && !revision->is_null()) {
    if (!revision->is_number_integer()) return Invalid("'workflow.revision' must be an integer");
    request.revision = revision->get<int64_t>();
  }
  auto data = in.find("data");
  if (data != in.end() && !data->is_null()) {
    if (!data->is_array()) return Invalid("'data' must be an array");
    request.data_json = data->dump();
  }
  return request;
}

Result<std::string> ParseCancelReason(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return std::string();
  auto parsed = ParseObject(body);
  if (!parsed.ok()) return parsed.error();
  auto reason = parsed->find("reason");
  if (reason == parsed->end() || reason->is_null()) return std::string();
  if (!reason->is_string()) return Invalid("'reason' must be a string");
  return reason->get<std::string>();
}

}  // namespace wfm
