#include "asl/resources.h"

#include <regex>

namespace wfm::asl {

TaskResource ClassifyResource(const std::string& resource) {
  static const std::regex kFunction(
      R"(arn:aws:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,64})(:[A-Za-z0-9$_-]+)?)");
  static const std::regex kActivity(R"(arn:aws:states:[a-z0-9-]+:\d{12}:activity:[A-Za-z0-9_.-]+)");
  static const std::regex kJobDefinition(R"([A-Za-z0-9_-]{1,128}(:[0-9]+)?)");
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
  if (std::regex_match(resource, kJobDefinition)) {
    out.kind = ResourceKind::kJobDefinition;
    out.name = resource;
    out.history_type = "local";
    out.history_resource = resource;
  }
  return out;
}

}  // namespace wfm::asl
