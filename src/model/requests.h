// The bodies clients send to the v1 API, parsed and checked.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "model/workflow.h"

namespace wfm {

// POST /workflows and PUT /workflows/{name}: a workflow definition. Checks JSON syntax, types
// and ValidateWorkflow. Errors: kInvalidArgument with a precise message.
Result<Workflow> ParseWorkflowDefinition(const std::string& body);

struct StartJobRequest {
  std::string workflow_name;
  int64_t revision = -1;         // negative: the latest revision
  std::string data_json = "[]";  // a JSON array
};

// POST /jobs: {"workflow": {"name": ..., "revision": ...}, "data": [...]}.
// Errors: kInvalidArgument.
Result<StartJobRequest> ParseStartJobRequest(const std::string& body);

// DELETE /jobs/{id}: {"reason": "..."}; an empty body means no reason given.
// Errors: kInvalidArgument.
Result<std::string> ParseCancelReason(const std::string& body);

}  // namespace wfm
