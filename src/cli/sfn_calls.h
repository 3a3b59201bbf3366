// Step Functions operations that take more than one request: a listing across its pages, and a
// state machine named by its name rather than its ARN.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/service_client.h"

namespace wfm::cli {

// The items under `list_key` of every page of `operation` (ListStateMachines, ListExecutions,
// GetExecutionHistory, ...) called with `request`, following nextToken, at most `limit` of them.
// Throws CliError as ServiceClient::CallStepFunctions does.
nlohmann::json ListAllPages(const ServiceClient& client, const std::string& operation,
                            nlohmann::json request, const std::string& list_key,
                            size_t limit = SIZE_MAX);

// The ARN of a state machine given by ARN (anything beginning with "arn:", returned as it is) or
// by name (looked up with ListStateMachines). Throws CliError(kExitServiceError) when no state
// machine has that name.
std::string ResolveStateMachineArn(const ServiceClient& client, const std::string& name_or_arn);

// The whole history of an execution (GetExecutionHistory, every page), oldest event first.
nlohmann::json ExecutionHistory(const ServiceClient& client, const std::string& execution_arn);

}  // namespace wfm::cli
