#include "cli/sfn_calls.h"

#include "cli/cli_error.h"
#include "cli/json_fields.h"

namespace wfm::cli {

using Json = nlohmann::json;

Json ListAllPages(const ServiceClient& client, const std::string& operation, Json request,
                  const std::string& list_key, size_t limit) {
  Json items = Json::array();
  while (items.size() < limit) {
    Json page = client.CallStepFunctions(operation, request);
    for (auto& item : MemberOf(page, list_key.c_str())) {
      if (items.size() == limit) break;
      items.push_back(item);
    }
    std::string token = TextField(page, "nextToken");
    if (token.empty()) break;
    request["nextToken"] = token;
  }
  return items;
}

std::string ResolveStateMachineArn(const ServiceClient& client, const std::string& name_or_arn) {
  if (name_or_arn.starts_with("arn:")) return name_or_arn;
  for (const auto& machine :
       ListAllPages(client, "ListStateMachines", Json::object(), "stateMachines")) {
    if (TextField(machine, "name") == name_or_arn) return TextField(machine, "stateMachineArn");
  }
  throw CliError(kExitServiceError, "no state machine is named '" + name_or_arn + "'");
}

Json ExecutionHistory(const ServiceClient& client, const std::string& execution_arn) {
  return ListAllPages(client, "GetExecutionHistory",
                      {{"executionArn", execution_arn}, {"maxResults", 1000}}, "events");
}

}  // namespace wfm::cli
