#include "fake_batch/fake_batch.h"

#include <algorithm>
#include <chrono>
#include <regex>
#include <thread>

#include "aws/batch_client.h"
#include "aws/sigv4.h"
#include "core/ids.h"
#include "fake_batch/submit_job_validation.h"

namespace wfm {
namespace {

using nlohmann::json;

HttpResponse AwsError(int status, const std::string& type, const std::string& message) {
  HttpResponse response;
  response.status = status;
  response.headers["x-amzn-ErrorType"] = type;
  response.body = json{{"__type", type}, {"message", message}}.dump();
  return response;
}

HttpResponse Ok(const json& body) {
  HttpResponse response;
  response.body = body.dump();
  return response;
}

bool IsTerminalStatus(const std::string& status) {
  return status == "SUCCEEDED" || status == "FAILED";
}

TimestampMs ParseAmzDate(const std::string& text) {
  struct tm utc = {};
  if (sscanf(text.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
             &utc.tm_hour, &utc.tm_min, &utc.tm_sec) != 6) {
    return 0;
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return static_cast<TimestampMs>(timegm(&utc)) * 1000;
}

}  // namespace

FakeBatch::FakeBatch(Clock& clock, std::string access_key_id, std::string secret_access_key,
                     std::string region)
    : clock_(clock),
      access_key_id_(std::move(access_key_id)),
      secret_access_key_(std::move(secret_access_key)),
      region_(std::move(region)) {}

void FakeBatch::SetOutcome(const std::string& job_definition, FakeBatchOutcome outcome) {
  std::lock_guard lock(mu_);
  outcomes_[job_definition] = std::move(outcome);
}

void FakeBatch::SetFaults(FakeBatchFaults faults) {
  std::lock_guard lock(mu_);
  faults_ = faults;
}

void FakeBatch::SetSubmitDelay(int ms) {
  std::lock_guard lock(mu_);
  submit_delay_ms_ = ms;
}

void FakeBatch::SetStateDurations(int64_t submitted_ms, int64_t runnable_ms, int64_t starting_ms) {
  std::lock_guard lock(mu_);
  submitted_ms_ = submitted_ms;
  runnable_ms_ = runnable_ms;
  starting_ms_ = starting_ms;
}

int FakeBatch::SubmitCount(const std::string& job_name) const {
  std::lock_guard lock(mu_);
  auto it = submit_counts_.find(job_name);
  return it == submit_counts_.end() ? 0 : it->second;
}

int FakeBatch::DuplicateSubmissions() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(std::count_if(submit_counts_.begin(), submit_counts_.end(),
                                        [](const auto& entry) { return entry.second > 1; }));
}

int FakeBatch::Calls(const std::string& operation) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(operation);
  return it == calls_.end() ? 0 : it->second;
}

int FakeBatch::DescribeCount(const std::string& job_id) const {
  std::lock_guard lock(mu_);
  auto it = describe_counts_.find(job_id);
  return it == describe_counts_.end() ? 0 : it->second;
}

void FakeBatch::RegisterJobDefinition(const std::string& name, int revision,
                                      const std::string& status) {
  std::lock_guard lock(mu_);
  definitions_[{name, revision}] = status;
}

size_t FakeBatch::MaxDescribeIds() const {
  std::lock_guard lock(mu_);
  return max_describe_ids_;
}

std::vector<std::string> FakeBatch::Terminated() const {
  std::lock_guard lock(mu_);
  return terminated_;
}

std::vector<std::string> FakeBatch::Cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

json FakeBatch::Stats() const {
  std::lock_guard lock(mu_);
  int duplicates = 0;
  for (const auto& [name, count] : submit_counts_) duplicates += count > 1;
  return {{"submitCounts", submit_counts_},
          {"duplicates", duplicates},
          {"calls", calls_},
          {"maxDescribeIds", max_describe_ids_},
          {"terminated", terminated_},
          {"cancelled", cancelled_}};
}

void FakeBatch::Configure(const json& config) {
  std::lock_guard lock(mu_);
  const json outcomes = config.value("outcomes", json::object());
  for (const auto& [definition, outcome] : outcomes.items()) {
    outcomes_[definition] =
        FakeBatchOutcome{outcome.value("exitCode", 0), outcome.value("runningMs", 0LL),
                         outcome.value("stuckRunnableReason", "")};
  }
  if (config.contains("faults")) {
    const json& f = config["faults"];
    faults_ = FakeBatchFaults{f.value("throttleRate", 0.0), f.value("errorRate", 0.0),
                              f.value("dropRate", 0.0), f.value("latencyMs", 0)};
  }
  submit_delay_ms_ = config.value("submitDelayMs", submit_delay_ms_);
  if (config.contains("stateDurationsMs")) {
    const json& d = config["stateDurationsMs"];
    submitted_ms_ = d.at(0).get<int64_t>();
    runnable_ms_ = d.at(1).get<int64_t>();
    starting_ms_ = d.at(2).get<int64_t>();
  }
  for (const auto& definition : config.value("jobDefinitions", json::array())) {
    definitions_[{definition.value("name", ""), definition.value("revision", 1)}] =
        definition.value("status", "ACTIVE");
  }
}

json FakeBatch::Job(const std::string& job_id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(job_id);
  return it == jobs_.end() ? json() : Detail(it->second);
}

json FakeBatch::Request(const std::string& job_id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(job_id);
  return it == jobs_.end() ? json() : it->second.request;
}

HttpResponse FakeBatch::Handle(const HttpRequest& request) {
  FakeBatchFaults faults;
  double roll;
  {
    std::lock_guard lock(mu_);
    faults = faults_;
    roll = std::uniform_real_distribution<double>(0, 1)(random_);
  }
  if (faults.latency_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(faults.latency_ms));
  }
  std::string path = request.target.substr(0, request.target.find('?'));
  static const std::map<std::string, std::string> kOperations = {
      {"/v1/submitjob", "SubmitJob"},
      {"/v1/describejobs", "DescribeJobs"},
      {"/v1/terminatejob", "TerminateJob"},
      {"/v1/canceljob", "CancelJob"},
      {"/v1/listjobs", "ListJobs"},
      {"/v1/describejobdefinitions", "DescribeJobDefinitions"}};
  auto operation = kOperations.find(path);
  if (request.method != "POST" || operation == kOperations.end()) {
    return AwsError(404, "UnknownOperationException", "no such operation: " + path);
  }
  std::string why;
  if (!VerifySignature(request, &why)) {
    return AwsError(403, "InvalidSignatureException", why);
  }
  if (roll < faults.drop_rate) {
    HttpResponse dropped;
    dropped.drop_connection = true;
    return dropped;
  }
  roll -= faults.drop_rate;
  if (roll < faults.throttle_rate) {
    return AwsError(429, "TooManyRequestsException", "Too Many Requests");
  }
  roll -= faults.throttle_rate;
  if (roll < faults.error_rate) return AwsError(500, "ServerException", "internal failure");

  json body = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return AwsError(400, "ClientException", "the request body is not a JSON object");
  }
  if (operation->second == "SubmitJob" && request.body.size() >= kBatchMaxSubmitBytes) {
    return AwsError(400, "ClientException",
                    "Error executing request, Exception : Job size must be less than 30 KiB, got " +
                        std::to_string((request.body.size() + 1023) / 1024) + " KiB");
  }
  HttpResponse response;
  int delay_ms = 0;
  {
    std::lock_guard lock(mu_);
    ++calls_[operation->second];
    response = Route(operation->second, body);
    if (operation->second == "SubmitJob") delay_ms = submit_delay_ms_;
  }
  if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  return response;
}

HttpResponse FakeBatch::Route(const std::string& operation, const json& body) {
  if (operation == "SubmitJob") return SubmitJob(body);
  if (operation == "DescribeJobs") return DescribeJobs(body);
  if (operation == "TerminateJob") return StopJob(body, true);
  if (operation == "CancelJob") return StopJob(body, false);
  if (operation == "DescribeJobDefinitions") return DescribeJobDefinitions(body);
  return ListJobs(body);
}

bool FakeBatch::VerifySignature(const HttpRequest& request, std::string* why) const {
  std::string authorization = request.Header("Authorization");
  static const std::regex kAuthorization(
      R"(AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64}))");
  std::smatch match;
  if (!std::regex_match(authorization, match, kAuthorization)) {
    *why = "missing or malformed Authorization header";
    return false;
  }
  if (match[1] != access_key_id_) {
    *why = "The security token included in the request is invalid.";
    return false;
  }
  SignableRequest signable;
  signable.method = request.method;
  size_t q = request.target.find('?');
  signable.path = request.target.substr(0, q);
  if (q != std::string::npos) signable.query = request.target.substr(q + 1);
  signable.body = request.body;
  std::string signed_headers = match[5];
  size_t start = 0;
  while (start <= signed_headers.size()) {
    size_t end = signed_headers.find(';', start);
    if (end == std::string::npos) end = signed_headers.size();
    std::string name = signed_headers.substr(start, end - start);
    for (const auto& [key, value] : request.headers) {
      if (strcasecmp(key.c_str(), name.c_str()) == 0) signable.headers.emplace_back(name, value);
    }
    start = end + 1;
  }
  SigningOptions options{match[3], match[4], ParseAmzDate(request.Header("X-Amz-Date"))};
  options.sign_session_token = false;  // signed as sent
  AwsCredentials credentials{access_key_id_, secret_access_key_, "", 0};
  SigningResult expected = SignRequest(signable, credentials, options);
  if (expected.signature != match[6]) {
    *why =
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method.";
    return false;
  }
  return true;
}

HttpResponse FakeBatch::SubmitJob(const json& body) {
  std::string refusal = SubmitJobRefusal(body);
  if (!refusal.empty()) return AwsError(400, "ClientException", refusal);
  std::string name = body["jobName"];
  std::string queue = body["jobQueue"];
  std::string definition = body["jobDefinition"];
  FakeJob job;
  job.id = NewUuid();
  json dependencies = body.value("dependsOn", json::array());
  for (const auto& dep : dependencies.is_array() ? dependencies : json::array()) {
    std::string id;
    if (dep.is_object() && dep.value("jobId", json()).is_string()) id = dep["jobId"];
    if (!jobs_.count(id))
      return AwsError(400, "ClientException", "Dependent job " + id + " not found");
    job.depends_on.push_back(id);
  }
  job.request = body;
  json overrides = body.value("containerOverrides", json::object());
  if (overrides.is_object() && overrides.value("environment", json()).is_array()) {
    job.environment = overrides["environment"];
  }
  job.name = name;
  job.queue = queue;
  job.definition = definition;
  job.tags = body.value("tags", json::object());
  if (job.tags.is_null()) job.tags = json::object();
  job.created_at = clock_.Now();
  std::string definition_name = definition.substr(0, definition.find(':'));
  std::string unusable;
  if (!DefinitionUsable(definition, &unusable)) return AwsError(400, "ClientException", unusable);
  // What ECS will get: our overrides plus the variables Batch adds, in RunTask's shape.
  if (!overrides.is_object()) overrides = json::object();
  json environment = job.environment;
  for (const auto& [name, value] : {std::pair<std::string, std::string>{"AWS_BATCH_JOB_ID", job.id},
                                    {"AWS_BATCH_JQ_NAME", queue},
                                    {"AWS_BATCH_CE_NAME", "fake-compute-environment"},
                                    {"AWS_BATCH_JOB_ATTEMPT", "1"}}) {
    environment.push_back({{"name", name}, {"value", value}});
  }
  overrides["name"] = "default";
  overrides["environment"] = environment;
  job.overrides_too_long =
      json{{"containerOverrides", json::array({overrides})}}.dump().size() > kEcsMaxOverridesChars;
  if (outcomes_.count(definition)) {
    job.outcome = outcomes_[definition];
  } else if (outcomes_.count(definition_name)) {
    job.outcome = outcomes_[definition_name];
  }
  jobs_[job.id] = job;
  order_.push_back(job.id);
  ++submit_counts_[name];
  return Ok({{"jobArn", "arn:aws:batch:" + region_ + ":123456789012:job/" + job.id},
             {"jobName", name},
             {"jobId", job.id}});
}

std::string FakeBatch::StatusOf(const FakeJob& job, TimestampMs* started, TimestampMs* stopped) {
  *started = *stopped = 0;
  TimestampMs now = clock_.Now();
  TimestampMs ready = job.created_at + submitted_ms_;
  if (!job.forced_status.empty()) {
    // Stopped by Terminate/Cancel; it may have been running until then.
    TimestampMs started_at = 0;
    FakeJob unforced = job;
    unforced.forced_status.clear();
    TimestampMs ignored = 0;
    std::string before = StatusOf(unforced, &started_at, &ignored);
    if (started_at != 0 && started_at <= job.forced_at) *started = started_at;
    *stopped = job.forced_at;
    (void)before;
    return job.forced_status;
  }
  if (now < ready) return "SUBMITTED";
  for (const auto& dep_id : job.depends_on) {
    TimestampMs dep_started = 0, dep_stopped = 0;
    std::string dep = StatusOf(jobs_.at(dep_id), &dep_started, &dep_stopped);
    if (dep == "FAILED") {
      *stopped = dep_stopped;
      return "FAILED";
    }
    if (dep != "SUCCEEDED") return "PENDING";
    ready = std::max(ready, dep_stopped);
  }
  if (!job.outcome.stuck_runnable_reason.empty()) return "RUNNABLE";
  TimestampMs starting = ready + runnable_ms_;
  if (job.overrides_too_long && now >= starting) {
    *stopped = starting;
    return "FAILED";
  }
  TimestampMs running = starting + starting_ms_;
  TimestampMs done = running + job.outcome.running_ms;
  if (now < starting) return "RUNNABLE";
  if (now < running) return "STARTING";
  *started = running;
  if (now < done) return "RUNNING";
  *stopped = done;
  return job.outcome.exit_code == 0 ? "SUCCEEDED" : "FAILED";
}

json FakeBatch::Detail(const FakeJob& job) {
  TimestampMs started = 0, stopped = 0;
  std::string status = StatusOf(job, &started, &stopped);
  json detail = {{"jobArn", "arn:aws:batch:" + region_ + ":123456789012:job/" + job.id},
                 {"jobName", job.name},
                 {"jobId", job.id},
                 {"jobQueue", job.queue},
                 {"status", status},
                 {"createdAt", job.created_at},
                 {"jobDefinition", job.definition},
                 {"tags", job.tags},
                 {"attempts", json::array()}};
  json depends = json::array();
  for (const auto& id : job.depends_on) depends.push_back({{"jobId", id}});
  detail["dependsOn"] = depends;
  json container = ContainerDetail(job);
  if (status == "RUNNABLE" && !job.outcome.stuck_runnable_reason.empty()) {
    detail["statusReason"] = job.outcome.stuck_runnable_reason;
  }
  if (started != 0) {
    detail["startedAt"] = started;
    container["logStreamName"] =
        job.definition.substr(0, job.definition.find(':')) + "/default/" + job.id;
    container["taskArn"] = "arn:aws:ecs:" + region_ + ":123456789012:task/fake/" + job.id;
  }
  if (stopped != 0) {
    detail["stoppedAt"] = stopped;
    if (!job.forced_status.empty()) {
      detail["statusReason"] = job.forced_reason;
      detail["isTerminated"] = true;
      if (started != 0) container["exitCode"] = 143;
    } else if (status == "FAILED" && started == 0 && job.overrides_too_long) {
      detail["statusReason"] = "Container Overrides length must be at most 8192";
    } else if (status == "FAILED" && started == 0) {
      detail["statusReason"] = "Dependent Job failed";
    } else {
      container["exitCode"] = job.outcome.exit_code;
      detail["statusReason"] = status == "SUCCEEDED" ? "Essential container in task exited"
                                                     : "Essential container in task exited";
    }
  }
  detail["container"] = container;
  EchoRequest(job, detail);
  return detail;
}

json FakeBatch::ContainerDetail(const FakeJob& job) const {
  json defined = DefinitionJson(job.definition.substr(0, job.definition.find(':')), 1, "ACTIVE");
  const json& properties = defined["containerProperties"];
  json overrides = job.request.value("containerOverrides", json::object());
  if (!overrides.is_object()) overrides = json::object();
  json parameters = defined["parameters"];
  json submitted = job.request.value("parameters", json::object());
  if (submitted.is_object()) parameters.update(submitted);
  // Batch substitutes Ref::<name> arguments of the command with the job's parameters.
  json command = json::array();
  json given = overrides.value("command", json());
  for (const auto& arg : given.is_array() ? given : properties["command"]) {
    std::string text = arg;
    if (text.rfind("Ref::", 0) == 0 && parameters.contains(text.substr(5))) {
      text = parameters[text.substr(5)];
    }
    command.push_back(text);
  }
  json requirements = overrides.value("resourceRequirements", json());
  return {{"image", properties["image"]},
          {"command", command},
          {"environment", job.environment},
          {"resourceRequirements",
           requirements.is_array() ? requirements : properties["resourceRequirements"]}};
}

void FakeBatch::EchoRequest(const FakeJob& job, json& detail) const {
  json parameters = json::object();
  json submitted = job.request.value("parameters", json::object());
  if (submitted.is_object()) parameters.update(submitted);
  detail["parameters"] = parameters;
  for (const char* member : {"retryStrategy", "timeout", "propagateTags"}) {
    if (job.request.contains(member) && !job.request[member].is_null()) {
      detail[member] = job.request[member];
    }
  }
  if (job.request.contains("schedulingPriorityOverride") &&
      !job.request["schedulingPriorityOverride"].is_null()) {
    detail["schedulingPriority"] = job.request["schedulingPriorityOverride"];
  }
  json array = job.request.value("arrayProperties", json());
  if (array.is_object() && array.value("size", json()).is_number_integer()) {
    detail["arrayProperties"] = {{"size", array["size"]}, {"statusSummary", json::object()}};
  }
}

HttpResponse FakeBatch::DescribeJobs(const json& body) {
  auto ids = body.value("jobs", json::array());
  if (!ids.is_array()) return AwsError(400, "ClientException", "jobs must be a list");
  if (ids.size() > 100) {
    return AwsError(400, "ClientException", "The list of jobs must have at most 100 elements");
  }
  max_describe_ids_ = std::max(max_describe_ids_, ids.size());
  json jobs = json::array();
  for (const auto& id : ids) {
    if (!id.is_string()) return AwsError(400, "ClientException", "jobs must be strings");
    auto it = jobs_.find(id.get<std::string>());
    if (it == jobs_.end()) continue;
    ++describe_counts_[it->first];
    jobs.push_back(Detail(it->second));
  }
  return Ok({{"jobs", jobs}});
}

HttpResponse FakeBatch::StopJob(const json& body, bool terminate) {
  std::string id = body.value("jobId", "");
  std::string reason = body.value("reason", "");
  if (reason.empty()) return AwsError(400, "ClientException", "reason is required");
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return AwsError(400, "ClientException", "Job " + id + " not found");
  (terminate ? terminated_ : cancelled_).push_back(id);
  FakeJob& job = it->second;
  TimestampMs started = 0, stopped = 0;
  std::string status = StatusOf(job, &started, &stopped);
  bool before_starting = status == "SUBMITTED" || status == "PENDING" || status == "RUNNABLE";
  if (!IsTerminalStatus(status) && (terminate || before_starting)) {
    job.forced_status = "FAILED";
    job.forced_reason = reason;
    job.forced_at = clock_.Now();
  }
  return Ok(json::object());
}

HttpResponse FakeBatch::ListJobs(const json& body) {
  std::string queue = body.value("jobQueue", "");
  if (queue.empty()) return AwsError(400, "ClientException", "jobQueue is required");
  std::string status_filter = body.value("jobStatus", "");
  std::string name_filter;
  for (const auto& filter : body.value("filters", json::array())) {
    if (filter.value("name", "") == "JOB_NAME" && !filter.value("values", json::array()).empty()) {
      name_filter = filter["values"][0].get<std::string>();
    }
  }
  if (name_filter.empty() && status_filter.empty()) status_filter = "RUNNING";
  if (!name_filter.empty()) status_filter.clear();  // filters make Batch ignore jobStatus
  int max_results = body.value("maxResults", 100);
  if (max_results < 1 || max_results > 1000) {
    return AwsError(400, "ClientException", "maxResults must be between 1 and 1000");
  }
  size_t start = 0;
  if (body.contains("nextToken")) start = std::stoul(body["nextToken"].get<std::string>());
  auto matches = [&](const FakeJob& job, const std::string& status) {
    if (job.queue != queue) return false;
    if (!status_filter.empty() && status != status_filter) return false;
    if (name_filter.empty()) return true;
    std::string lower_name = job.name, lower_filter = name_filter;
    std::transform(lower_name.begin(), lower_name.end(), lower_name.begin(), ::tolower);
    std::transform(lower_filter.begin(), lower_filter.end(), lower_filter.begin(), ::tolower);
    if (lower_filter.back() == '*') {
      return lower_name.rfind(lower_filter.substr(0, lower_filter.size() - 1), 0) == 0;
    }
    return lower_name == lower_filter;
  };
  json summaries = json::array();
  size_t index = start;
  for (; index < order_.size() && static_cast<int>(summaries.size()) < max_results; ++index) {
    const FakeJob& job = jobs_.at(order_[index]);
    json detail = Detail(job);
    if (!matches(job, detail["status"])) continue;
    json summary = {{"jobArn", detail["jobArn"]}, {"jobId", job.id},
                    {"jobName", job.name},        {"createdAt", job.created_at},
                    {"status", detail["status"]}, {"jobDefinition", job.definition}};
    for (const char* key : {"statusReason", "startedAt", "stoppedAt"}) {
      if (detail.contains(key)) summary[key] = detail[key];
    }
    summaries.push_back(summary);
  }
  json out = {{"jobSummaryList", summaries}};
  if (index < order_.size()) out["nextToken"] = std::to_string(index);
  return Ok(out);
}

bool FakeBatch::DefinitionUsable(const std::string& definition, std::string* why) const {
  std::string name = definition.substr(0, definition.find(':'));
  if (!outcomes_.empty() && !outcomes_.count(definition) && !outcomes_.count(name)) {
    *why = "Job definition " + definition + " does not exist";
    return false;
  }
  if (definitions_.empty()) return true;
  size_t colon = definition.find(':');
  for (const auto& [key, status] : definitions_) {
    if (key.first != name || status != "ACTIVE") continue;
    if (colon == std::string::npos || definition.substr(colon + 1) == std::to_string(key.second)) {
      return true;
    }
  }
  *why = "Job definition " + definition + " does not exist or is INACTIVE";
  return false;
}

json FakeBatch::DefinitionJson(const std::string& name, int revision,
                               const std::string& status) const {
  return {{"jobDefinitionName", name},
          {"jobDefinitionArn", "arn:aws:batch:" + region_ + ":123456789012:job-definition/" + name +
                                   ":" + std::to_string(revision)},
          {"revision", revision},
          {"status", status},
          {"type", "container"},
          {"parameters", json::object()},
          {"containerProperties",
           {{"image", "public.ecr.aws/docker/library/busybox:latest"},
            {"command", json::array({"echo", "hello"})},
            {"environment", json::array()},
            {"resourceRequirements", json::array({{{"type", "VCPU"}, {"value", "1"}},
                                                  {{"type", "MEMORY"}, {"value", "2048"}}})}}},
          {"tags", json::object()},
          {"propagateTags", false},
          {"platformCapabilities", json::array({"EC2"})},
          {"containerOrchestrationType", "ECS"}};
}

HttpResponse FakeBatch::DescribeJobDefinitions(const json& body) {
  if (body.contains("jobDefinitions")) {
    const json& wanted = body["jobDefinitions"];
    if (body.size() > 1) {
      return AwsError(400, "ClientException", "jobDefinitions can't be used with other parameters");
    }
    if (!wanted.is_array() || wanted.size() > 100) {
      return AwsError(400, "ClientException",
                      "jobDefinitions must be a list of at most 100 job definitions");
    }
    json found = json::array();
    static const std::regex kReference(
        R"((?:arn:aws:batch:[^:]+:\d+:job-definition/)?([A-Za-z0-9_-]{1,128}):(\d+))");
    for (const auto& entry : wanted) {
      std::smatch match;
      std::string text = entry.is_string() ? entry.get<std::string>() : "";
      if (!std::regex_match(text, match, kReference)) continue;
      auto it = definitions_.find({match[1], std::stoi(match[2])});
      if (it != definitions_.end()) {
        found.push_back(DefinitionJson(it->first.first, it->first.second, it->second));
      }
    }
    return Ok({{"jobDefinitions", found}});
  }
  for (const char* key : {"jobDefinitionName", "status", "nextToken"}) {
    if (body.contains(key) && !body[key].is_string()) {
      return AwsError(400, "ClientException", std::string(key) + " must be a string");
    }
  }
  int max_results = 100;
  if (body.contains("maxResults")) {
    if (!body["maxResults"].is_number_integer() || body["maxResults"].get<int64_t>() < 1 ||
        body["maxResults"].get<int64_t>() > 100) {
      return AwsError(400, "ClientException", "maxResults must be between 1 and 100");
    }
    max_results = body["maxResults"].get<int>();
  }
  std::string name = body.value("jobDefinitionName", "");
  std::string status = body.value("status", "");
  size_t start = 0;
  if (body.contains("nextToken")) {
    const std::string token = body["nextToken"].get<std::string>();
    if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos ||
        token.size() > 9) {
      return AwsError(400, "ClientException", "Invalid nextToken");
    }
    start = std::stoul(token);
  }
  std::vector<json> matches;
  for (const auto& [key, definition_status] : definitions_) {
    if (!name.empty() && key.first != name) continue;
    if (!status.empty() && definition_status != status) continue;
    matches.push_back(DefinitionJson(key.first, key.second, definition_status));
  }
  json page = json::array();
  size_t index = start;
  for (; index < matches.size() && static_cast<int>(page.size()) < max_results; ++index) {
    page.push_back(matches[index]);
  }
  json out = {{"jobDefinitions", page}};
  if (index < matches.size()) out["nextToken"] = std::to_string(index);
  return Ok(out);
}

}  // namespace wfm
