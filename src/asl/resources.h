// What a Task state's Resource names: a local function (Lambda ARN), a service integration
// (lambda:invoke, batch:submitJob), an activity, or a v1 job definition. Pure.
#pragma once

#include <string>

namespace wfm::asl {

enum class ResourceKind {
  kFunction,         // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
  kLambdaInvoke,     // arn:aws:states:::lambda:invoke (FunctionName and Payload in Parameters)
  kBatchSubmit,      // arn:aws:states:::batch:submitJob (result: the SubmitJob answer)
  kBatchSubmitSync,  // arn:aws:states:::batch:submitJob.sync (result: the job's description)
  kActivity,         // arn:aws:states:<region>:<account>:activity:<name>
  kJobDefinition,    // a v1 resource: "name" or "name:revision" (runs like a local function)
  kUnsupported,      // any other ARN
};

struct TaskResource {
  ResourceKind kind = ResourceKind::kUnsupported;
  std::string name;             // function, job definition or activity ARN (as the kind says)
  bool wait_for_token = false;  // ".waitForTaskToken": the result comes from SendTaskSuccess
  // How the history names it (TaskScheduled's resourceType and resource).
  std::string history_type;
  std::string history_resource;
};

TaskResource ClassifyResource(const std::string& resource);

}  // namespace wfm::asl
