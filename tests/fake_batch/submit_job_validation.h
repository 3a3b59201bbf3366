// How the fake AWS Batch decides whether to take a SubmitJob request, as AWS Batch does:
//   - the service model's shapes (submit_job_shapes.cc, extracted from batch-service-2.json): every
//     member's type (integer in 32 bits, long, boolean, string, list, map, structure), required
//     members, lengths (min/max) and enums; unknown members are ignored and null is absent, as
//     in AWS's JSON protocols;
//   - the rules the Batch API reference documents besides: job names, arrayProperties.size 2 to
//     10,000, retryStrategy.attempts 1 to 10 and evaluateOnExit (at most 5, needing attempts,
//     patterns of at most 512 characters, onExitCode digits with an optional trailing '*', action
//     in any case), timeout.attemptDurationSeconds of at least 60, tag keys not starting "aws:",
//     containerOverrides.command without empty strings, environment names not starting
//     AWS_BATCH, resourceRequirements values (VCPU a positive number, MEMORY an integer of at
//     least 4 MiB, GPU a positive integer), schedulingPriorityOverride 0 to 9999, at most 20
//     dependencies;
//   - what the fake's job definitions (single-node container jobs on ECS, queues without a
//     fair-share policy) can't take: nodeOverrides, eksPropertiesOverride, ecsPropertiesOverride,
//     containerOverrides.instanceType, shareIdentifier.
// Whether the job definition and the dependencies exist is the fake's to check.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace wfm {

extern const char* const kSubmitJobShapes;  // JSON: shape name -> shape

// The message of the ClientException AWS Batch answers `body` with, or empty when it takes it.
std::string SubmitJobRefusal(const nlohmann::json& body);

}  // namespace wfm
