// YAML as the second spelling of the service's JSON: workflow and state machine files may be
// written in YAML, and `--output yaml` prints answers in it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"

namespace wfm::cli {

// The JSON value of a one-document YAML text, scalars typed by the YAML 1.2 core schema: plain
// null/~/empty is null, true/false booleans, integers and decimals numbers, anything quoted or
// else a string (.inf and .nan too: JSON has no such numbers). Mapping keys become strings.
// Errors: kInvalidArgument naming the line and column of a syntax error, or an empty or
// multi-document text.
Result<nlohmann::json> YamlToJson(const std::string& text);

// `value` as a block-style YAML document ending in '\n', which YamlToJson (and any YAML 1.1 or
// 1.2 reader) reads back as the same JSON: strings that a reader could take for something else
// (numbers, times, booleans such as "yes", null, "") are double-quoted.
std::string JsonToYaml(const nlohmann::json& value);

}  // namespace wfm::cli
