// Choice rules: evaluation of one rule (with And/Or/Not, every comparison operator and its ...Path
// form, the Is... tests and StringMatches). Pure.
#pragma once

#include "asl/definition.h"
#include "asl/paths.h"

namespace wfm::asl {

// Whether `rule` matches in `scope`. A Variable that selects nothing makes a comparison false
// (IsPresent: false, all others: false), except where the specification says a runtime error:
// failure States.Runtime (for example a ...Path operand that selects nothing).
Outcome<bool> MatchesRule(const ChoiceRule& rule, const PathScope& scope);

// True when `text` is a timestamp as Step Functions' IsTimestamp and Timestamp... operators accept
// (RFC 3339 with an uppercase T and a Z or offset, optional fraction). Stores milliseconds since
// the epoch in *ms when not null.
bool ParseTimestamp(const std::string& text, int64_t* ms);

// StringMatches: `*` matches any run of characters, "\\*" a literal star, "\\\\" a backslash.
bool StringMatchesPattern(const std::string& value, const std::string& pattern);

}  // namespace wfm::asl
