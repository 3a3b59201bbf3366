#include "executor/batch/submit_job_fields.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>

namespace wfm {
namespace {

using nlohmann::json;

Status Refuse(const std::string& member, const std::string& what) {
  return Error{ErrorCode::kInvalidArgument, "SubmitJob parameters: " + member + " " + what};
}

// An integer from `low` to `high` (a float, or one beyond 64 bits, is not).
bool IsIntegerIn(const json& value, int64_t low, int64_t high) {
  if (!value.is_number_integer()) return false;
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(high)) {
    return false;
  }
  return value.get<int64_t>() >= low && value.get<int64_t>() <= high;
}

bool IsObjectOfStrings(const json& value) {
  return value.is_object() &&
         std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); });
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

Status CheckContainerOverrides(const json& overrides) {
  const std::string at = "containerOverrides";
  if (!overrides.is_object()) return Refuse(at, "must be an object");
  if (auto command = overrides.find("command"); command != overrides.end()) {
    if (!command->is_array()) return Refuse(at + ".command", "must be a list of strings");
    for (const auto& arg : *command) {
      if (!arg.is_string() || arg.get_ref<const std::string&>().empty()) {
        return Refuse(at + ".command", "can't contain an empty string or a non-string");
      }
    }
  }
  if (auto environment = overrides.find("environment"); environment != overrides.end()) {
    if (!environment->is_array()) return Refuse(at + ".environment", "must be a list");
    for (const auto& variable : *environment) {
      if (!variable.is_object() || (variable.contains("name") && !variable["name"].is_string()) ||
          (variable.contains("value") && !variable["value"].is_string())) {
        return Refuse(at + ".environment", "must hold {\"name\": string, \"value\": string}");
      }
      if (variable.value("name", "").rfind("AWS_BATCH", 0) == 0) {
        return Refuse(at + ".environment",
                      "can't name a variable starting with AWS_BATCH (reserved by Batch)");
      }
    }
  }
  if (auto requirements = overrides.find("resourceRequirements"); requirements != overrides.end()) {
    if (!requirements->is_array()) return Refuse(at + ".resourceRequirements", "must be a list");
    for (const auto& requirement : *requirements) {
      bool typed = requirement.is_object() && requirement.contains("type") &&
                   requirement["type"].is_string() && requirement.contains("value") &&
                   requirement["value"].is_string();
      std::string type = typed ? requirement["type"].get<std::string>() : "";
      if (type != "GPU" && type != "VCPU" && type != "MEMORY") {
        return Refuse(at + ".resourceRequirements",
                      "must hold {\"type\": \"GPU\"|\"VCPU\"|\"MEMORY\", \"value\": string}");
      }
    }
  }
  for (const char* member : {"vcpus", "memory"}) {
    if (overrides.contains(member) && !IsIntegerIn(overrides[member], INT32_MIN, INT32_MAX)) {
      return Refuse(at + "." + member, "must be an integer");
    }
  }
  if (overrides.contains("instanceType") && !overrides["instanceType"].is_string()) {
    return Refuse(at + ".instanceType", "must be a string");
  }
  return OkStatus();
}

Status CheckRetryStrategy(const json& strategy) {
  if (!strategy.is_object()) return Refuse("retryStrategy", "must be an object");
  bool has_attempts = strategy.contains("attempts");
  if (has_attempts && !IsIntegerIn(strategy["attempts"], 1, 10)) {
    return Refuse("retryStrategy.attempts", "must be an integer from 1 to 10");
  }
  auto conditions = strategy.find("evaluateOnExit");
  if (conditions == strategy.end()) return OkStatus();
  if (!conditions->is_array() || conditions->size() > 5) {
    return Refuse("retryStrategy.evaluateOnExit", "must be a list of at most 5 conditions");
  }
  if (!has_attempts) return Refuse("retryStrategy.evaluateOnExit", "needs attempts");
  for (const auto& condition : *conditions) {
    if (!condition.is_object() || !condition.contains("action") ||
        !condition["action"].is_string()) {
      return Refuse("retryStrategy.evaluateOnExit", "conditions need an action");
    }
    std::string action = Upper(condition["action"].get<std::string>());
    if (action != "RETRY" && action != "EXIT") {
      return Refuse("retryStrategy.evaluateOnExit", "action must be RETRY or EXIT");
    }
    for (const char* member : {"onExitCode", "onReason", "onStatusReason"}) {
      if (!condition.contains(member)) continue;
      const json& pattern = condition[member];
      if (!pattern.is_string() || pattern.get_ref<const std::string&>().size() > 512) {
        return Refuse(std::string("retryStrategy.evaluateOnExit.") + member,
                      "must be a string of at most 512 characters");
      }
      std::string text = pattern.get<std::string>();
      if (std::string(member) == "onExitCode" &&
          (text.empty() || text.find_first_not_of("0123456789") <
                               (text.back() == '*' ? text.size() - 1 : text.size()))) {
        return Refuse("retryStrategy.evaluateOnExit.onExitCode",
                      "must be digits, optionally ending with '*'");
      }
    }
  }
  return OkStatus();
}

Status CheckTags(const json& tags) {
  if (!IsObjectOfStrings(tags)) return Refuse("tags", "must map strings to strings");
  if (tags.empty() || tags.size() > 50) return Refuse("tags", "must hold 1 to 50 tags");
  for (const auto& [key, value] : tags.items()) {
    if (key.empty() || key.size() > 128 || value.get_ref<const std::string&>().size() > 256) {
      return Refuse("tags", "keys must have 1-128 characters and values at most 256");
    }
    if (Upper(key.substr(0, 4)) == "AWS:") return Refuse("tags", "keys can't start with aws:");
  }
  return OkStatus();
}

Status CheckDependencies(const json& dependencies) {
  if (!dependencies.is_array() || dependencies.size() > 20) {
    return Refuse("dependsOn", "must be a list of at most 20 dependencies");
  }
  for (const auto& dependency : dependencies) {
    if (!dependency.is_object() ||
        (dependency.contains("jobId") && !dependency["jobId"].is_string())) {
      return Refuse("dependsOn", "must hold {\"jobId\": string}");
    }
    std::string type = dependency.value("type", "N_TO_N");
    if (type != "N_TO_N" && type != "SEQUENTIAL") {
      return Refuse("dependsOn", "type must be N_TO_N or SEQUENTIAL");
    }
  }
  return OkStatus();
}

}  // namespace

Status CheckSubmitJobFields(const json& fields) {
  if (fields.is_null()) return OkStatus();
  if (!fields.is_object()) {
    return Error{ErrorCode::kInvalidArgument, "SubmitJob parameters must be an object"};
  }
  if (auto queue = fields.find("jobQueue"); queue != fields.end()) {
    if (!queue->is_string() || queue->get_ref<const std::string&>().empty()) {
      return Refuse("jobQueue", "must be a non-empty string");
    }
  }
  if (fields.contains("parameters") && !IsObjectOfStrings(fields["parameters"])) {
    return Refuse("parameters", "must map strings to strings");
  }
  if (fields.contains("containerOverrides")) {
    auto checked = CheckContainerOverrides(fields["containerOverrides"]);
    if (!checked.ok()) return checked;
  }
  if (fields.contains("retryStrategy")) {
    auto checked = CheckRetryStrategy(fields["retryStrategy"]);
    if (!checked.ok()) return checked;
  }
  if (auto timeout = fields.find("timeout"); timeout != fields.end()) {
    if (!timeout->is_object() ||
        (timeout->contains("attemptDurationSeconds") &&
         !IsIntegerIn((*timeout)["attemptDurationSeconds"], 60, INT32_MAX))) {
      return Refuse("timeout.attemptDurationSeconds", "must be an integer of at least 60");
    }
  }
  if (fields.contains("tags")) {
    auto checked = CheckTags(fields["tags"]);
    if (!checked.ok()) return checked;
  }
  if (auto array = fields.find("arrayProperties"); array != fields.end()) {
    if (!array->is_object() ||
        (array->contains("size") && !IsIntegerIn((*array)["size"], 2, 10000))) {
      return Refuse("arrayProperties.size", "must be an integer from 2 to 10000");
    }
  }
  if (fields.contains("propagateTags") && !fields["propagateTags"].is_boolean()) {
    return Refuse("propagateTags", "must be a boolean");
  }
  if (fields.contains("dependsOn")) {
    auto checked = CheckDependencies(fields["dependsOn"]);
    if (!checked.ok()) return checked;
  }
  if (fields.contains("schedulingPriorityOverride") &&
      !IsIntegerIn(fields["schedulingPriorityOverride"], 0, 9999)) {
    return Refuse("schedulingPriorityOverride", "must be an integer from 0 to 9999");
  }
  if (fields.contains("shareIdentifier") && !fields["shareIdentifier"].is_string()) {
    return Refuse("shareIdentifier", "must be a string");
  }
  return OkStatus();
}

}  // namespace wfm
