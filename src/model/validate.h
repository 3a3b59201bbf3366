// The rules a workflow definition must follow before it is stored.
#pragma once

#include "core/result.h"
#include "model/workflow.h"

namespace wfm {

// Checks: name present and URL-safe; at least one state; unique state names; types are "Task";
// resources are "name" or "name:revision"; startAt names a state; each state has exactly one of
// `next` (naming a state) and `end: true`; no cycle; every state reachable from startAt.
// Errors: kInvalidArgument with a message naming the first rule broken.
Status ValidateWorkflow(const Workflow& workflow);

// True for "name" or "name:revision" (name: 1-128 of [A-Za-z0-9_-]; revision: a positive integer).
bool IsValidResource(const std::string& resource);

// True for a workflow name usable in URLs: 1-128 of [A-Za-z0-9_.-], not starting with '.'.
bool IsValidWorkflowName(const std::string& name);

}  // namespace wfm
