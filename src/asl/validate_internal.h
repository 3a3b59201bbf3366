// Shared pieces of the definition validator (validate*.cc): where findings go, JSON pointers, and
// the checks of fields that several state types share. Internal to src/asl.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "asl/definition.h"

namespace wfm::asl::validation {

// Limits of Step Functions' own validator, where the developer guide gives them.
inline constexpr int64_t kMaxSeconds = 99999999;            // TimeoutSeconds, Wait Seconds, ...
inline constexpr int64_t kMaxRetryDelaySeconds = 31622400;  // MaxDelaySeconds (one year)
inline constexpr size_t kMaxStateNameLength = 80;
inline constexpr size_t kMaxVariableNameLength = 80;

// The findings of one validation, in the order they were found.
class Findings {
 public:
  void Error(std::string code, std::string location, std::string message);
  void Warning(std::string code, std::string location, std::string message);
  std::vector<Diagnostic> Take() { return std::move(list_); }

 private:
  std::vector<Diagnostic> list_;
};

// `base` extended by one JSON pointer token ('~' and '/' escaped).
std::string Pointer(const std::string& base, std::string_view token);
std::string Pointer(const std::string& base, size_t index);

// A short rendering of a JSON value for messages (at most ~60 characters).
std::string Show(const Json& value);

// A transition found while checking one state: to be resolved against its scope's state names.
struct Transition {
  std::string target;
  std::string location;  // pointer to the Next / Default field
  std::string origin;    // e.g. "State 'A' (Task): 'Next'"
};

// What a check needs about the state being checked.
struct StateRef {
  std::string what;      // "State 'Fetch' (Task)"
  std::string location;  // "/States/Fetch"
  Findings* findings;
  std::vector<Transition>* transitions;
};

bool IsIntegerIn(const Json& value, int64_t min, int64_t max);

// Field checks; each reports its own findings. `name` is the field's name in `state`.
// A Path (for values read at run time: InputPath, SecondsPath, ...), JSON null allowed when
// `nullable`; `definite` refuses paths that can select several nodes.
void CheckPathField(const StateRef& ref, const Json& state, const char* name, bool nullable,
                    bool definite);
// A Reference Path (ResultPath), JSON null allowed.
void CheckResultPathField(const StateRef& ref, const Json& value, const std::string& location);
// A payload template (Parameters, ResultSelector, ItemSelector, Credentials, BatchInput).
void CheckTemplateField(const StateRef& ref, const Json& value, const std::string& location,
                        const char* name);
// Assign: an object of variable names to values or ".$" paths and intrinsic calls.
void CheckAssignField(const StateRef& ref, const Json& value, const std::string& location);
// A Path or an intrinsic call (Fail's ErrorPath and CausePath).
void CheckPathOrIntrinsic(const StateRef& ref, const Json& value, const std::string& location,
                          const char* name);

// Retry and Catch of Task, Parallel and Map (validate_errors.cc).
void CheckRetry(const StateRef& ref, const Json& retry);
void CheckCatch(const StateRef& ref, const Json& catchers);

// Choices and Default of a Choice state (validate_choice.cc).
void CheckChoices(const StateRef& ref, const Json& state);

}  // namespace wfm::asl::validation
