#include "aws/batch_client.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <set>
#include <thread>

#include "aws/aws_json.h"
#include "aws/sigv4.h"
#include "core/service_metrics.h"

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
  std::string type = StringOrEmpty(body, "__type");
  if (type.empty()) type = StringOrEmpty(body, "code");
  return type.substr(type.find('#') == std::string::npos ? 0 : type.find('#') + 1);
}

bool IsThrottling(int status, const std::string& type) {
  return status == 429 || type == "TooManyRequestsException" || type == "ThrottlingException" ||
         type == "RequestLimitExceeded";
}

bool IsRetryable(int status, const std::string& type) {
  return status >= 500 || IsThrottling(status, type);
}

// The outcome label of one answered request (wfm_aws_batch_requests_total).
const char* OutcomeOf(int status, const std::string& type) {
  if (status >= 200 && status < 300) return "ok";
  if (IsThrottling(status, type)) return "throttled";
  return status >= 500 ? "server_error" : "client_error";
}

// Reads one JobDefinition of a DescribeJobDefinitions answer. Errors: kInternal (a wrong type).
Result<BatchJobDefinition> JobDefinitionFromJson(const json& in) {
  if (!in.is_object()) return Error{ErrorCode::kInternal, "a job definition is not an object"};
  BatchJobDefinition definition;
  auto name = ReadString(in, "jobDefinitionName");
  auto revision = ReadInteger(in, "revision", 0, std::numeric_limits<int>::max());
  auto status = ReadString(in, "status");
  auto arn = ReadString(in, "jobDefinitionArn");
  if (!name.ok()) return name.error();
  if (!revision.ok()) return revision.error();
  if (!status.ok()) return status.error();
  if (!arn.ok()) return arn.error();
  definition.name = std::move(*name);
  definition.revision = static_cast<int>(revision->value_or(0));
  definition.status = std::move(*status);
  definition.arn = std::move(*arn);
  return definition;
}

// The job definitions of a DescribeJobDefinitions answer, appended to `out`.
Status AppendJobDefinitions(const json& answer, std::vector<BatchJobDefinition>& out) {
  auto definitions = ReadArray(answer, "jobDefinitions");
  if (!definitions.ok()) return definitions.error();
  for (const auto& item : **definitions) {
    auto definition = JobDefinitionFromJson(item);
    if (!definition.ok()) return definition.error();
    out.push_back(std::move(*definition));
  }
  return OkStatus();
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

json SubmitJobBody(const BatchSubmission& submission) {
  json body = submission.fields.is_object() ? submission.fields : json::object();
  body["jobName"] = submission.job_name;
  body["jobQueue"] = submission.job_queue;
  body["jobDefinition"] = submission.job_definition;
  json& overrides = body["containerOverrides"];
  if (!overrides.is_object()) overrides = json::object();
  json environment = json::array();
  std::set<std::string> ours;
  for (const auto& [name, value] : submission.environment) ours.insert(name);
  if (overrides.contains("environment") && overrides["environment"].is_array()) {
    for (const auto& variable : overrides["environment"]) {
      if (variable.is_object() && variable.contains("name") && variable["name"].is_string() &&
          ours.count(variable["name"].get<std::string>())) {
        continue;
      }
      environment.push_back(variable);
    }
  }
  for (const auto& [name, value] : submission.environment) {
    environment.push_back({{"name", name}, {"value", value}});
  }
  overrides["environment"] = environment;
  json& tags = body["tags"];
  if (!tags.is_object()) tags = json::object();
  for (const auto& [key, value] : submission.tags) tags[key] = value;
  if (tags.empty()) body.erase("tags");
  if (!body.contains("propagateTags")) body["propagateTags"] = true;
  return body;
}

Result<BatchJob> BatchJobFromJson(const json& in) {
  if (!in.is_object()) return Error{ErrorCode::kInternal, "a job is not an object"};
  BatchJob job;
  job.description = in;
  for (auto [field, target] : {std::pair{"jobId", &job.id},
                               {"jobName", &job.name},
                               {"status", &job.status},
                               {"statusReason", &job.status_reason}}) {
    auto value = ReadString(in, field);
    if (!value.ok()) return value.error();
    *target = std::move(*value);
  }
  if (job.id.empty()) return Error{ErrorCode::kInternal, "a job has no jobId"};
  for (auto [field, target] : {std::pair{"createdAt", &job.created_at},
                               {"startedAt", &job.started_at},
                               {"stoppedAt", &job.stopped_at}}) {
    auto value = ReadInteger(in, field, 0, std::numeric_limits<TimestampMs>::max());
    if (!value.ok()) return value.error();
    *target = value->value_or(0);
  }
  auto container = ReadObject(in, "container");
  if (!container.ok()) return container.error();
  if (*container == nullptr) return job;
  auto exit_code = ReadInteger(**container, "exitCode", std::numeric_limits<int>::min(),
                               std::numeric_limits<int>::max());
  if (!exit_code.ok()) return exit_code.error();
  if (exit_code->has_value()) job.exit_code = static_cast<int>(**exit_code);
  for (auto [field, target] : {std::pair{"reason", &job.container_reason},
                               {"logStreamName", &job.log_stream},
                               {"taskArn", &job.task_arn}}) {
    auto value = ReadString(**container, field);
    if (!value.ok()) return value.error();
    *target = std::move(*value);
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
      CountRequest(operation, "unreachable");
      last_error = reply.error().message;
      continue;
    }
    answered = true;
    json answer = json::parse(reply->body.empty() ? "{}" : reply->body, nullptr, false);
    std::string type = ErrorType(reply.value(), answer);
    CountRequest(operation, OutcomeOf(reply->status, type));
    if (reply->status >= 200 && reply->status < 300) {
      if (answer.is_discarded()) {
        return ConfigurationProblem(operation, "AWS Batch: the endpoint " + options_.endpoint +
                                                   " answered " + operation +
                                                   " with something else than JSON");
      }
      if (!answer.is_object()) return MalformedAnswer(operation, "it is not a JSON object");
      if (CountsForHealth(operation)) {
        std::lock_guard lock(mu_);
        configuration_problem_.clear();
      }
      return answer;
    }
    std::string message = StringOrEmpty(answer, "message");
    if (message.empty()) message = StringOrEmpty(answer, "Message");
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

void BatchClient::CountRequest(const std::string& operation, const char* outcome) {
  if (options_.metrics) {
    options_.metrics->Add(metric::kAwsBatchRequests, {{"operation", operation}, {"outcome", outcome}});
  }
}

Error BatchClient::MalformedAnswer(const std::string& operation, const std::string& why) {
  return ConfigurationProblem(operation, "AWS Batch: the endpoint " + options_.endpoint +
                                             " answered " + operation +
                                             " with a malformed answer: " + why);
}

Result<std::string> BatchClient::SubmitJob(const BatchSubmission& submission) {
  submit_limiter_.Acquire();
  auto answer = Call("SubmitJob", "/v1/submitjob", SubmitJobBody(submission));
  if (!answer.ok()) return answer.error();
  auto id = ReadString(*answer, "jobId");
  if (!id.ok()) return MalformedAnswer("SubmitJob", id.error().message);
  if (id->empty()) return MalformedAnswer("SubmitJob", "it has no jobId");
  return *id;
}

Result<std::vector<BatchJob>> BatchClient::DescribeJobs(const std::vector<std::string>& ids) {
  std::vector<BatchJob> out;
  for (size_t start = 0; start < ids.size(); start += kMaxDescribeIds) {
    size_t end = std::min(ids.size(), start + kMaxDescribeIds);
    json chunk(std::vector<std::string>(ids.begin() + start, ids.begin() + end));
    auto answer = Call("DescribeJobs", "/v1/describejobs", {{"jobs", chunk}});
    if (!answer.ok()) return answer.error();
    auto jobs = ReadArray(*answer, "jobs");
    if (!jobs.ok()) return MalformedAnswer("DescribeJobs", jobs.error().message);
    for (const auto& item : **jobs) {
      auto job = BatchJobFromJson(item);
      if (!job.ok()) return MalformedAnswer("DescribeJobs", job.error().message);
      out.push_back(std::move(*job));
    }
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
    auto summaries = ReadArray(*answer, "jobSummaryList");
    if (!summaries.ok()) return MalformedAnswer("ListJobs", summaries.error().message);
    for (const auto& summary : **summaries) {
      auto job = BatchJobFromJson(summary);
      if (!job.ok()) return MalformedAnswer("ListJobs", job.error().message);
      // The filter also matches case-insensitively.
      if (job->name == job_name) out.push_back(std::move(*job));
    }
    auto next = ReadString(*answer, "nextToken");
    if (!next.ok()) return MalformedAnswer("ListJobs", next.error().message);
    token = std::move(*next);
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
    auto appended = AppendJobDefinitions(*answer, out);
    if (!appended.ok()) return MalformedAnswer("DescribeJobDefinitions", appended.error().message);
    auto next = ReadString(*answer, "nextToken");
    if (!next.ok()) return MalformedAnswer("DescribeJobDefinitions", next.error().message);
    token = std::move(*next);
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
  auto appended = AppendJobDefinitions(*answer, out);
  if (!appended.ok()) return MalformedAnswer("DescribeJobDefinitions", appended.error().message);
  return out;
}

}  // namespace wfm
