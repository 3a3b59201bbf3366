// The bodies clients send to the v1 API, parsed and checked.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "model/workflow.h"

namespace wfm {

// The bounds every request body is checked against (the service's flags set them).
struct RequestLimits {
  int max_json_depth = 64;             // arrays and objects nested in any body
  size_t max_states = 1000;            // states in one workflow
  size_t max_data_bytes = 256 * 1024;  // a job's `data`, as compact JSON text
};

// POST /workflows and PUT /workflows/{name}: a workflow definition. Checks nesting, JSON syntax,
// that every field is one of the schema's (api/openapi.yaml: a workflow read back with GET is
// accepted as it is), types, the number of states and ValidateWorkflow.
// Errors: kInvalidArgument with a message that says where.
Result<Workflow> ParseWorkflowDefinition(const std::string& body, const RequestLimits& limits);

struct StartJobRequest {
  std::string workflow_name;
  int64_t revision = -1;         // negative: the latest revision
  std::string data_json = "[]";  // a JSON array
};

// POST /jobs: {"workflow": {"name": ..., "revision": ...}, "data": [...]}.
// Errors: kInvalidArgument (malformed, unknown field); kTooLarge (data over the limit).
Result<StartJobRequest> ParseStartJobRequest(const std::string& body, const RequestLimits& limits);

// DELETE /jobs/{id}: {"reason": "..."}; an empty body means no reason given.
// Errors: kInvalidArgument.
Result<std::string> ParseCancelReason(const std::string& body, const RequestLimits& limits);

}  // namespace wfm
