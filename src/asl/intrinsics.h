// The intrinsic functions of the States Language (States.Format, States.Array, ... States.UUID),
// with the escaping rules of their string arguments. Pure, apart from States.MathRandom and
// States.UUID, which draw from the random source given.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "asl/failure.h"
#include "asl/paths.h"

namespace wfm::asl {

// True when `text` starts like an intrinsic call ("States.<Name>(").
bool LooksLikeIntrinsic(std::string_view text);

// Empty when `text` is a well-formed call of a known intrinsic with a plausible number of
// arguments (nested calls - at most 10 deep, as Step Functions allows -, string/number/boolean/null
// literals and paths checked too); otherwise a message saying what is wrong.
std::string CheckIntrinsic(std::string_view text);

// Random numbers for States.MathRandom and States.UUID: returns a uniformly distributed 64-bit
// value. Tests pass a deterministic one.
using RandomSource = std::function<uint64_t()>;

// Evaluates the call; paths among its arguments read `scope`. Failure: States.IntrinsicFailure
// with a cause naming the function and what was wrong (bad argument type or count, path not
// found, invalid JSON for StringToJson, ...).
Outcome<Json> EvaluateIntrinsic(std::string_view text, const PathScope& scope,
                                const RandomSource& random);

}  // namespace wfm::asl
