// Workflow definitions, as POST /workflows and PUT /workflows/{name} receive them, through
// ParseWorkflowDefinition (nesting guard, schema, types, limits, ValidateWorkflow).
// Contract: an input is either refused with kInvalidArgument and a message, or gives a workflow
// that validates, stays within the limits, and is accepted again, unchanged, in the form GET
// returns it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "model/json.h"
#include "model/requests.h"
#include "model/validate.h"

namespace {

// Small enough for the fuzzer to reach every limit.
wfm::RequestLimits Limits() {
  wfm::RequestLimits limits;
  limits.max_json_depth = 16;
  limits.max_states = 24;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const wfm::RequestLimits limits = Limits();
  auto workflow = wfm::ParseWorkflowDefinition(body, limits);
  if (!workflow.ok()) {
    FUZZ_CHECK(workflow.error().code == wfm::ErrorCode::kInvalidArgument,
               "a refused workflow is kInvalidArgument");
    FUZZ_CHECK(!workflow.error().message.empty(), "a refusal says why");
    return 0;
  }
  FUZZ_CHECK(wfm::ValidateWorkflow(workflow.value()).ok(), "an accepted workflow validates");
  FUZZ_CHECK(wfm::IsValidWorkflowName(workflow->name), "an accepted workflow has a usable name");
  FUZZ_CHECK(!workflow->states.empty() && workflow->states.size() <= limits.max_states,
             "an accepted workflow has 1 to max_states states");
  for (const auto& state : workflow->states) {
    FUZZ_CHECK(wfm::IsValidResource(state.resource), "every accepted state has a valid resource");
    FUZZ_CHECK(state.end == state.next.empty(), "every state has exactly one of next and end");
  }

  // What GET answers is accepted again and reads back the same.
  const nlohmann::json served = wfm::WorkflowToJson(workflow.value());
  auto again = wfm::ParseWorkflowDefinition(served.dump(), limits);
  FUZZ_CHECK(again.ok(), "a workflow read back with GET is accepted again");
  FUZZ_CHECK(wfm::WorkflowToJson(again.value()) == served, "a workflow round-trips unchanged");
  return 0;
}
