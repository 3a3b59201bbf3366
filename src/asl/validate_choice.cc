// Checks of a Choice state's Choices and Default (the specification's "Choice Rules").
#include <set>

#include "asl/choice.h"
#include "asl/paths.h"
#include "asl/validate_internal.h"

namespace wfm::asl::validation {

namespace {

constexpr const char* kSchema = "SCHEMA_VALIDATION_FAILED";

enum class Operand { kString, kNumber, kBoolean, kTimestamp, kPath };

// Every data-test operator of the specification and the type of its operand.
const std::map<std::string, Operand>& Operators() {
  static const std::map<std::string, Operand> kOperators = [] {
    std::map<std::string, Operand> ops;
    for (const char* relation :
         {"Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"}) {
      std::string r = relation;
      ops["String" + r] = Operand::kString;
      ops["Numeric" + r] = Operand::kNumber;
      ops["Timestamp" + r] = Operand::kTimestamp;
      ops["String" + r + "Path"] = Operand::kPath;
      ops["Numeric" + r + "Path"] = Operand::kPath;
      ops["Timestamp" + r + "Path"] = Operand::kPath;
    }
    ops["BooleanEquals"] = Operand::kBoolean;
    ops["BooleanEqualsPath"] = Operand::kPath;
    ops["StringMatches"] = Operand::kString;
    for (const char* test :
         {"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"}) {
      ops[test] = Operand::kBoolean;
    }
    return ops;
  }();
  return kOperators;
}

const char* Describe(Operand operand) {
  switch (operand) {
    case Operand::kString:
      return "a string";
    case Operand::kNumber:
      return "a number";
    case Operand::kBoolean:
      return "a boolean";
    case Operand::kTimestamp:
      return "a timestamp string (RFC 3339, e.g. \"2016-03-14T01:59:00Z\")";
    case Operand::kPath:
      return "a path";
  }
  return "?";
}

bool OperandFits(Operand operand, const Json& value) {
  switch (operand) {
    case Operand::kString:
      return value.is_string();
    case Operand::kNumber:
      return value.is_number();
    case Operand::kBoolean:
      return value.is_boolean();
    case Operand::kTimestamp:
      return value.is_string() && ParseTimestamp(value.get<std::string>(), nullptr);
    case Operand::kPath:
      return value.is_string() && CheckPath(value.get<std::string>()).empty();
  }
  return false;
}

// One rule at `location`; `top_level` rules carry Next (and may carry Assign), nested ones not.
void CheckRule(const StateRef& ref, const Json& rule, const std::string& location,
               const std::string& what, bool top_level) {
  if (!rule.is_object()) {
    ref.findings->Error(kSchema, location,
                        ref.what + ": " + what + " must be a JSON object, not " + Show(rule));
    return;
  }
  std::vector<std::string> operators;
  for (const auto& [key, value] : rule.items()) {
    std::string at = Pointer(location, key);
    if (Operators().contains(key) || key == "And" || key == "Or" || key == "Not") {
      operators.push_back(key);
    } else if (key == "Variable" || key == "Comment") {
      if (!value.is_string()) {
        ref.findings->Error(kSchema, at,
                            ref.what + ": '" + key + "' of " + what + " must be a string");
      }
    } else if (key == "Next" || key == "Assign") {
      if (!top_level) {
        ref.findings->Error(kSchema, at,
                            ref.what + ": '" + key + "' is only allowed in a top-level choice " +
                                "rule, not in " + what);
      }
    } else if (key == "Condition") {
      ref.findings->Error(kSchema, at,
                          ref.what + ": 'Condition' belongs to JSONata choice rules; with " +
                              "JSONPath use 'Variable' and a comparison operator");
    } else {
      ref.findings->Error(kSchema, at,
                          ref.what + ": " + what + " has the field '" + key +
                              "', which is not a choice rule field");
    }
  }
  if (operators.size() != 1) {
    std::string found;
    for (const std::string& op : operators) found += (found.empty() ? "'" : ", '") + op + "'";
    ref.findings->Error(
        kSchema, location,
        ref.what + ": " + what +
            " must have exactly one comparison operator or 'And', 'Or', 'Not'" +
            (operators.empty() ? std::string(", and has none") : ", and has " + found));
    return;
  }
  const std::string& op = operators[0];
  const Json& operand = rule[op];
  std::string at = Pointer(location, op);
  auto variable = rule.find("Variable");
  if (op == "And" || op == "Or") {
    if (variable != rule.end()) {
      ref.findings->Error(kSchema, Pointer(location, "Variable"),
                          ref.what + ": " + what + " combines rules with '" + op +
                              "' and cannot have a 'Variable'");
    }
    if (!operand.is_array() || operand.empty()) {
      ref.findings->Error(
          kSchema, at,
          ref.what + ": '" + op + "' of " + what + " must be a non-empty array of choice rules");
    } else {
      for (size_t i = 0; i < operand.size(); ++i) {
        CheckRule(ref, operand[i], Pointer(at, i),
                  "rule " + std::to_string(i) + " of '" + op + "' in " + what, false);
      }
    }
  } else if (op == "Not") {
    if (variable != rule.end()) {
      ref.findings->Error(kSchema, Pointer(location, "Variable"),
                          ref.what + ": " + what + " uses 'Not' and cannot have a 'Variable'");
    }
    CheckRule(ref, operand, at, "the rule of 'Not' in " + what, false);
  } else {
    if (variable == rule.end()) {
      ref.findings->Error(
          kSchema, location,
          ref.what + ": " + what + " compares with '" + op + "' but has no 'Variable'");
    } else if (variable->is_string()) {
      std::string problem = CheckPath(variable->get<std::string>());
      if (!problem.empty()) {
        ref.findings->Error(kSchema, Pointer(location, "Variable"),
                            ref.what + ": 'Variable' of " + what + " ('" +
                                variable->get<std::string>() +
                                "') is not a valid path: " + problem);
      }
    }
    Operand kind = Operators().at(op);
    if (!OperandFits(kind, operand)) {
      ref.findings->Error(kSchema, at,
                          ref.what + ": '" + op + "' of " + what + " must be " + Describe(kind) +
                              ", not " + Show(operand));
    }
  }
  if (top_level) {
    auto next = rule.find("Next");
    if (next == rule.end() || !next->is_string()) {
      ref.findings->Error(kSchema, Pointer(location, "Next"),
                          ref.what + ": " + what + " needs 'Next', the name of a state");
    } else {
      ref.transitions->push_back(Transition{next->get<std::string>(), Pointer(location, "Next"),
                                            ref.what + ": 'Next' of " + what});
    }
    if (auto assign = rule.find("Assign"); assign != rule.end()) {
      CheckAssignField(ref, *assign, Pointer(location, "Assign"));
    }
  }
}

}  // namespace

void CheckChoices(const StateRef& ref, const Json& state) {
  auto choices = state.find("Choices");
  std::string location = Pointer(ref.location, "Choices");
  if (choices == state.end()) {
    ref.findings->Error(kSchema, ref.location, ref.what + ": 'Choices' is required");
  } else if (!choices->is_array() || choices->empty()) {
    ref.findings->Error(kSchema, location,
                        ref.what + ": 'Choices' must be a non-empty array of choice rules");
  } else {
    for (size_t i = 0; i < choices->size(); ++i) {
      CheckRule(ref, (*choices)[i], Pointer(location, i), "choice rule " + std::to_string(i), true);
    }
  }
  if (auto fallback = state.find("Default"); fallback != state.end()) {
    if (!fallback->is_string()) {
      ref.findings->Error(kSchema, Pointer(ref.location, "Default"),
                          ref.what + ": 'Default' must be the name of a state");
    } else {
      ref.transitions->push_back(Transition{fallback->get<std::string>(),
                                            Pointer(ref.location, "Default"),
                                            ref.what + ": 'Default'"});
    }
  }
}

}  // namespace wfm::asl::validation
