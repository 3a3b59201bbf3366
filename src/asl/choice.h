// Choice rules: evaluation of one rule (with And/Or/Not, every comparison operator and its ...Path
// form, the Is... tests and StringMatches). Pure.
#pragma once

#include "asl/definition.h"
#include "asl/paths.h"

namespace wfm::asl {

// Whether `rule` matches in `scope`. Values of the wrong type make a comparison false (the
// specification). A Variable that selects nothing makes IsPresent false; for every other operator
// it is the failure States.Runtime, as Step Functions reports it ("Invalid path '$.x': The choice
// state's condition path references an invalid value."), and so is a ...Path operand that selects
// nothing.
Outcome<bool> MatchesRule(const ChoiceRule& rule, const PathScope& scope);

// True when `text` is a timestamp as Step Functions' IsTimestamp and Timestamp... operators accept
// (RFC 3339 with an uppercase T and a Z or offset, optional fraction). Stores milliseconds since
// the epoch in *ms when not null.
bool ParseTimestamp(const std::string& text, int64_t* ms);

// StringMatches: `*` matches any run of characters, "\\*" a literal star, "\\\\" a backslash.
bool StringMatchesPattern(const std::string& value, const std::string& pattern);

}  // namespace wfm::asl
