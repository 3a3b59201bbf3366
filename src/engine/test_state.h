// TestState: one state's input and output processing, and its task, run on a given input, as
// Step Functions' TestState answers it (output, error, cause, nextState, status, inspectionData).
#pragma once

#include <nlohmann/json.hpp>

#include "asl/interpreter.h"
#include "core/clock.h"
#include "core/result.h"
#include "executor/executor.h"

namespace wfm {

// `request` is TestState's request body (definition: one state's JSON, or a whole state machine
// with stateName; input; variables), already checked for types and sizes. Task states run on
// `executor` (waiting up to a minute for the task; activities and callbacks are refused), Wait
// states do not wait, and a matching Retry answers RETRIABLE without retrying.
// Errors: kInvalidArgument type InvalidDefinition for a definition that is not a valid state.
// Blocks while the task runs: call it off the I/O threads.
Result<nlohmann::json> RunTestState(const nlohmann::json& request, Executor& executor, Clock& clock,
                                    const asl::InterpreterOptions& options);

}  // namespace wfm
