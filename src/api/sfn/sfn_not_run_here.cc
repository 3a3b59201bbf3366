// The operations of what this service does not run: synchronous (EXPRESS) executions and the Map
// Runs of a Distributed Map. They answer as Step Functions answers for such resources, never
// UnknownOperationException.
#include "api/sfn/sfn_api.h"

namespace wfm::sfn {

Result<json> SfnApi::StartSyncExecution(Params& p) {
  auto arn = p.String("stateMachineArn", 1, 256, true);
  p.String("name", 1, 80, false);
  p.String("input", 0, 256 * 1024, false);
  p.String("traceHeader", 0, 256, false);
  p.String("includedData", 1, 64, false);
  if (!p.ok()) return p.error();
  auto parsed = ParseStateMachineArn(*arn);
  if (!parsed.ok()) return parsed.error();
  auto machine = Get(kRecordStateMachine, parsed->base, "StateMachineDoesNotExist");
  if (!machine.ok()) return machine.error();
  return TypedError("StateMachineTypeNotSupported",
                    "StartSyncExecution runs EXPRESS state machines only; '" + *arn +
                        "' is STANDARD: use StartExecution");
}

Result<json> SfnApi::DescribeMapRun(Params& p) {
  auto arn = p.String("mapRunArn", 1, 2000, true);
  if (!p.ok()) return p.error();
  return TypedError("ResourceNotFound", "Map Run does not exist: '" + *arn +
                                            "' (Map states run inline here, without Map Runs)");
}

Result<json> SfnApi::UpdateMapRun(Params& p) {
  auto arn = p.String("mapRunArn", 1, 2000, true);
  p.Integer("maxConcurrency", 0, 1 << 30);
  if (!p.ok()) return p.error();
  return TypedError("ResourceNotFound", "Map Run does not exist: '" + *arn + "'");
}

Result<json> SfnApi::ListMapRuns(Params& p) {
  auto arn = p.String("executionArn", 1, 256, true);
  p.Integer("maxResults", 0, 1000);
  p.String("nextToken", 1, 3096, false);
  if (!p.ok()) return p.error();
  auto execution = Get(kRecordExecution, *arn, "ExecutionDoesNotExist");
  if (!execution.ok()) return execution.error();
  return json{{"mapRuns", json::array()}};
}

}  // namespace wfm::sfn
