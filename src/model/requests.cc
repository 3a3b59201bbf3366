#include "model/requests.h"

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "core/json_nesting.h"
#include "model/json.h"
#include "model/validate.h"

namespace wfm {
namespace {

using nlohmann::json;

Error Invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

Result<json> ParseObject(const std::string& body, const RequestLimits& limits) {
  if (auto nesting = CheckJsonNesting(body, limits.max_json_depth); !nesting.ok()) {
    return Invalid("the body is " + nesting.error().message);
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Invalid("the body is not valid JSON");
  if (!parsed.is_object()) return Invalid("the body must be a JSON object");
  return parsed;
}

// Refuses a member of `object` that is not among `known` (the schema's fields), naming it with
// the `where` prefix ("" at the top, "states[2]." inside).
Status CheckKnownFields(const json& object, std::initializer_list<const char*> known,
                        const std::string& where) {
  if (!object.is_object()) return OkStatus();  // the type check that follows says what is wrong
  for (const auto& [key, value] : object.items()) {
    bool found = false;
    for (const char* name : known) found = found || key == name;
    if (!found) return Invalid("unknown field '" + where + key + "'");
  }
  return OkStatus();
}

}  // namespace

Result<Workflow> ParseWorkflowDefinition(const std::string& body, const RequestLimits& limits) {
  auto parsed = ParseObject(body, limits);
  if (!parsed.ok()) return parsed.error();
  const json& in = parsed.value();
  // The read-only fields of a workflow (id, revision, createdAt) are accepted and ignored.
  auto known = CheckKnownFields(
      in, {"name", "description", "startAt", "states", "id", "revision", "createdAt"}, "");
  if (!known.ok()) return known.error();
  if (auto states = in.find("states"); states != in.end() && states->is_array()) {
    if (states->size() > limits.max_states) {
      return Invalid("'states' has " + std::to_string(states->size()) + " states; at most " +
                     std::to_string(limits.max_states) + " are accepted");
    }
    for (size_t i = 0; i < states->size(); ++i) {
      auto state_known =
          CheckKnownFields((*states)[i], {"name", "type", "comment", "next", "resource", "end"},
                           "states[" + std::to_string(i) + "].");
      if (!state_known.ok()) return state_known.error();
    }
  }
  auto workflow = WorkflowFromJson(in);
  if (!workflow.ok()) return workflow.error();
  auto valid = ValidateWorkflow(workflow.value());
  if (!valid.ok()) return valid.error();
  return workflow;
}

Result<StartJobRequest> ParseStartJobRequest(const std::string& body, const RequestLimits& limits) {
  auto parsed = ParseObject(body, limits);
  if (!parsed.ok()) return parsed.error();
  const json& in = parsed.value();
  if (auto known = CheckKnownFields(in, {"workflow", "data"}, ""); !known.ok()) {
    return known.error();
  }
  StartJobRequest request;
  auto workflow = in.find("workflow");
  if (workflow == in.end() || workflow->is_null()) return Invalid("'workflow' is required");
  if (!workflow->is_object()) return Invalid("'workflow' must be an object");
  if (auto known = CheckKnownFields(*workflow, {"name", "revision"}, "workflow."); !known.ok()) {
    return known.error();
  }
  auto name = workflow->find("name");
  if (name == workflow->end() || name->is_null()) return Invalid("'workflow.name' is required");
  if (!name->is_string()) return Invalid("'workflow.name' must be a string");
  request.workflow_name = name->get<std::string>();
  if (request.workflow_name.empty()) return Invalid("'workflow.name' must not be empty");
  auto revision = workflow->find("revision");
  if (revision != workflow->end() && !revision->is_null()) {
    if (!revision->is_number_integer() ||
        (revision->is_number_unsigned() &&
         revision->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
      return Invalid("'workflow.revision' must be an integer");
    }
    request.revision = revision->get<int64_t>();
  }
  auto data = in.find("data");
  if (data != in.end() && !data->is_null()) {
    if (!data->is_array()) return Invalid("'data' must be an array");
    request.data_json = data->dump(-1, ' ', false, json::error_handler_t::replace);
    if (request.data_json.size() > limits.max_data_bytes) {
      return Error{ErrorCode::kTooLarge, "'data' is " + std::to_string(request.data_json.size()) +
                                             " bytes as JSON; at most " +
                                             std::to_string(limits.max_data_bytes) +
                                             " are accepted"};
    }
  }
  return request;
}

Result<std::string> ParseCancelReason(const std::string& body, const RequestLimits& limits) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return std::string();
  auto parsed = ParseObject(body, limits);
  if (!parsed.ok()) return parsed.error();
  if (auto known = CheckKnownFields(parsed.value(), {"reason"}, ""); !known.ok()) {
    return known.error();
  }
  auto reason = parsed->find("reason");
  if (reason == parsed->end() || reason->is_null()) return std::string();
  if (!reason->is_string()) return Invalid("'reason' must be a string");
  return reason->get<std::string>();
}

}  // namespace wfm
