// Checks the SubmitJob fields of a Step Functions task (TaskSpec::submit_job) before they are
// sent, so that what AWS Batch would refuse is refused at Submit, synchronously, rather than when
// a worker submits it later. The rules are SubmitJob's (batch-service-2.json and the Batch API
// reference): member types, containerOverrides' shape, and the documented limits.
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace wfm {

// Ok for null (no fields) or an object whose known members are well-formed: jobQueue (non-empty
// string), parameters (strings), containerOverrides {command: non-empty strings; environment:
// [{name, value}] strings, no name starting AWS_BATCH; resourceRequirements: [{type
// GPU|VCPU|MEMORY, value string}]; vcpus, memory: integers; instanceType: string}, retryStrategy
// {attempts 1-10, evaluateOnExit: at most 5 of {action RETRY|EXIT (any case), onExitCode digits
// with an optional trailing '*', onReason, onStatusReason: at most 512 characters}, which needs
// attempts}, timeout {attemptDurationSeconds >= 60}, tags (1-50, keys 1-128 characters not starting
// "aws:", values at most 256), arrayProperties {size 2-10000}, propagateTags (boolean), dependsOn
// (at most 20 of {jobId, type N_TO_N|SEQUENTIAL}), schedulingPriorityOverride (0-9999),
// shareIdentifier (string). Other members are left to Batch. Errors: kInvalidArgument naming the
// member.
Status CheckSubmitJobFields(const nlohmann::json& fields);

}  // namespace wfm
