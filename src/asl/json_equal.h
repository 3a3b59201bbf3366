// Equality of JSON values as Step Functions compares them: objects are equal when they have the
// same members, whatever their order (asl::Json keeps members in document order, and its own ==
// on objects would also compare that order).
#pragma once

#include "asl/failure.h"

namespace wfm::asl {

// True when `a` and `b` are the same value: objects member by member in any order, arrays item by
// item in order, numbers by value (1 equals 1.0), everything else as nlohmann::json compares it.
bool SameJson(const Json& a, const Json& b);

}  // namespace wfm::asl
