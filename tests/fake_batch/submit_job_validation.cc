#include "fake_batch/submit_job_validation.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <regex>

namespace wfm {
namespace {

using nlohmann::json;

const json& Shapes() {
  static const json shapes = json::parse(kSubmitJobShapes);
  return shapes;
}

bool IsIntegerIn(const json& value, int64_t low, int64_t high) {
  if (!value.is_number_integer()) return false;
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(high)) {
    return false;
  }
  return value.get<int64_t>() >= low && value.get<int64_t>() <= high;
}

// The string at `key` of `object`, or empty when it is absent or not a string.
std::string Text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// Checks `value` at `path` against shape `name`; returns the first problem, or empty.
std::string CheckShape(const json& value, const std::string& name, const std::string& path) {
  const json& shape = Shapes().at(name);
  const std::string type = shape["type"];
  auto length_problem = [&](size_t length) -> std::string {
    if (shape.contains("min") && length < shape["min"].get<size_t>()) {
      return "Value at '" + path + "' failed to satisfy constraint: Member must have length " +
             "greater than or equal to " + shape["min"].dump();
    }
    if (shape.contains("max") && length > shape["max"].get<size_t>()) {
      return "Value at '" + path + "' failed to satisfy constraint: Member must have length " +
             "less than or equal to " + shape["max"].dump();
    }
    return "";
  };
  auto wrong_type = [&] { return "Value at '" + path + "' must be of type " + type; };
  if (type == "string") {
    if (!value.is_string()) return wrong_type();
    const std::string& text = value.get_ref<const std::string&>();
    // Case-insensitive by the API reference, though the model lists upper-case values.
    bool any_case = name == "RetryAction";
    if (shape.contains("enum")) {
      bool listed = false;
      for (const auto& allowed : shape["enum"]) {
        listed = listed || allowed == (any_case ? Upper(text) : text);
      }
      if (!listed) {
        return "Value '" + text + "' at '" + path +
               "' failed to satisfy constraint: Member must satisfy enum value set: " +
               shape["enum"].dump();
      }
    }
    return length_problem(text.size());
  }
  if (type == "integer") {
    if (!IsIntegerIn(value, std::numeric_limits<int32_t>::min(),
                     std::numeric_limits<int32_t>::max())) {
      return wrong_type();
    }
    return "";
  }
  if (type == "long") {
    if (!IsIntegerIn(value, std::numeric_limits<int64_t>::min(),
                     std::numeric_limits<int64_t>::max())) {
      return wrong_type();
    }
    return "";
  }
  if (type == "boolean") return value.is_boolean() ? "" : wrong_type();
  if (type == "list") {
    if (!value.is_array()) return wrong_type();
    for (size_t i = 0; i < value.size(); ++i) {
      if (value[i].is_null()) continue;
      auto problem = CheckShape(value[i], shape["member"], path + "." + std::to_string(i + 1));
      if (!problem.empty()) return problem;
    }
    return length_problem(value.size());
  }
  if (type == "map") {
    if (!value.is_object()) return wrong_type();
    for (const auto& [key, item] : value.items()) {
      auto problem = CheckShape(key, shape["key"], path + ".key");
      if (problem.empty() && !item.is_null())
        problem = CheckShape(item, shape["value"], path + "." + key);
      if (!problem.empty()) return problem;
    }
    return length_problem(value.size());
  }
  // structure
  if (!value.is_object()) return wrong_type();
  for (const auto& required : shape.value("required", json::array())) {
    if (!value.contains(required) || value[required].is_null()) {
      return "Value null at '" + (path.empty() ? "" : path + ".") + required.get<std::string>() +
             "' failed to satisfy constraint: Member must not be null";
    }
  }
  for (const auto& [member, member_shape] : shape["members"].items()) {
    if (!value.contains(member) || value[member].is_null()) continue;
    auto problem =
        CheckShape(value[member], member_shape, path.empty() ? member : path + "." + member);
    if (!problem.empty()) return problem;
  }
  return "";
}

// True when `value` is a decimal number greater than 0 (integral if `integral`).
bool IsPositiveNumber(const std::string& value, bool integral) {
  static const std::regex kInteger("[0-9]+"), kDecimal("[0-9]+(\\.[0-9]+)?");
  if (!std::regex_match(value, integral ? kInteger : kDecimal)) return false;
  return std::stod(value) > 0;
}

std::string CheckContainerOverrides(const json& overrides) {
  if (overrides.contains("instanceType")) {
    return "instanceType can only be used with multi-node parallel jobs";
  }
  for (const auto& arg : overrides.value("command", json::array())) {
    if (arg.is_string() && arg.get_ref<const std::string&>().empty()) {
      return "Container overrides command can't contain an empty string";
    }
  }
  for (const auto& variable : overrides.value("environment", json::array())) {
    if (variable.is_object() && Text(variable, "name").rfind("AWS_BATCH", 0) == 0) {
      return "Environment variable names starting with AWS_BATCH are reserved";
    }
  }
  for (const auto& requirement : overrides.value("resourceRequirements", json::array())) {
    if (!requirement.is_object()) continue;
    std::string type = Text(requirement, "type"), value = Text(requirement, "value");
    bool fine = type == "VCPU"     ? IsPositiveNumber(value, false)
                : type == "MEMORY" ? IsPositiveNumber(value, true) && std::stod(value) >= 4
                                   : IsPositiveNumber(value, true);
    if (!fine) return "Invalid " + type + " resource requirement value: '" + value + "'";
  }
  return "";
}

std::string CheckRetryStrategy(const json& strategy) {
  bool has_attempts = strategy.contains("attempts") && !strategy["attempts"].is_null();
  if (has_attempts && !IsIntegerIn(strategy["attempts"], 1, 10)) {
    return "Retry strategy attempts must be between 1 and 10";
  }
  auto conditions = strategy.value("evaluateOnExit", json::array());
  if (conditions.size() > 5) return "evaluateOnExit can have at most 5 conditions";
  if (!conditions.empty() && !has_attempts) return "evaluateOnExit requires attempts";
  static const std::regex kExitCode("[0-9]*\\*?");
  for (const auto& condition : conditions) {
    for (const char* member : {"onExitCode", "onReason", "onStatusReason"}) {
      std::string pattern = Text(condition, member);
      if (pattern.size() > 512) return std::string(member) + " can be at most 512 characters";
    }
    std::string exit_code = Text(condition, "onExitCode");
    if (condition.contains("onExitCode") && !condition["onExitCode"].is_null() &&
        (exit_code.empty() || !std::regex_match(exit_code, kExitCode))) {
      return "onExitCode must be digits, optionally ending with '*'";
    }
  }
  return "";
}

}  // namespace

std::string SubmitJobRefusal(const json& body) {
  auto problem = CheckShape(body, "SubmitJobRequest", "");
  if (!problem.empty()) return "1 validation error detected: " + problem;
  static const std::regex kJobName("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
  std::string name = body["jobName"];
  if (!std::regex_match(name, kJobName)) {
    return "Job name should be 1-128 characters of letters, numbers, hyphens and underscores, "
           "starting with a letter or number: '" +
           name + "'";
  }
  if (body["jobQueue"].get_ref<const std::string&>().empty() ||
      body["jobDefinition"].get_ref<const std::string&>().empty()) {
    return "jobQueue and jobDefinition are required";
  }
  auto present = [&body](const char* member) {
    return body.contains(member) && !body[member].is_null();
  };
  for (const char* member : {"nodeOverrides", "eksPropertiesOverride", "ecsPropertiesOverride"}) {
    if (present(member)) {
      return std::string(member) + " can't be used with the job definition's container properties";
    }
  }
  if (present("shareIdentifier")) {
    return "shareIdentifier can only be used with a job queue that has a scheduling policy";
  }
  if (present("schedulingPriorityOverride") &&
      !IsIntegerIn(body["schedulingPriorityOverride"], 0, 9999)) {
    return "schedulingPriorityOverride must be between 0 and 9999";
  }
  if (present("arrayProperties")) {
    const json& size = body["arrayProperties"].value("size", json());
    if (!size.is_null() && !IsIntegerIn(size, 2, 10000)) {
      return "Array job size must be between 2 and 10000";
    }
  }
  if (present("retryStrategy")) {
    problem = CheckRetryStrategy(body["retryStrategy"]);
    if (!problem.empty()) return problem;
  }
  if (present("timeout")) {
    const json& seconds = body["timeout"].value("attemptDurationSeconds", json());
    if (!seconds.is_null() && !IsIntegerIn(seconds, 60, std::numeric_limits<int32_t>::max())) {
      return "The minimum value for the timeout is 60 seconds";
    }
  }
  if (present("tags")) {
    for (const auto& [key, value] : body["tags"].items()) {
      if (Upper(key.substr(0, 4)) == "AWS:") return "Tag keys can't start with aws:";
    }
  }
  if (present("containerOverrides")) {
    problem = CheckContainerOverrides(body["containerOverrides"]);
    if (!problem.empty()) return problem;
  }
  if (present("dependsOn") && body["dependsOn"].size() > 20) {
    return "A job can depend on at most 20 jobs";
  }
  return "";
}

}  // namespace wfm
