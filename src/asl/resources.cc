#include "asl/resources.h"

#include <regex>

namespace wfm::asl {
namespace {

// Whether `resource` is a job definition's name with an optional revision,
// [A-Za-z0-9_-]{1,128}(:[0-9]+)?. By hand: every v1 task is classified several times per
// attempt, and std::regex took microseconds each time.
bool IsJobDefinitionName(const std::string& resource) {
  auto is_name_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  };
  size_t colon = resource.find(':');
  size_t name_size = colon == std::string::npos ? resource.size() : colon;
  if (name_size == 0 || name_size > 128) return false;
  for (size_t i = 0; i < name_size; ++i) {
    if (!is_name_char(resource[i])) return false;
  }
  if (colon == std::string::npos) return true;
  if (colon + 1 == resource.size()) return false;
  for (size_t i = colon + 1; i < resource.size(); ++i) {
    if (resource[i] < '0' || resource[i] > '9') return false;
  }
  return true;
}

}  // namespace

TaskResource ClassifyResource(const std::string& resource) {
  static const std::regex kFunction(
      R"(arn:aws:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,64})(:[A-Za-z0-9$_-]+)?)");
  static const std::regex kActivity(R"(arn:aws:states:[a-z0-9-]+:\d{12}:activity:[A-Za-z0-9_.-]+)");
  static const std::string kIntegration = "arn:aws:states:::";
  TaskResource out;
  std::smatch match;
  // The prefix first: a regular expression that can't match is costly to try on a hot path.
  if (resource.starts_with("arn:aws:lambda:") && std::regex_match(resource, match, kFunction)) {
    out.kind = ResourceKind::kFunction;
    out.name = match[1];
    out.history_type = "lambda";
    out.history_resource = resource;
    return out;
  }
  if (resource.starts_with("arn:aws:states:") && std::regex_match(resource, kActivity)) {
    out.kind = ResourceKind::kActivity;
    out.name = resource;
    out.history_type = "activity";
    out.history_resource = resource;
    return out;
  }
  if (resource.rfind(kIntegration, 0) == 0) {
    std::string rest = resource.substr(kIntegration.size());  // e.g. "batch:submitJob.sync"
    auto colon = rest.find(':');
    out.history_type = colon == std::string::npos ? rest : rest.substr(0, colon);
    out.history_resource = colon == std::string::npos ? "" : rest.substr(colon + 1);
    if (rest == "lambda:invoke" || rest == "lambda:invoke.waitForTaskToken") {
      out.kind = ResourceKind::kLambdaInvoke;
      out.wait_for_token = rest.ends_with(".waitForTaskToken");
    } else if (rest == "batch:submitJob" || rest == "batch:submitJob.waitForTaskToken") {
      out.kind = ResourceKind::kBatchSubmit;
      out.wait_for_token = rest.ends_with(".waitForTaskToken");
    } else if (rest == "batch:submitJob.sync") {
      out.kind = ResourceKind::kBatchSubmitSync;
    }
    return out;
  }
  if (IsJobDefinitionName(resource)) {
    out.kind = ResourceKind::kJobDefinition;
    out.name = resource;
    out.history_type = "local";
    out.history_resource = resource;
  }
  return out;
}

}  // namespace wfm::asl
