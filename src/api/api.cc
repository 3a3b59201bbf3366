#include "api/api.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "model/json.h"
#include "model/requests.h"

namespace wfm {
namespace {

using nlohmann::json;

constexpr auto kCancelWait = std::chrono::seconds(5);
constexpr int kDefaultPageSize = 1000;

HttpResponse Json(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

Error NotFound(std::string message) { return Error{ErrorCode::kNotFound, std::move(message)}; }
Error Invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

HttpResponse MethodNotAllowed(const std::string& allowed) {
  HttpResponse response = Json(405, {{"message", "method not allowed; use " + allowed}});
  response.headers["Allow"] = allowed;
  return response;
}

// Decodes %XX and '+' (in queries). Returns false for a malformed escape.
bool UrlDecode(const std::string& in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size() || !isxdigit(in[i + 1]) || !isxdigit(in[i + 2])) return false;
      out->push_back(static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (in[i] == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(in[i]);
    }
  }
  return true;
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (!parts.empty() && parts.back().empty()) parts.pop_back();  // a trailing slash
  return parts;
}

bool ParseRevision(const std::string& text, int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  *out = std::stoll(text);
  return true;
}

}  // namespace

int HttpStatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
      return 409;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse ErrorResponse(const Error& error) {
  return Json(HttpStatusOf(error.code), {{"message", error.message}});
}

Api::Api(Store& store, Engine& engine, Clock& clock, LogReader log_reader, std::string openapi_yaml)
    : store_(store),
      engine_(engine),
      clock_(clock),
      log_reader_(std::move(log_reader)),
      openapi_yaml_(std::move(openapi_yaml)) {}

HttpResponse Api::Handle(const HttpRequest& request) {
  try {
    HttpResponse response = Route(request);
    if (response.status >= 500) {
      spdlog::error("{} {} -> {}: {}", request.method, request.target, response.status,
                    response.body);
    }
    return response;
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", request.method, request.target, e.what());
    return ErrorResponse(Error{ErrorCode::kInternal, "internal error"});
  }
}

HttpResponse Api::Route(const HttpRequest& request) {
  std::string raw_path = request.target.substr(0, request.target.find('?'));
  std::map<std::string, std::string> query;
  if (size_t q = request.target.find('?'); q != std::string::npos) {
    std::string rest = request.target.substr(q + 1);
    size_t start = 0;
    while (start < rest.size()) {
      size_t end = rest.find('&', start);
      if (end == std::string::npos) end = rest.size();
      std::string pair = rest.substr(start, end - start);
      size_t eq = pair.find('=');
      std::string key, value;
      if (!UrlDecode(pair.substr(0, eq), true, &key) ||
          !UrlDecode(eq == std::string::npos ? "" : pair.substr(eq + 1), true, &value)) {
        return ErrorResponse(Invalid("malformed query string"));
      }
      query[key] = value;
      start = end + 1;
    }
  }
  if (raw_path.empty() || raw_path[0] != '/') return ErrorResponse(Invalid("malformed path"));
  std::vector<std::string> parts;
  for (const auto& raw : SplitPath(raw_path)) {
    std::string decoded;
    if (!UrlDecode(raw, false, &decoded)) return ErrorResponse(Invalid("malformed path"));
    parts.push_back(decoded);
  }
  const std::string& m = request.method;
  size_t n = parts.size();

  if (n == 1 && parts[0] == "_health") return m == "GET" ? Health() : MethodNotAllowed("GET");
  if (n == 1 && parts[0] == "openapi.yaml") {
    if (m != "GET") return MethodNotAllowed("GET");
    HttpResponse response;
    response.content_type = "application/yaml";
    response.body = openapi_yaml_;
    return response;
  }
  if (n >= 1 && parts[0] == "workflows") {
    if (n == 1) {
      if (m == "POST") return CreateWorkflow(request.body);
      if (m == "GET") return ListWorkflows();
      return MethodNotAllowed("GET, POST");
    }
    if (n == 2) {
      if (m == "GET") return GetWorkflow(parts[1], "");
      if (m == "PUT") return UpdateWorkflow(parts[1], request.body);
      return MethodNotAllowed("GET, PUT");
    }
    if (n == 3) return m == "GET" ? GetWorkflow(parts[1], parts[2]) : MethodNotAllowed("GET");
  }
  if (n >= 1 && parts[0] == "jobs") {
    if (n == 1) {
      if (m == "POST") return StartJob(request.body);
      if (m == "GET") return ListJobs(query);
      return MethodNotAllowed("GET, POST");
    }
    if (n == 2) {
      if (m == "GET") return GetJob(parts[1]);
      if (m == "DELETE") return CancelJob(parts[1], request.body);
      return MethodNotAllowed("GET, DELETE");
    }
    if (n == 5 && parts[2] == "tasks" && parts[4] == "log") {
      return m == "GET" ? GetTaskLog(parts[1], parts[3]) : MethodNotAllowed("GET");
    }
  }
  return ErrorResponse(NotFound("no such path: " + raw_path));
}

HttpResponse Api::Health() {
  bool leader = engine_.IsLeader();
  auto ping = store_.Ping();
  if (!ping.ok()) {
    return Json(503,
                {{"status", "unavailable"}, {"message", ping.error().message}, {"leader", leader}});
  }
  return Json(200, {{"status", "ok"}, {"leader", leader}});
}

HttpResponse Api::CreateWorkflow(const std::string& body) { return StoreWorkflow(body, ""); }

HttpResponse Api::UpdateWorkflow(const std::string& name, const std::string& body) {
  return StoreWorkflow(body, name);
}

HttpResponse Api::StoreWorkflow(const std::string& body, const std::string& path_name) {
  auto workflow = ParseWorkflowDefinition(body);
  if (!workflow.ok()) return ErrorResponse(workflow.error());
  if (!path_name.empty() && workflow->name != path_name) {
    return ErrorResponse(Invalid("name '" + workflow->name + "' in the body differs from '" +
                                 path_name + "' in the path"));
  }
  workflow->id = NewUuid();
  workflow->created_at = clock_.Now();
  auto stored = path_name.empty() ? store_.CreateWorkflow(workflow.value())
                                  : store_.AddWorkflowRevision(workflow.value());
  if (!stored.ok()) return ErrorResponse(stored.error());
  return Json(201, WorkflowToJson(stored.value()));
}

HttpResponse Api::GetWorkflow(const std::string& name, const std::string& revision_text) {
  int64_t revision = -1;
  if (!revision_text.empty() && !ParseRevision(revision_text, &revision)) {
    return ErrorResponse(
        Invalid("revision '" + revision_text + "' must be a non-negative integer"));
  }
  auto workflow = store_.GetWorkflow(name, revision);
  if (!workflow.ok()) return ErrorResponse(workflow.error());
  return Json(200, WorkflowToJson(workflow.value()));
}

HttpResponse Api::ListWorkflows() {
  auto workflows = store_.ListWorkflows();
  if (!workflows.ok()) return ErrorResponse(workflows.error());
  json out = json::array();
  for (const auto& w : workflows.value()) out.push_back(WorkflowToJson(w));
  return Json(200, out);
}

HttpResponse Api::StartJob(const std::string& body) {
  auto request = ParseStartJobRequest(body);
  if (!request.ok()) return ErrorResponse(request.error());
  auto workflow = store_.GetWorkflow(request->workflow_name, request->revision);
  if (!workflow.ok()) return ErrorResponse(workflow.error());
  auto job = engine_.StartJob(workflow.value(), request->data_json);
  if (!job.ok()) return ErrorResponse(job.error());
  return Json(200, JobToJson(job.value(), JsonForm::kApi));
}

HttpResponse Api::ListJobs(const std::map<std::string, std::string>& query) {
  auto name = query.find("workflowName");
  if (name == query.end() || name->second.empty()) {
    return ErrorResponse(Invalid("query parameter 'workflowName' is required"));
  }
  int limit = kDefaultPageSize;
  if (auto l = query.find("limit"); l != query.end()) {
    int64_t parsed = 0;
    if (!ParseRevision(l->second, &parsed) || parsed < 1 || parsed > kDefaultPageSize) {
      return ErrorResponse(Invalid("'limit' must be an integer from 1 to 1000"));
    }
    limit = static_cast<int>(parsed);
  }
  auto workflow = store_.GetWorkflow(name->second, -1);
  if (!workflow.ok()) return ErrorResponse(workflow.error());
  auto token = query.find("pageToken");
  auto page = store_.ListJobs(name->second, token == query.end() ? "" : token->second, limit);
  if (!page.ok()) return ErrorResponse(page.error());
  json out = json::array();
  for (const auto& job : page->jobs) out.push_back(JobToJson(job, JsonForm::kApi));
  HttpResponse response = Json(200, out);
  if (!page->next_page_token.empty()) response.headers["X-Next-Page-Token"] = page->next_page_token;
  return response;
}

HttpResponse Api::GetJob(const std::string& id) {
  auto job = store_.GetJob(id);
  if (!job.ok()) return ErrorResponse(job.error());
  return Json(200, JobToJson(job.value(), JsonForm::kApi));
}

HttpResponse Api::CancelJob(const std::string& id, const std::string& body) {
  auto reason = ParseCancelReason(body);
  if (!reason.ok()) return ErrorResponse(reason.error());
  auto cancelled = engine_.CancelJob(id, reason.value(), kCancelWait);
  if (!cancelled.ok()) return ErrorResponse(cancelled.error());
  return GetJob(id);
}

HttpResponse Api::GetTaskLog(const std::string& job_id, const std::string& state) {
  auto job = store_.GetJob(job_id);
  if (!job.ok()) return ErrorResponse(job.error());
  const Task* task = job->FindTask(state);
  if (task == nullptr)
    return ErrorResponse(NotFound("job '" + job_id + "' has no state '" + state + "'"));
  if (task->id.empty()) {
    return ErrorResponse(NotFound("task '" + state + "' has not been submitted yet"));
  }
  if (!log_reader_) return ErrorResponse(NotFound("this executor keeps no task logs"));
  auto log = log_reader_(task->id);
  if (!log.ok()) return ErrorResponse(log.error());
  HttpResponse response;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(log.value());
  return response;
}

}  // namespace wfm
