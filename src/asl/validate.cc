// ValidateDefinition: JSON syntax, the state machine's structure, each state's fields per type,
// transitions within each scope, terminal and unreachable states.
#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "asl/choice.h"
#include "asl/validate_internal.h"
#include "core/json_nesting.h"

namespace wfm::asl {

namespace {

using validation::Findings;
using validation::IsIntegerIn;
using validation::Pointer;
using validation::Show;
using validation::StateRef;
using validation::Transition;

constexpr const char* kSchema = "SCHEMA_VALIDATION_FAILED";
constexpr int kMaxJsonDepth = 64;  // as the API refuses deeper request bodies

// Fields every JSONPath state type may have, then those of each type.
const std::set<std::string> kCommonFields = {"Type", "Comment", "QueryLanguage"};
const std::map<std::string, std::set<std::string>>& TypeFields() {
  static const std::map<std::string, std::set<std::string>> kFields = {
      {"Pass",
       {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign"}},
      {"Task",
       {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
        "Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
        "HeartbeatSecondsPath", "Credentials", "Assign"}},
      {"Choice", {"Choices", "Default", "InputPath", "OutputPath", "Assign"}},
      {"Wait",
       {"Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath",
        "TimestampPath", "Assign"}},
      {"Succeed", {"InputPath", "OutputPath"}},
      {"Fail", {"Error", "ErrorPath", "Cause", "CausePath"}},
      {"Parallel",
       {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
        "Retry", "Catch", "Branches", "Assign"}},
      {"Map",
       {"Next",
        "End",
        "InputPath",
        "OutputPath",
        "ResultPath",
        "ItemsPath",
        "ItemProcessor",
        "Iterator",
        "ItemSelector",
        "Parameters",
        "ResultSelector",
        "Retry",
        "Catch",
        "MaxConcurrency",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
        "ItemBatcher",
        "ItemReader",
        "ResultWriter",
        "Label",
        "Assign"}},
  };
  return kFields;
}

// Fields of JSONata states, named in the message when they appear in a JSONPath state.
const std::set<std::string> kJsonataFields = {"Arguments", "Output", "Items", "Condition"};

// True for a v1 job definition resource: "name" or "name:revision" (name: 1-128 of
// [A-Za-z0-9_-]; revision: a positive integer). Same rule as model/validate.h, which wfm_asl
// does not link.
bool IsJobDefinitionResource(const std::string& resource) {
  size_t colon = resource.find(':');
  std::string name = resource.substr(0, colon);
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  if (colon == std::string::npos) return true;
  std::string revision = resource.substr(colon + 1);
  if (revision.empty() || revision.size() > 18 || revision[0] == '0') return false;
  for (char c : revision) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// An ARN: arn:partition:service:region:account:resource (region and account may be empty).
bool IsArn(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = text.find(':', start);
    if (colon == std::string::npos) return false;
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  return parts[0] == "arn" && !parts[1].empty() && !parts[2].empty() && start < text.size();
}

// Where a scope of states sits, for messages: "the state machine", "branch 1 of state 'P'".
struct Scope {
  std::string description;
  std::string location;  // pointer to the object holding StartAt and States
};

class Validator {
 public:
  explicit Validator(Findings* findings) : findings_(findings) {}

  void CheckTop(const Json& doc) {
    static const std::set<std::string> kTopFields = {"StartAt", "States",         "Comment",
                                                     "Version", "TimeoutSeconds", "QueryLanguage"};
    CheckQueryLanguage(doc, "", "The state machine");
    if (auto version = doc.find("Version"); version != doc.end() && *version != "1.0") {
      findings_->Error(kSchema, "/Version",
                       "'Version' must be \"1.0\", the only version of the States Language, not " +
                           Show(*version));
    }
    if (auto timeout = doc.find("TimeoutSeconds");
        timeout != doc.end() && !IsIntegerIn(*timeout, 1, validation::kMaxSeconds)) {
      findings_->Error(kSchema, "/TimeoutSeconds",
                       "The state machine's 'TimeoutSeconds' must be an integer from 1 to " +
                           std::string("99999999, not ") + Show(*timeout));
    }
    CollectNames(doc, "the state machine");
    CheckMachine(doc, Scope{"the state machine", ""}, kTopFields);
  }

 private:
  struct ScopeState {
    std::string name;
    std::vector<Transition> transitions;
  };

  void CheckQueryLanguage(const Json& object, const std::string& location,
                          const std::string& what) {
    auto it = object.find("QueryLanguage");
    if (it == object.end() || *it == "JSONPath") return;
    std::string at = location + "/QueryLanguage";
    if (*it == "JSONata") {
      findings_->Error(kSchema, at,
                       what + ": QueryLanguage \"JSONata\" is not supported by this service; " +
                           "write the definition with JSONPath (the default)");
    } else {
      findings_->Error(
          kSchema, at,
          what + ": 'QueryLanguage' must be \"JSONPath\" or \"JSONata\", not " + Show(*it));
    }
  }

  // A state machine, a Parallel branch or a Map's item processor.
  void CheckMachine(const Json& machine, const Scope& scope, const std::set<std::string>& fields) {
    for (const auto& [key, value] : machine.items()) {
      if (!fields.contains(key)) {
        findings_->Error(kSchema, Pointer(scope.location, key),
                         "The field '" + key + "' is not allowed in " + scope.description);
      }
    }
    if (auto comment = machine.find("Comment"); comment != machine.end() && !comment->is_string()) {
      findings_->Error(kSchema, Pointer(scope.location, "Comment"),
                       "'Comment' of " + scope.description + " must be a string");
    }
    auto start_at = machine.find("StartAt");
    auto states = machine.find("States");
    if (start_at == machine.end() || !start_at->is_string()) {
      findings_->Error(
          kSchema, Pointer(scope.location, "StartAt"),
          "'StartAt' of " + scope.description + " is required and must be the name of a state");
    }
    if (states == machine.end() || !states->is_object() || states->empty()) {
      findings_->Error(kSchema, Pointer(scope.location, "States"),
                       "'States' of " + scope.description +
                           " is required and must be a non-empty JSON object of states");
      return;
    }
    std::string states_location = Pointer(scope.location, "States");
    std::vector<ScopeState> scope_states;
    scope_states.reserve(states->size());
    bool has_terminal = false;
    for (const auto& [name, state] : states->items()) {
      ScopeState entry{name, {}};
      has_terminal |= CheckState(name, state, Pointer(states_location, name), scope, &entry);
      scope_states.push_back(std::move(entry));
    }
    std::unordered_map<std::string, const ScopeState*> by_name;
    for (const ScopeState& entry : scope_states) by_name.emplace(entry.name, &entry);
    if (start_at != machine.end() && start_at->is_string() &&
        !by_name.contains(start_at->get<std::string>())) {
      MissingTarget(Transition{start_at->get<std::string>(), Pointer(scope.location, "StartAt"),
                               "'StartAt' of " + scope.description},
                    scope);
    }
    for (const ScopeState& entry : scope_states) {
      for (const Transition& transition : entry.transitions) {
        if (!by_name.contains(transition.target)) MissingTarget(transition, scope);
      }
    }
    if (!has_terminal) {
      findings_->Error("MISSING_END_STATE", states_location,
                       "No state of " + scope.description +
                           " ends it: one needs \"End\": true or the type Succeed or Fail");
    }
    if (start_at == machine.end() || !start_at->is_string()) return;
    CheckReachable(start_at->get<std::string>(), scope_states, by_name, states_location, scope);
  }

  void CheckReachable(const std::string& start, const std::vector<ScopeState>& scope_states,
                      const std::unordered_map<std::string, const ScopeState*>& by_name,
                      const std::string& states_location, const Scope& scope) {
    std::unordered_set<std::string> reached;
    std::deque<std::string> queue;
    if (by_name.contains(start)) {
      reached.insert(start);
      queue.push_back(start);
    }
    while (!queue.empty()) {
      const ScopeState* entry = by_name.at(queue.front());
      queue.pop_front();
      for (const Transition& transition : entry->transitions) {
        if (by_name.contains(transition.target) && reached.insert(transition.target).second) {
          queue.push_back(transition.target);
        }
      }
    }
    if (reached.empty()) return;  // StartAt is already reported
    for (const ScopeState& entry : scope_states) {
      if (!reached.contains(entry.name)) {
        findings_->Error(kSchema, Pointer(states_location, entry.name),
                         "State '" + entry.name + "' of " + scope.description +
                             " is unreachable: no transition from '" + start + "' leads to it");
      }
    }
  }

  // Every state name of `machine` and of the scopes nested in it, with the description of its
  // scope (the first one where a name appears), so that a transition to a state of another scope
  // can say so.
  void CollectNames(const Json& machine, const std::string& description) {
    auto states = machine.find("States");
    if (states == machine.end() || !states->is_object()) return;
    for (const auto& [name, state] : states->items()) {
      names_.emplace(name, description);
      if (!state.is_object()) continue;
      if (auto branches = state.find("Branches"); branches != state.end() && branches->is_array()) {
        for (size_t i = 0; i < branches->size(); ++i) {
          if ((*branches)[i].is_object()) {
            CollectNames((*branches)[i],
                         "branch " + std::to_string(i) + " of state '" + name + "'");
          }
        }
      }
      for (const char* field : {"ItemProcessor", "Iterator"}) {
        auto processor = state.find(field);
        if (processor == state.end() || !processor->is_object()) continue;
        std::string what =
            std::string_view(field) == "Iterator" ? "the iterator" : "the item processor";
        CollectNames(*processor, what + " of state '" + name + "'");
      }
    }
  }

  void MissingTarget(const Transition& transition, const Scope& scope) {
    auto elsewhere = names_.find(transition.target);
    std::string message = transition.origin + " names '" + transition.target + "', which is ";
    if (elsewhere != names_.end() && elsewhere->second != scope.description) {
      message += "a state of " + elsewhere->second + ", not of " + scope.description +
                 "; transitions cannot leave their scope";
    } else {
      message += "not a state";
      if (scope.description != "the state machine") message += " of " + scope.description;
    }
    findings_->Error("MISSING_TRANSITION_TARGET", transition.location, message);
  }

  // Checks one state; returns whether it is terminal.
  bool CheckState(const std::string& name, const Json& state, const std::string& location,
                  const Scope& scope, ScopeState* entry) {
    if (name.empty() || name.size() > validation::kMaxStateNameLength) {
      findings_->Error("INVALID_STATE_NAME", location,
                       "State name '" + name + "' must have 1 to 80 characters");
    }
    if (auto [it, inserted] = scope_of_name_.emplace(name, scope.description); !inserted) {
      findings_->Error("DUPLICATE_STATE_NAME", location,
                       "State name '" + name + "' is used in " + scope.description + " and in " +
                           it->second + "; state names must be unique in the " +
                           "whole state machine");
    }
    if (!state.is_object()) {
      findings_->Error(kSchema, location,
                       "State '" + name + "' must be a JSON object, not " + Show(state));
      return false;
    }
    auto type_it = state.find("Type");
    const auto& type_fields = TypeFields();
    if (type_it == state.end() || !type_it->is_string() ||
        !type_fields.contains(type_it->get<std::string>())) {
      findings_->Error(kSchema, Pointer(location, "Type"),
                       "State '" + name + "': 'Type' must be one of Task, Pass, Choice, Wait, " +
                           "Succeed, Fail, Parallel, Map" +
                           (type_it == state.end() ? std::string(" and is missing")
                                                   : ", not " + Show(*type_it)));
      return false;
    }
    const std::string type = type_it->get<std::string>();
    StateRef ref{"State '" + name + "' (" + type + ")", location, findings_, &entry->transitions};
    CheckQueryLanguage(state, location, ref.what);
    const std::set<std::string>& allowed = type_fields.at(type);
    for (const auto& [key, value] : state.items()) {
      if (kCommonFields.contains(key) || allowed.contains(key)) continue;
      std::string why = kJsonataFields.contains(key)
                            ? "it belongs to JSONata, which this service does not support"
                            : "a " + type + " state has no such field";
      findings_->Error(kSchema, Pointer(location, key),
                       ref.what + ": the field '" + key + "' is not allowed (" + why + ")");
    }
    if (auto comment = state.find("Comment"); comment != state.end() && !comment->is_string()) {
      findings_->Error(kSchema, Pointer(location, "Comment"),
                       ref.what + ": 'Comment' must be a string");
    }
    bool terminal = CheckNextEnd(ref, state, type);
    validation::CheckPathField(ref, state, "InputPath", true, false);
    validation::CheckPathField(ref, state, "OutputPath", true, false);
    if (auto it = state.find("ResultPath"); it != state.end() && allowed.contains("ResultPath")) {
      validation::CheckResultPathField(ref, *it, Pointer(location, "ResultPath"));
    }
    for (const char* field : {"Parameters", "ResultSelector", "ItemSelector", "Credentials"}) {
      if (auto it = state.find(field); it != state.end() && allowed.contains(field)) {
        validation::CheckTemplateField(ref, *it, Pointer(location, field), field);
      }
    }
    if (auto it = state.find("Assign"); it != state.end() && allowed.contains("Assign")) {
      validation::CheckAssignField(ref, *it, Pointer(location, "Assign"));
    }
    if (auto it = state.find("Retry"); it != state.end() && allowed.contains("Retry")) {
      validation::CheckRetry(ref, *it);
    }
    if (auto it = state.find("Catch"); it != state.end() && allowed.contains("Catch")) {
      validation::CheckCatch(ref, *it);
    }
    if (type == "Task") CheckTask(ref, state);
    if (type == "Pass") CheckPass(ref, state);
    if (type == "Choice") validation::CheckChoices(ref, state);
    if (type == "Wait") CheckWait(ref, state);
    if (type == "Fail") CheckFail(ref, state);
    if (type == "Parallel") CheckParallel(ref, name, state);
    if (type == "Map") CheckMap(ref, name, state);
    return terminal || type == "Succeed" || type == "Fail";
  }

  // Next/End: exactly one for Task, Pass, Wait, Parallel, Map (Choice, Succeed and Fail have
  // neither: their fields lists refuse them). Returns whether the state ends its scope.
  bool CheckNextEnd(const StateRef& ref, const Json& state, const std::string& type) {
    if (type == "Choice" || type == "Succeed" || type == "Fail") return false;
    auto next = state.find("Next");
    auto end = state.find("End");
    if (end != state.end() && !end->is_boolean()) {
      findings_->Error(kSchema, Pointer(ref.location, "End"),
                       ref.what + ": 'End' must be true, not " + Show(*end));
      return false;
    }
    bool ends = end != state.end() && end->get<bool>();
    if (next != state.end() && !next->is_string()) {
      findings_->Error(kSchema, Pointer(ref.location, "Next"),
                       ref.what + ": 'Next' must be the name of a state, not " + Show(*next));
      return ends;
    }
    if (next != state.end() && ends) {
      findings_->Error(kSchema, ref.location,
                       ref.what + ": has both 'Next' and \"End\": true; it needs exactly one");
    } else if (next == state.end() && !ends) {
      findings_->Error(kSchema, ref.location, ref.what + ": needs either 'Next' or \"End\": true");
    }
    if (next != state.end()) {
      ref.transitions->push_back(Transition{next->get<std::string>(), Pointer(ref.location, "Next"),
                                            ref.what + ": 'Next'"});
    }
    return ends;
  }

  // A field that is exclusive with its ...Path form; `check` validates the literal value.
  template <typename Check>
  void CheckValueOrPath(const StateRef& ref, const Json& state, const char* field,
                        const std::string& rule, Check check) {
    std::string path_field = std::string(field) + "Path";
    auto value = state.find(field);
    if (value != state.end() && state.contains(path_field)) {
      findings_->Error(
          kSchema, ref.location,
          ref.what + ": '" + field + "' and '" + path_field + "' are exclusive; give one");
    }
    if (value != state.end() && !check(*value)) {
      findings_->Error(kSchema, Pointer(ref.location, field),
                       ref.what + ": '" + field + "' must be " + rule + ", not " + Show(*value));
    }
    validation::CheckPathField(ref, state, path_field.c_str(), false, true);
  }

  void CheckTask(const StateRef& ref, const Json& state) {
    auto resource = state.find("Resource");
    if (resource == state.end()) {
      findings_->Error(kSchema, ref.location, ref.what + ": 'Resource' is required");
    } else if (!resource->is_string()) {
      findings_->Error("INVALID_RESOURCE", Pointer(ref.location, "Resource"),
                       ref.what + ": 'Resource' must be a string, not " + Show(*resource));
    } else {
      const std::string& text = resource->get_ref<const std::string&>();
      bool valid = text.starts_with("arn:") ? IsArn(text) : IsJobDefinitionResource(text);
      if (!valid) {
        findings_->Error("INVALID_RESOURCE", Pointer(ref.location, "Resource"),
                         ref.what + ": 'Resource' ('" + text +
                             "') must be an ARN (arn:partition:service:region:account:resource) " +
                             "or a job definition name (\"name\" or \"name:revision\")");
      }
    }
    auto seconds = [](const Json& v) { return IsIntegerIn(v, 1, validation::kMaxSeconds); };
    CheckValueOrPath(ref, state, "TimeoutSeconds", "an integer from 1 to 99999999", seconds);
    CheckValueOrPath(ref, state, "HeartbeatSeconds", "an integer from 1 to 99999999", seconds);
    auto heartbeat = state.find("HeartbeatSeconds");
    if (heartbeat != state.end() && seconds(*heartbeat)) {
      auto timeout = state.find("TimeoutSeconds");
      int64_t limit = timeout != state.end() && seconds(*timeout) ? timeout->get<int64_t>()
                                                                  : validation::kMaxSeconds;
      if (heartbeat->get<int64_t>() >= limit) {
        findings_->Error(kSchema, Pointer(ref.location, "HeartbeatSeconds"),
                         ref.what + ": 'HeartbeatSeconds' (" + heartbeat->dump() +
                             ") must be smaller than 'TimeoutSeconds' (" + std::to_string(limit) +
                             ")");
      }
    }
  }

  void CheckPass(const StateRef& ref, const Json& state) {
    auto result = state.find("Result");
    if (result == state.end() || !result->is_object()) return;
    for (const auto& [key, value] : result->items()) {
      if (key.ends_with(".$")) {
        findings_->Warning("PASS_RESULT_IS_STATIC", Pointer(Pointer(ref.location, "Result"), key),
                           ref.what + ": 'Result' is static; the key '" + key +
                               "' is not evaluated (use 'Parameters' to read the input)");
      }
    }
  }

  void CheckWait(const StateRef& ref, const Json& state) {
    int given = 0;
    for (const char* field : {"Seconds", "Timestamp", "SecondsPath", "TimestampPath"}) {
      given += state.contains(field);
    }
    if (given != 1) {
      findings_->Error(kSchema, ref.location,
                       ref.what + ": needs exactly one of 'Seconds', 'Timestamp', " +
                           "'SecondsPath', 'TimestampPath' (has " + std::to_string(given) + ")");
    }
    if (auto it = state.find("Seconds");
        it != state.end() && !IsIntegerIn(*it, 0, validation::kMaxSeconds)) {
      findings_->Error(
          kSchema, Pointer(ref.location, "Seconds"),
          ref.what + ": 'Seconds' must be an integer from 0 to 99999999, not " + Show(*it));
    }
    if (auto it = state.find("Timestamp");
        it != state.end() &&
        !(it->is_string() && ParseTimestamp(it->get<std::string>(), nullptr))) {
      findings_->Error(kSchema, Pointer(ref.location, "Timestamp"),
                       ref.what + ": 'Timestamp' must be an RFC 3339 timestamp such as " +
                           "\"2016-03-14T01:59:00Z\", not " + Show(*it));
    }
    validation::CheckPathField(ref, state, "SecondsPath", false, true);
    validation::CheckPathField(ref, state, "TimestampPath", false, true);
  }

  void CheckFail(const StateRef& ref, const Json& state) {
    for (const char* field : {"Error", "Cause"}) {
      std::string path_field = std::string(field) + "Path";
      auto value = state.find(field);
      auto path = state.find(path_field);
      if (value != state.end() && path != state.end()) {
        findings_->Error(
            kSchema, ref.location,
            ref.what + ": '" + field + "' and '" + path_field + "' are exclusive; give one");
      }
      if (value != state.end() && !value->is_string()) {
        findings_->Error(kSchema, Pointer(ref.location, field),
                         ref.what + ": '" + field + "' must be a string, not " + Show(*value));
      }
      if (path != state.end()) {
        validation::CheckPathOrIntrinsic(ref, *path, Pointer(ref.location, path_field),
                                         path_field.c_str());
      }
    }
  }

  void CheckParallel(const StateRef& ref, const std::string& name, const Json& state) {
    static const std::set<std::string> kBranchFields = {"StartAt", "States", "Comment"};
    auto branches = state.find("Branches");
    std::string at = Pointer(ref.location, "Branches");
    if (branches == state.end()) {
      findings_->Error(kSchema, ref.location, ref.what + ": 'Branches' is required");
      return;
    }
    if (!branches->is_array() || branches->empty()) {
      findings_->Error(kSchema, at,
                       ref.what + ": 'Branches' must be a non-empty array of state machines");
      return;
    }
    for (size_t i = 0; i < branches->size(); ++i) {
      Scope scope{"branch " + std::to_string(i) + " of state '" + name + "'", Pointer(at, i)};
      if (!(*branches)[i].is_object()) {
        findings_->Error(kSchema, scope.location,
                         "The " + scope.description + " must be a JSON object");
        continue;
      }
      CheckMachine((*branches)[i], scope, kBranchFields);
    }
  }

  void CheckMap(const StateRef& ref, const std::string& name, const Json& state) {
    auto processor = state.find("ItemProcessor");
    auto iterator = state.find("Iterator");
    if ((processor == state.end()) == (iterator == state.end())) {
      findings_->Error(
          kSchema, ref.location,
          ref.what + ": needs exactly one of 'ItemProcessor' and 'Iterator' (its " + "older name)");
    }
    if (state.contains("ItemSelector") && state.contains("Parameters")) {
      findings_->Error(kSchema, ref.location,
                       ref.what + ": 'ItemSelector' and 'Parameters' (its older name) are " +
                           "exclusive; give one");
    }
    for (const char* field : {"ItemReader", "ResultWriter"}) {
      if (state.contains(field)) {
        findings_->Error(kSchema, Pointer(ref.location, field),
                         ref.what + ": '" + field + "' (Distributed Map with Amazon S3) is not " +
                             "supported by this service; give the items in the state's input");
      }
    }
    if (processor != state.end()) {
      static const std::set<std::string> kFields = {"StartAt", "States", "Comment",
                                                    "ProcessorConfig"};
      Scope scope{"the item processor of state '" + name + "'",
                  Pointer(ref.location, "ItemProcessor")};
      if (!processor->is_object()) {
        findings_->Error(kSchema, scope.location,
                         ref.what + ": 'ItemProcessor' must be a JSON object");
      } else {
        CheckProcessorConfig(ref, *processor, scope.location);
        CheckMachine(*processor, scope, kFields);
      }
    }
    if (iterator != state.end()) {
      static const std::set<std::string> kFields = {"StartAt", "States", "Comment"};
      Scope scope{"the iterator of state '" + name + "'", Pointer(ref.location, "Iterator")};
      if (!iterator->is_object()) {
        findings_->Error(kSchema, scope.location, ref.what + ": 'Iterator' must be a JSON object");
      } else {
        CheckMachine(*iterator, scope, kFields);
      }
    }
    validation::CheckPathField(ref, state, "ItemsPath", false, true);
    CheckValueOrPath(ref, state, "MaxConcurrency", "an integer from 0 to 99999999",
                     [](const Json& v) { return IsIntegerIn(v, 0, validation::kMaxSeconds); });
    CheckValueOrPath(ref, state, "ToleratedFailurePercentage", "a number from 0 to 100",
                     [](const Json& v) {
                       return v.is_number() && v.get<double>() >= 0 && v.get<double>() <= 100;
                     });
    CheckValueOrPath(ref, state, "ToleratedFailureCount", "an integer from 0 to 99999999",
                     [](const Json& v) { return IsIntegerIn(v, 0, validation::kMaxSeconds); });
    if (auto label = state.find("Label"); label != state.end()) {
      if (!label->is_string() || label->get_ref<const std::string&>().empty() ||
          label->get_ref<const std::string&>().size() > 40) {
        findings_->Error("INVALID_LABEL_NAME", Pointer(ref.location, "Label"),
                         ref.what + ": 'Label' must be a string of 1 to 40 characters");
      }
    }
    if (auto batcher = state.find("ItemBatcher"); batcher != state.end()) {
      CheckItemBatcher(ref, *batcher);
    }
  }

  void CheckProcessorConfig(const StateRef& ref, const Json& processor,
                            const std::string& location) {
    auto config = processor.find("ProcessorConfig");
    if (config == processor.end()) return;
    std::string at = Pointer(location, "ProcessorConfig");
    if (!config->is_object()) {
      findings_->Error(kSchema, at, ref.what + ": 'ProcessorConfig' must be a JSON object");
      return;
    }
    for (const auto& [key, value] : config->items()) {
      if (key == "Mode" && value == "INLINE") continue;
      if (key == "Mode" && value == "DISTRIBUTED") {
        findings_->Error(kSchema, Pointer(at, key),
                         ref.what + ": Mode \"DISTRIBUTED\" (child executions, Amazon S3) is " +
                             "not supported by this service; use \"INLINE\"");
      } else if (key == "Mode") {
        findings_->Error(kSchema, Pointer(at, key),
                         ref.what + ": 'Mode' must be \"INLINE\", not " + Show(value));
      } else {
        findings_->Error(kSchema, Pointer(at, key),
                         ref.what + ": 'ProcessorConfig' has the field '" + key +
                             "', which an INLINE Map does not have");
      }
    }
  }

  void CheckItemBatcher(const StateRef& ref, const Json& batcher) {
    std::string at = Pointer(ref.location, "ItemBatcher");
    if (!batcher.is_object()) {
      findings_->Error(kSchema, at, ref.what + ": 'ItemBatcher' must be a JSON object");
      return;
    }
    StateRef batcher_ref{ref.what + " 'ItemBatcher'", at, findings_, ref.transitions};
    static const std::set<std::string> kFields = {"MaxItemsPerBatch", "MaxItemsPerBatchPath",
                                                  "MaxInputBytesPerBatch",
                                                  "MaxInputBytesPerBatchPath", "BatchInput"};
    for (const auto& [key, value] : batcher.items()) {
      if (!kFields.contains(key)) {
        findings_->Error(kSchema, Pointer(at, key),
                         ref.what + ": 'ItemBatcher' has no field '" + key + "'");
      }
    }
    bool has_limit = false;
    for (const char* field : {"MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
                              "MaxInputBytesPerBatchPath"}) {
      has_limit |= batcher.contains(field);
    }
    if (!has_limit) {
      findings_->Error(kSchema, at,
                       ref.what + ": 'ItemBatcher' needs 'MaxItemsPerBatch' or " +
                           "'MaxInputBytesPerBatch' (or their ...Path forms)");
    }
    CheckValueOrPath(batcher_ref, batcher, "MaxItemsPerBatch", "an integer from 1 to 99999999",
                     [](const Json& v) { return IsIntegerIn(v, 1, validation::kMaxSeconds); });
    CheckValueOrPath(batcher_ref, batcher, "MaxInputBytesPerBatch", "an integer from 1 to 262144",
                     [](const Json& v) { return IsIntegerIn(v, 1, 262144); });
    if (auto input = batcher.find("BatchInput"); input != batcher.end()) {
      validation::CheckTemplateField(batcher_ref, *input, Pointer(at, "BatchInput"), "BatchInput");
    }
  }

  Findings* findings_;
  std::unordered_map<std::string, std::string> names_;          // every state name -> its scope
  std::unordered_map<std::string, std::string> scope_of_name_;  // states checked so far -> scope
};

// Parses `text`, reporting duplicate keys (a duplicate state name in a States object is
// DUPLICATE_STATE_NAME; nlohmann::json would otherwise keep the last one silently).
std::optional<Json> ParseReportingDuplicates(std::string_view text, Findings* findings) {
  struct Frame {
    bool object;
    std::unordered_set<std::string> keys;
    std::string key;
    size_t index = 0;
  };
  std::vector<Frame> frames;
  auto pointer_of_open_object = [&frames] {
    std::string out;
    for (size_t i = 0; i + 1 < frames.size(); ++i) {
      out = frames[i].object ? Pointer(out, frames[i].key) : Pointer(out, frames[i].index);
    }
    return out;
  };
  // Whether frames[i] is a States object: under the top level, a Parallel branch (an element of
  // Branches) or an ItemProcessor / Iterator.
  auto is_states_object = [&frames](size_t i) {
    if (i < 1 || !frames[i - 1].object || frames[i - 1].key != "States") return false;
    if (i == 1) return true;
    const Frame& owner = frames[i - 2];
    return !owner.object || owner.key == "ItemProcessor" || owner.key == "Iterator";
  };
  auto element_done = [&frames] {
    if (!frames.empty() && !frames.back().object) ++frames.back().index;
  };
  Json::parser_callback_t callback = [&](int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        frames.push_back(Frame{true, {}, {}, 0});
        break;
      case Json::parse_event_t::array_start:
        frames.push_back(Frame{false, {}, {}, 0});
        break;
      case Json::parse_event_t::key: {
        Frame& frame = frames.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.key).second) {
          std::string object = pointer_of_open_object();
          if (is_states_object(frames.size() - 1)) {
            findings->Error("DUPLICATE_STATE_NAME", Pointer(object, frame.key),
                            "State name '" + frame.key + "' appears twice in " +
                                (object.empty() ? "/" : object));
          } else {
            findings->Error("INVALID_JSON_DESCRIPTION", Pointer(object, frame.key),
                            "The key '" + frame.key + "' appears twice in the object at " +
                                (object.empty() ? "/" : object));
          }
        }
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        frames.pop_back();
        element_done();
        break;
      case Json::parse_event_t::value:
        element_done();
        break;
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), callback);
  } catch (const Json::exception& e) {
    findings->Error("INVALID_JSON_DESCRIPTION", "",
                    std::string("The definition is not valid JSON: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace

std::vector<Diagnostic> ValidateDefinition(std::string_view text) {
  Findings findings;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    findings.Error("MISSING_DESCRIPTION", "", "The definition is empty");
    return findings.Take();
  }
  if (Status nesting = CheckJsonNesting(text, kMaxJsonDepth); !nesting.ok()) {
    findings.Error("TOO_DEEPLY_NESTED", "",
                   "The definition nests too deeply: " + nesting.error().message);
    return findings.Take();
  }
  std::optional<Json> doc = ParseReportingDuplicates(text, &findings);
  if (!doc) return findings.Take();
  if (!doc->is_object()) {
    findings.Error(kSchema, "", "The definition must be a JSON object, not " + Show(*doc));
    return findings.Take();
  }
  Validator(&findings).CheckTop(*doc);
  return findings.Take();
}

}  // namespace wfm::asl
