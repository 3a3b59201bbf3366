#include "aws/batch_client.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "aws/sigv4.h"

namespace wfm {
namespace {

using nlohmann::json;

std::string HostOf(const std::string& endpoint) {
  size_t start = endpoint.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = endpoint.find('/', start);
  return endpoint.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The error type of an AWS answer: the x-amzn-ErrorType header (up to ':'), else __type/code.
std::string ErrorType(const HttpReply& reply, const json& body) {
  for (const auto& [name, value] : reply.headers) {
    if (name == "x-amzn-errortype") return value.substr(0, value.find(':'));
  }
  std::string type = body.is_object() ? body.value("__type", body.value("code", "")) : "";
  return type.substr(type.find('#') == std::string::npos ? 0 : type.find('#') + 1);
}

bool IsRetryable(int status, const std::string& type) {
  return status == 429 || status >= 500 || type == "TooManyRequestsException" ||
         type == "ThrottlingException" || type == "RequestLimitExceeded";
}

BatchJobDefinition JobDefinitionFromJson(const json& in) {
  BatchJobDefinition definition;
  definition.name = in.value("jobDefinitionName", "");
  definition.revision = in.value("revision", 0);
  definition.status = in.value("status", "");
  definition.arn = in.value("jobDefinitionArn", "");
  return definition;
}

constexpr int64_t kCallTimeoutMs = 30000;

// DescribeJobDefinitions only checks workflows: a policy without batch:DescribeJobDefinitions
// leaves tasks running, so its failures are logged by the caller and do not make Health() fail.
bool CountsForHealth(const std::string& operation) { return operation != "DescribeJobDefinitions"; }

}  // namespace

size_t OverridesJsonLength(const std::vector<std::pair<std::string, std::string>>& environment) {
  json variables = json::array();
  for (const auto& [name, value] : environment) {
    variables.push_back({{"name", name}, {"value", value}});
  }
  return json{{"environment", variables}}.dump().size();
}

BatchJob BatchJobFromJson(const json& in) {
  BatchJob job;
  job.id = in.value("jobId", "");
  job.name = in.value("jobName", "");
  job.status = in.value("status", "");
  job.status_reason = in.value("statusReason", "");
  job.created_at = in.value("createdAt", 0LL);
  job.started_at = in.value("startedAt", 0LL);
  job.stopped_at = in.value("stoppedAt", 0LL);
  if (in.contains("container") && in["container"].is_object()) {
    const json& container = in["container"];
    if (container.contains("exitCode") && container["exitCode"].is_number_integer()) {
      job.exit_code = container["exitCode"].get<int>();
    }
    job.container_reason = container.value("reason", "");
    job.log_stream = container.value("logStreamName", "");
    job.task_arn = container.value("taskArn", "");
  }
  return job;
}

BatchClient::BatchClient(HttpClient& http, CredentialsProvider& credentials, Clock& clock,
                         BatchClientOptions options)
    : http_(http),
      credentials_(credentials),
      clock_(clock),
      options_(std::move(options)),
      submit_limiter_(options_.submit_rate_per_second) {
  if (options_.endpoint.empty()) {
    options_.endpoint = "https://batch." + options_.region + ".amazonaws.com";
  }
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/')
    options_.endpoint.pop_back();
  host_ = HostOf(options_.endpoint);
}

std::map<std::string, int> BatchClient::CallCounts() const {
  std::lock_guard lock(mu_);
  return calls_;
}

void BatchClient::Backoff(int attempt, Deadline deadline) {
  int64_t cap = std::min<int64_t>(options_.max_backoff_ms,
                                  static_cast<int64_t>(options_.base_backoff_ms) << attempt);
  int64_t wait;
  {
    std::lock_guard lock(mu_);
    wait = std::uniform_int_distribution<int64_t>(0, cap)(random_);  // full jitter
  }
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait);
  if (deadline && *deadline < until) until = *deadline;
  std::this_thread::sleep_until(until);
}

Status BatchClient::Health() const {
  std::lock_guard lock(mu_);
  if (configuration_problem_.empty()) return OkStatus();
  return Error{ErrorCode::kUnavailable, configuration_problem_};
}

Error BatchClient::ConfigurationProblem(const std::string& operation, std::string message) {
  if (!CountsForHealth(operation)) return Error{ErrorCode::kUnavailable, std::move(message)};
  std::lock_guard lock(mu_);
  if (configuration_problem_ != message) spdlog::error("{}", message);
  configuration_problem_ = message;
  return Error{ErrorCode::kUnavailable, std::move(message)};
}

Result<json> BatchClient::Call(const std::string& operation, const std::string& path,
                               const json& body, Deadline deadline) {
  using std::chrono::steady_clock;
  auto remaining_ms = [&deadline]() -> int64_t {
    if (!deadline) return kCallTimeoutMs;
    return std::min<int64_t>(kCallTimeoutMs, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 *deadline - steady_clock::now())
                                                 .count());
  };
  std::string last_error;
  bool answered = false;  // some attempt got an HTTP answer
  int attempt = 0;
  for (; attempt < options_.max_attempts; ++attempt) {
    if (attempt > 0) Backoff(attempt, deadline);
    if (remaining_ms() <= 0) break;
    auto credentials = credentials_.Get();
    if (!credentials.ok())
      return ConfigurationProblem(operation, "AWS Batch: " + credentials.error().message);
    SignableRequest request{
        "POST", path, "", {{"Host", host_}, {"Content-Type", "application/json"}}, body.dump()};
    SignRequest(request, credentials.value(),
                SigningOptions{options_.region, "batch", clock_.Now()});
    HttpCall call{"POST", options_.endpoint + path, request.headers, request.body,
                  static_cast<int>(remaining_ms())};
    {
      std::lock_guard lock(mu_);
      ++calls_[operation];
    }
    auto reply = http_.Send(call);
    if (!reply.ok()) {
      last_error = reply.error().message;
      continue;
    }
    answered = true;
    json answer = json::parse(reply->body.empty() ? "{}" : reply->body, nullptr, false);
    std::string type = ErrorType(reply.value(), answer);
    if (reply->status >= 200 && reply->status < 300) {
      if (answer.is_discarded()) {
        return ConfigurationProblem(operation, "AWS Batch: the endpoint " + options_.endpoint +
                                                   " answered " + operation +
                                                   " with something else than JSON");
      }
      if (CountsForHealth(operation)) {
        std::lock_guard lock(mu_);
        configuration_problem_.clear();
      }
      return answer;
    }
    std::string message =
        answer.is_object() ? answer.value("message", answer.value("Message", "")) : "";
    last_error = (type.empty() ? "" : type + " ") + "(HTTP " + std::to_string(reply->status) + ")" +
                 (message.empty() ? "" : ": " + message);
    if (reply->status == 401 || reply->status == 403) {
      return ConfigurationProblem(
          operation, "AWS Batch: credentials refused (" + operation + "): " + last_error);
    }
    if (reply->status == 404) {
      return ConfigurationProblem(operation, "AWS Batch: the endpoint " + options_.endpoint +
                                                 " does not know " + operation + ": " + last_error);
    }
    if (!IsRetryable(reply->status, type)) {
      if (CountsForHealth(operation)) {
        std::lock_guard lock(mu_);
        configuration_problem_.clear();  // Batch read and authenticated the request
      }
      return Error{ErrorCode::kInvalidArgument, "AWS Batch " + operation + ": " + last_error};
    }
    spdlog::debug("AWS Batch {}: {}, retrying", operation, last_error);
  }
  std::string failure = "AWS Batch " + operation + " failed after " + std::to_string(attempt) +
                        " attempt(s): " + (last_error.empty() ? "out of time" : last_error);
  if (!answered && attempt > 0) {
    return ConfigurationProblem(operation, "AWS Batch: the endpoint " + options_.endpoint +
                                               " does not answer: " + last_error);
  }
  return Error{ErrorCode::kUnavailable, failure};
}

Result<std::string> BatchClient::SubmitJob(const BatchSubmission& submission) {
  json environment = json::array();
  for (const auto& [name, value] : submission.environment) {
    environment.push_back({{"name", name}, {"value", value}});
  }
  json body = {{"jobName", submission.job_name},
               {"jobQueue", submission.job_queue},
               {"jobDefinition", submission.job_definition},
               {"containerOverrides", {{"environment", environment}}},
               {"tags", submission.tags},
               {"propagateTags", true}};
  submit_limiter_.Acquire();
  auto answer = Call("SubmitJob", "/v1/submitjob", body);
  if (!answer.ok()) return answer.error();
  return answer->value("jobId", "");
}

Result<std::vector<BatchJob>> BatchClient::DescribeJobs(const std::vector<std::string>& ids) {
  std::vector<BatchJob> out;
  for (size_t start = 0; start < ids.size(); start += kMaxDescribeIds) {
    size_t end = std::min(ids.size(), start + kMaxDescribeIds);
    json chunk(std::vector<std::string>(ids.begin() + start, ids.begin() + end));
    auto answer = Call("DescribeJobs", "/v1/describejobs", {{"jobs", chunk}});
    if (!answer.ok()) return answer.error();
    for (const auto& job : answer->value("jobs", json::array()))
      out.push_back(BatchJobFromJson(job));
  }
  return out;
}

Status BatchClient::TerminateJob(const std::string& job_id, const std::string& reason) {
  auto answer = Call("TerminateJob", "/v1/terminatejob", {{"jobId", job_id}, {"reason", reason}});
  if (!answer.ok()) return answer.error();
  return OkStatus();
}

Status BatchClient::CancelJob(const std::string& job_id, const std::string& reason) {
  auto answer = Call("CancelJob", "/v1/canceljob", {{"jobId", job_id}, {"reason", reason}});
  if (!answer.ok()) return answer.error();
  return OkStatus();
}

Result<std::vector<BatchJob>> BatchClient::ListJobsByName(const std::string& queue,
                                                          const std::string& job_name) {
  std::vector<BatchJob> out;
  std::string token;
  do {
    json body = {{"jobQueue", queue},
                 {"filters", json::array({{{"name", "JOB_NAME"}, {"values", {job_name}}}})},
                 {"maxResults", 100}};
    if (!token.empty()) body["nextToken"] = token;
    auto answer = Call("ListJobs", "/v1/listjobs", body);
    if (!answer.ok()) return answer.error();
    for (const auto& summary : answer->value("jobSummaryList", json::array())) {
      BatchJob job = BatchJobFromJson(summary);
      if (job.name == job_name) out.push_back(job);  // the filter also matches case-insensitively
    }
    token = answer->value("nextToken", "");
  } while (!token.empty());
  return out;
}

Result<std::vector<BatchJobDefinition>> BatchClient::DescribeJobDefinitionsByName(
    const std::string& name, const std::string& status, bool first_only, Deadline deadline) {
  std::vector<BatchJobDefinition> out;
  std::string token;
  do {
    json body = {{"jobDefinitionName", name}, {"maxResults", 100}};
    if (!status.empty()) body["status"] = status;
    if (!token.empty()) body["nextToken"] = token;
    auto answer = Call("DescribeJobDefinitions", "/v1/describejobdefinitions", body, deadline);
    if (!answer.ok()) return answer.error();
    for (const auto& definition : answer->value("jobDefinitions", json::array())) {
      out.push_back(JobDefinitionFromJson(definition));
    }
    token = answer->value("nextToken", "");
  } while (!token.empty() && !(first_only && !out.empty()));
  return out;
}

Result<std::vector<BatchJobDefinition>> BatchClient::DescribeJobDefinitions(
    const std::vector<std::string>& definitions, Deadline deadline) {
  // With `jobDefinitions` (at most 100) Batch takes no other parameter and answers one page.
  auto answer = Call("DescribeJobDefinitions", "/v1/describejobdefinitions",
                     {{"jobDefinitions", definitions}}, deadline);
  if (!answer.ok()) return answer.error();
  std::vector<BatchJobDefinition> out;
  for (const auto& definition : answer->value("jobDefinitions", json::array())) {
    out.push_back(JobDefinitionFromJson(definition));
  }
  return out;
}

}  // namespace wfm
