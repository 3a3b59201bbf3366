// Payload templates: Parameters, ResultSelector, ItemSelector and Assign values. A key ending in
// ".$" takes the value of a Path or an intrinsic function call; other values are copied
// (nested objects and arrays are templates themselves). Pure.
#pragma once

#include <string>

#include "asl/failure.h"
#include "asl/intrinsics.h"
#include "asl/paths.h"

namespace wfm::asl {

// Empty when `payload` is a well-formed template (every ".$" value is a string that is a valid
// Path or intrinsic call); otherwise a message naming the offending key.
std::string CheckPayloadTemplate(const Json& payload);

// The template's value in `scope`, with the ".$" suffix removed from the keys it evaluated.
// Failures: States.ParameterPathFailure when a path selects nothing (cause: "The JSONPath '$.x'
// specified for the field 'x.$' could not be found in the input '<input>'"),
// States.IntrinsicFailure when a function fails.
Outcome<Json> EvaluatePayloadTemplate(const Json& payload, const PathScope& scope,
                                      const RandomSource& random);

}  // namespace wfm::asl
