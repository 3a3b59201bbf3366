// A state machine of the Amazon States Language (JSONPath query language), parsed into plain
// values. Parsing validates first (validate.h): a StateMachine only exists for a valid definition.
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asl/failure.h"
#include "core/result.h"

namespace wfm::asl {

enum class StateType { kTask, kPass, kChoice, kWait, kSucceed, kFail, kParallel, kMap };
const char* ToString(StateType type);  // "Task", "Pass", ...

// InputPath / OutputPath / ResultPath / ItemsPath: absent (the default, "$"), JSON null, or a path.
struct PathField {
  enum class Kind { kDefault, kNull, kPath };
  Kind kind = Kind::kDefault;
  std::string path;  // kPath only
};

struct Retrier {
  std::vector<std::string> error_equals;
  double interval_seconds = 1;               // IntervalSeconds (default 1)
  int64_t max_attempts = 3;                  // MaxAttempts (default 3; 0: never retry)
  double backoff_rate = 2.0;                 // BackoffRate (default 2.0)
  std::optional<int64_t> max_delay_seconds;  // MaxDelaySeconds
  bool full_jitter = false;                  // JitterStrategy "FULL" (default "NONE")
};

struct Catcher {
  std::vector<std::string> error_equals;
  std::string next;
  PathField result_path;  // default "$": the error output replaces the input
  Json assign;            // Assign (null when absent)
};

// One Choice rule or one of its nested conditions.
struct ChoiceRule {
  enum class Kind { kComparison, kAnd, kOr, kNot };
  Kind kind = Kind::kComparison;
  std::string variable;  // kComparison: the Path of "Variable"
  std::string op;        // kComparison: the operator's field name, e.g. "NumericLessThanEqualsPath"
  Json operand;          // kComparison: the operator's value (a Path text for ...Path operators)
  std::vector<ChoiceRule> children;  // kAnd / kOr: two or more; kNot: exactly one
  std::string next;                  // top-level rules only
  Json assign;                       // top-level rules only (null when absent)
};

struct StateMachine;

struct State {
  std::string name;
  StateType type = StateType::kPass;
  std::string comment;
  std::string next;  // empty when end or for Choice/Succeed/Fail
  bool end = false;

  PathField input_path, output_path, result_path;
  std::optional<Json> parameters;       // Parameters (Task, Pass, Parallel; Map's older name for
                                        // ItemSelector is stored in item_selector instead)
  std::optional<Json> result_selector;  // ResultSelector (Task, Parallel, Map)
  std::optional<Json> result;           // Result (Pass)
  Json assign;                          // Assign (null when absent)

  // Task
  std::string resource;
  std::optional<int64_t> timeout_seconds;  // TimeoutSeconds
  std::string timeout_seconds_path;        // TimeoutSecondsPath
  std::optional<int64_t> heartbeat_seconds;
  std::string heartbeat_seconds_path;
  std::vector<Retrier> retry;  // Task, Parallel, Map
  std::vector<Catcher> catchers;

  // Choice
  std::vector<ChoiceRule> choices;
  std::string default_next;  // Default

  // Wait: exactly one of these
  std::optional<double> seconds;
  std::string timestamp;  // RFC 3339
  std::string seconds_path;
  std::string timestamp_path;

  // Fail
  std::string error, cause, error_path, cause_path;

  // Parallel
  std::vector<std::shared_ptr<const StateMachine>> branches;

  // Map (inline)
  std::shared_ptr<const StateMachine> item_processor;  // ItemProcessor or the older Iterator
  PathField items_path;
  std::optional<Json> item_selector;       // ItemSelector or the older Parameters
  std::optional<int64_t> max_concurrency;  // 0 or absent: no limit
  std::string max_concurrency_path;
  std::optional<double> tolerated_failure_percentage;
  std::string tolerated_failure_percentage_path;
  std::optional<int64_t> tolerated_failure_count;
  std::string tolerated_failure_count_path;
  std::optional<Json> item_batcher;  // ItemBatcher as written
};

struct StateMachine {
  std::string start_at;
  std::map<std::string, State> states;
  std::optional<int64_t> timeout_seconds;  // top level only
  std::string comment;

  const State* Find(const std::string& name) const;
};

// A finding of the validator, shaped as ValidateStateMachineDefinition's diagnostics.
struct Diagnostic {
  std::string severity;  // "ERROR" or "WARNING"
  std::string code;      // e.g. "SCHEMA_VALIDATION_FAILED", "MISSING_TRANSITION_TARGET"
  std::string message;   // says what is wrong, e.g. "State 'A': Next 'B' is not a state"
  std::string location;  // JSON pointer into the definition, e.g. "/States/A/Next"
};

// Every finding about a definition text (JSON syntax, structure, field combinations per state
// type, every Next/Default/Catch target, terminal states, unreachable states, paths, reference
// paths, payload templates and intrinsic functions). An empty vector (or only warnings) means
// valid. QueryLanguage "JSONata" is refused with a clear message.
std::vector<Diagnostic> ValidateDefinition(std::string_view text);

// Validates, then parses. Errors: kInvalidArgument whose message is the first ERROR diagnostic
// ("<location>: <message>").
Result<std::shared_ptr<const StateMachine>> ParseDefinition(std::string_view text);

}  // namespace wfm::asl
