// Paths and reference paths of the States Language (JSONPath mode): "$" the state's input,
// "$$" the context object, "$name" a workflow variable. Pure: no I/O.
#pragma once

#include <string>
#include <string_view>

#include "asl/failure.h"
#include "core/result.h"

namespace wfm::asl {

// What a path can read. `variables` may be null (no variables in scope); otherwise an object.
struct PathScope {
  const Json* input = nullptr;      // "$"
  const Json* context = nullptr;    // "$$"
  const Json* variables = nullptr;  // "$name..."
};

// Empty when `path` is a well-formed Path (JsonPath as Step Functions accepts it: dot and bracket
// notation, wildcards, deep scan, slices, unions, filters, "$$." context paths, "$name"
// variables); otherwise a message saying what is wrong and where.
std::string CheckPath(std::string_view path);
// Empty when `path` is a well-formed Reference Path: a Path that can only identify one node
// (only dot/bracket member names and single indexes; no variables, no context object).
std::string CheckReferencePath(std::string_view path);
// True when the path can select several nodes (wildcard, deep scan, slice, union, filter).
bool IsIndefinite(std::string_view path);

// The value `path` selects. A definite path gives the node; an indefinite one gives the array of
// the nodes it matches (possibly empty). Errors: kInvalidArgument when the path is malformed or a
// definite path selects nothing (message names the path).
Result<Json> EvaluatePath(std::string_view path, const PathScope& scope);

// ResultPath: `input` with `result` placed at `reference_path` ("$" replaces the whole input),
// creating missing objects on the way. Errors: kInvalidArgument when the path can't be applied
// (for example it goes through a value that is not an object) - the interpreter reports it as
// States.ResultPathMatchFailure.
Result<Json> ApplyResultPath(std::string_view reference_path, const Json& input,
                             const Json& result);

}  // namespace wfm::asl
