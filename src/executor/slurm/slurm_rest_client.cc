#include "executor/slurm/slurm_rest_client.h"

#include <algorithm>
#include <set>

#include "executor/slurm/slurm_job_json.h"

namespace wfm {
namespace {

// Slurm's messages for a job it does not know and for one that already ended (v0.0.36 gives them
// without their numbers).
constexpr char kInvalidJobId[] = "Invalid job id specified";
constexpr char kAlreadyDone[] = "already completing or completed";

// True when Slurm's errors mean the request did not get through to a controller that judged it:
// by their numbers (slurm_errno.h: unspecified, which is what a refused token gives; protocol,
// authentication and communication errors) or, for v0.0.36, which numbers them 0, their messages.
bool MeansNotThrough(const std::vector<int>& numbers, const std::string& messages) {
  bool by_number = std::any_of(numbers.begin(), numbers.end(), [](int number) {
    return number == -1 || (number >= 1000 && number < 1100) ||
           (number >= 1800 && number < 1900) || (number >= 5000 && number < 7000);
  });
  static const char* kPhrases[] = {"Unspecified error", "Zero Bytes were transmitted",
                                   "Unable to contact slurm controller", "authentication",
                                   "Socket timed out"};
  return by_number || std::any_of(std::begin(kPhrases), std::end(kPhrases), [&](const char* p) {
           return messages.find(p) != std::string::npos;
         });
}

// The error numbers of an answer's "errors" array (v0.0.38 names the member "error_number" in
// some answers and "error_code" in others).
std::vector<int> ErrorNumbers(const nlohmann::json& answer) {
  std::vector<int> numbers;
  auto errors = answer.find("errors");
  if (errors == answer.end() || !errors->is_array()) return numbers;
  for (const auto& error : *errors) {
    if (!error.is_object()) continue;
    for (const char* member : {"error_number", "error_code"}) {
      auto it = error.find(member);
      if (it != error.end() && it->is_number_integer()) numbers.push_back(it->get<int>());
    }
  }
  return numbers;
}

// True when every error of the answer's "errors" array has one of `phrases` in its "error".
bool AllErrorsSay(const nlohmann::json& answer, const std::vector<std::string>& phrases) {
  auto errors = answer.is_object() ? answer.find("errors") : answer.end();
  if (phrases.empty() || errors == answer.end() || !errors->is_array() || errors->empty()) {
    return false;
  }
  return std::all_of(errors->begin(), errors->end(), [&](const auto& error) {
    auto text = error.is_object() ? error.find("error") : error.end();
    if (text == error.end() || !text->is_string()) return false;
    return std::any_of(phrases.begin(), phrases.end(), [&](const std::string& phrase) {
      return text->template get<std::string>().find(phrase) != std::string::npos;
    });
  });
}

bool IsJobId(const std::string& id) {
  return !id.empty() && id.size() <= 10 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

nlohmann::json JobProperties(const SlurmJobRequest& request) {
  nlohmann::json environment = nlohmann::json::object();
  for (const auto& [name, value] : request.environment) environment[name] = value;
  if (environment.empty()) environment["SLURM_JOB_NAME"] = request.name;
  nlohmann::json job = {{"name", request.name},
                        {"current_working_directory", request.working_directory},
                        {"environment", std::move(environment)}};
  std::string output = SlurmOutputPattern(request.output_path);
  job["standard_output"] = output;
  job["standard_error"] = output;
  if (!request.partition.empty()) job["partition"] = request.partition;
  if (request.cpus_per_task > 0) job["cpus_per_task"] = request.cpus_per_task;
  if (request.memory_mib > 0) job["memory_per_node"] = request.memory_mib;
  if (request.time_limit_minutes > 0) job["time_limit"] = request.time_limit_minutes;
  if (!request.account.empty()) job["account"] = request.account;
  if (!request.qos.empty()) job["qos"] = request.qos;
  return job;
}

}  // namespace

SlurmRestClient::SlurmRestClient(HttpClient& http, SlurmRestOptions options)
    : http_(http), options_(std::move(options)), token_(options_.token) {}

void SlurmRestClient::SetToken(std::string token) {
  std::lock_guard lock(token_mu_);
  token_ = std::move(token);
}

std::vector<std::pair<std::string, std::string>> SlurmRestClient::AuthenticationHeaders() const {
  std::lock_guard lock(token_mu_);
  return {{"X-SLURM-USER-NAME", options_.user_name}, {"X-SLURM-USER-TOKEN", token_}};
}

Result<nlohmann::json> SlurmRestClient::Call(const std::string& method, const std::string& path,
                                             const std::string& body, ErrorCode refusal_code,
                                             const std::vector<std::string>& accepted_errors) {
  HttpCall call;
  call.method = method;
  call.url = options_.url + "/slurm/" + options_.api_version + "/" + path;
  call.body = body;
  call.timeout_ms = options_.timeout_ms;
  call.headers = AuthenticationHeaders();
  if (!body.empty()) call.headers.emplace_back("Content-Type", "application/json");
  std::string where = "slurmrestd at " + options_.url;
  auto reply = http_.Send(call);
  if (!reply.ok()) return Error{ErrorCode::kUnavailable, where + ": " + reply.error().message};
  if (reply->status == 401 || reply->status == 403) {
    return Error{ErrorCode::kUnavailable, where + " refused the token of user " +
                                              options_.user_name + " (HTTP " +
                                              std::to_string(reply->status) + "): renew it"};
  }
  if (reply->status == 404) return VersionNotOffered();
  auto answer = ParseSlurmAnswer(reply->body, where + "'s answer (HTTP " +
                                                  std::to_string(reply->status) + ")");
  if (!answer.ok()) return answer.error();
  std::string errors = SlurmErrorMessages(*answer);
  if (errors.empty() && reply->status / 100 == 2) return answer;
  if (errors.empty()) errors = "HTTP " + std::to_string(reply->status);
  if (AllErrorsSay(*answer, accepted_errors)) return answer;
  auto numbers = ErrorNumbers(*answer);
  if (MeansNotThrough(numbers, errors)) {
    return Error{ErrorCode::kUnavailable,
                 where + ": Slurm refused the token of user " + options_.user_name +
                     " (invalid or expired: renew it) or its controller is unreachable: " + errors};
  }
  if (numbers.empty()) return Error{ErrorCode::kUnavailable, where + ": " + errors};
  return Error{refusal_code, where + ": " + errors};
}

Error SlurmRestClient::VersionNotOffered() {
  std::string offered;
  HttpCall call;
  call.url = options_.url + "/openapi/v3";
  call.headers = AuthenticationHeaders();
  call.timeout_ms = options_.timeout_ms;
  auto reply = http_.Send(call);
  if (reply.ok() && reply->status == 200) {
    auto document = nlohmann::json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
    std::set<std::string> versions;
    if (document.is_object() && document.contains("paths") && document["paths"].is_object()) {
      for (const auto& [path, unused] : document["paths"].items()) {
        if (path.rfind("/slurm/", 0) != 0) continue;
        versions.insert(path.substr(7, path.find('/', 7) - 7));
      }
    }
    for (const auto& version : versions) offered += (offered.empty() ? "" : ", ") + version;
  }
  if (offered.empty()) offered = "none it would list";
  return Error{ErrorCode::kUnavailable,
               "slurmrestd at " + options_.url + " does not offer the Slurm API " +
                   options_.api_version + " (it offers: " + offered +
                   "); this client speaks v0.0.38, v0.0.37 and v0.0.36"};
}

Result<std::string> SlurmRestClient::Submit(const SlurmJobRequest& request) {
  nlohmann::json body = {{"job", JobProperties(request)}, {"script", request.script}};
  // A string that is not UTF-8 can't be sent as JSON; replaced, the job would get other bytes.
  std::string text;
  try {
    text = body.dump();
  } catch (const nlohmann::json::exception&) {
    return Error{ErrorCode::kInvalidArgument,
                 "the job's environment, script or fields are not UTF-8, which slurmrestd needs"};
  }
  auto answer = Call("POST", "job/submit", text, ErrorCode::kInvalidArgument);
  if (!answer.ok()) return answer.error();
  auto id = answer->find("job_id");
  if (id == answer->end() || !id->is_number_unsigned() || id->get<uint64_t>() == 0) {
    return Error{ErrorCode::kUnavailable,
                 "slurmrestd at " + options_.url + " gave no job id: " + answer->dump()};
  }
  return std::to_string(id->get<uint64_t>());
}

Result<std::vector<SlurmJob>> SlurmRestClient::ListJobs() {
  auto answer = Call("GET", "jobs", "", ErrorCode::kUnavailable);
  if (!answer.ok()) return answer.error();
  return ParseSlurmJobList(*answer);
}

Result<std::vector<SlurmJob>> SlurmRestClient::Describe(const std::vector<std::string>& ids) {
  std::set<std::string> wanted;
  for (const auto& id : ids) {
    if (IsJobId(id)) wanted.insert(id);
  }
  if (wanted.empty()) return std::vector<SlurmJob>{};
  auto jobs = ListJobs();
  if (!jobs.ok()) return jobs.error();
  std::erase_if(*jobs, [&](const SlurmJob& job) { return wanted.count(job.id) == 0; });
  return jobs;
}

Result<std::vector<SlurmJob>> SlurmRestClient::FindByName(const std::string& name) {
  auto jobs = ListJobs();
  if (!jobs.ok()) return jobs.error();
  std::erase_if(*jobs, [&](const SlurmJob& job) { return job.name != name; });
  return jobs;
}

Status SlurmRestClient::Cancel(const std::string& id) {
  if (!IsJobId(id)) return OkStatus();  // no such job can exist
  auto answer = Call("DELETE", "job/" + id, "", ErrorCode::kUnavailable,
                     {kInvalidJobId, kAlreadyDone});
  if (answer.ok()) return OkStatus();
  return answer.error();
}

std::string SlurmRestClient::Description() const {
  return "slurmrestd at " + options_.url + " (" + options_.api_version + ")";
}

}  // namespace wfm
