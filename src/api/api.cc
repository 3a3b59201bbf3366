#include "api/api.h"

#include "core/logging.h"
#include "core/service_metrics.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <set>

#include "core/ids.h"
#include "core/logging.h"
#include "engine/execution_view.h"
#include "model/json.h"
#include "model/requests.h"

namespace wfm {
namespace {

using nlohmann::json;

constexpr int kDefaultPageSize = 1000;
// Jobs read from the store at a time while a listing is built (bounds the memory it takes).
constexpr int kListChunk = 20;

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

// The path segment that follows `prefix` at the start of `target` (as sent, not decoded), or "".
std::string SegmentAfter(const std::string& target, const std::string& prefix) {
  if (target.rfind(prefix, 0) != 0) return "";
  return target.substr(prefix.size(), target.find_first_of("/?", prefix.size()) - prefix.size());
}

// 301 to `location` (a path of this service).
HttpResponse Redirect(const std::string& location) {
  HttpResponse response = Json(301, {{"message", "moved to " + location}});
  response.headers["Location"] = location;
  return response;
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

// The route of a request as metrics name it: the path with its variable parts as {name}
// (/jobs/{id}), sfn:<Operation> for the Step Functions face, "other" for unknown paths. Bounded:
// a client can't make up new names.
std::string RouteOf(const HttpRequest& request) {
  if (sfn::SfnApi::Accepts(request)) {
    std::string target = request.Header("X-Amz-Target");
    size_t dot = target.rfind('.');
    std::string operation = target.substr(dot == std::string::npos ? 0 : dot + 1);
    bool known = !operation.empty() && operation.size() <= 64 &&
                 std::all_of(operation.begin(), operation.end(), ::isalpha);
    return known ? "sfn:" + operation : "sfn:other";
  }
  std::vector<std::string> parts = SplitPath(request.target.substr(0, request.target.find('?')));
  size_t n = parts.size();
  if (n == 0) return "/";
  const std::string& first = parts[0];
  if (first == "ui") return "/ui/*";
  if (n == 1 && (first == "_health" || first == "openapi.yaml" || first == "workflows" ||
                 first == "jobs" || first == "events" || first == "metrics" ||
                 first == "job-definitions")) {
    return "/" + first;
  }
  if (first == "workflows" && n == 2) return "/workflows/{name}";
  if (first == "workflows" && n == 3) {
    return parts[2] == "revisions" ? "/workflows/{name}/revisions" : "/workflows/{name}/{revision}";
  }
  if (first == "jobs" && n == 2) return "/jobs/{id}";
  if (first == "jobs" && n == 5) return "/jobs/{id}/tasks/{state}/log";
  if (first == "executions" && n == 2) return "/executions/{arn}";
  return "other";
}

// The filter of GET /jobs from its query: workflowName, status, since, until (all optional).
// Errors: kInvalidArgument naming the bad parameter.
Result<JobFilter> JobFilterOf(const std::map<std::string, std::string>& query) {
  JobFilter filter;
  if (auto name = query.find("workflowName"); name != query.end()) {
    filter.workflow_name = name->second;
  }
  if (auto status = query.find("status"); status != query.end()) {
    JobStatus parsed;
    if (!ParseJobStatus(status->second, &parsed)) {
      return Invalid("'status' must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED");
    }
    filter.status = parsed;
  }
  for (auto [key, bound] : {std::pair{"since", &filter.since}, std::pair{"until", &filter.until}}) {
    auto value = query.find(key);
    if (value == query.end()) continue;
    if (!ParseTimestamp(value->second, bound) || *bound <= 0) {
      return Invalid(std::string("'") + key +
                     "' must be a time in RFC 3339 form, e.g. 2026-01-31T09:00:00Z");
    }
  }
  if (filter.until != 0 && filter.until <= filter.since) {
    return Invalid("'until' must be later than 'since'");
  }
  return filter;
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
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kUnimplemented:
      return 501;
  }
  return 500;
}

HttpResponse ErrorResponse(const Error& error) {
  return Json(HttpStatusOf(error.code), {{"message", error.message}});
}

Api::Api(Store& store, JobService& jobs, Clock& clock, LogReader log_reader, std::string openapi_yaml,
         ApiOptions options)
    : store_(store),
      jobs_(jobs),
      clock_(clock),
      log_reader_(std::move(log_reader)),
      openapi_yaml_(std::move(openapi_yaml)),
      options_(std::move(options)),
      sfn_(std::make_unique<sfn::SfnApi>(
          store, clock,
          sfn::SfnOptions{options_.region, options_.account_id, options_.executions})),
      writers_(std::make_unique<boost::asio::thread_pool>(std::max(1, options_.write_threads))),
      events_(std::make_unique<EventHub>(options_.events)) {}

Api::~Api() { writers_->join(); }

HttpResponse Api::Handle(const HttpRequest& request) {
  auto answer = std::make_shared<std::promise<HttpResponse>>();
  auto answered = answer->get_future();
  HandleAsync(request, [answer](HttpResponse response) { answer->set_value(std::move(response)); });
  return answered.get();
}

void Api::HandleAsync(const HttpRequest& request, HttpResponder respond) {
  if (options_.metrics != nullptr) respond = Counted(request, std::move(respond));
  if (request.method == "GET") {
    Answer(request, respond);
    return;
  }
  if (queued_writes_.fetch_add(1) >= options_.max_queued_writes) {
    --queued_writes_;
    respond(ErrorResponse(Error{ErrorCode::kUnavailable, "too many writes waiting; retry later"}));
    return;
  }
  boost::asio::post(*writers_, [this, request, respond = std::move(respond)] {
    --queued_writes_;
    Answer(request, respond);
  });
}

HttpResponder Api::Counted(const HttpRequest& request, HttpResponder respond) {
  return [metrics = options_.metrics, route = RouteOf(request), method = request.method,
          start = std::chrono::steady_clock::now(),
          respond = std::move(respond)](HttpResponse response) {
    metrics->Add(metric::kHttpRequests,
                 {{"route", route}, {"method", method}, {"status", std::to_string(response.status)}});
    metrics->Observe(
        metric::kHttpSeconds, {{"route", route}, {"method", method}},
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    respond(std::move(response));
  };
}

void Api::Answer(const HttpRequest& request, const HttpResponder& respond) {
  LogFields fields{{"request_id", request.Header("X-Request-Id")},
                   {"job_id", SegmentAfter(request.target, "/jobs/")},
                   {"workflow", SegmentAfter(request.target, "/workflows/")}};
  try {
    std::optional<HttpResponse> response = Route(request, respond);
    if (!response) return;  // answered later through `respond`
    if (response->status >= 500) {
      spdlog::error("{} {} -> {}: {}", request.method, request.target, response->status,
                    response->body);
    }
    respond(std::move(*response));
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", request.method, request.target, e.what());
    respond(ErrorResponse(Error{ErrorCode::kInternal, "internal error"}));
  }
}

std::optional<HttpResponse> Api::Route(const HttpRequest& request, const HttpResponder& respond) {
  if (sfn::SfnApi::Accepts(request)) {
    sfn_->Handle(request, respond);
    return std::nullopt;
  }
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
  if (n == 1 && parts[0] == "metrics" && options_.metrics != nullptr) {
    if (m != "GET") return MethodNotAllowed("GET");
    HttpResponse response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = options_.metrics->Render();
    return response;
  }
  if (n == 1 && parts[0] == "job-definitions") {
    return m == "GET" ? ListJobDefinitions() : MethodNotAllowed("GET");
  }
  if (n == 1 && parts[0] == "events") {
    return m == "GET" ? Events(request, query) : MethodNotAllowed("GET");
  }
  if (n >= 1 && parts[0] == "ui") {
    if (m != "GET") return MethodNotAllowed("GET");
    if (raw_path == "/ui") return Redirect("/ui/");
    std::vector<std::string> file(parts.begin() + 1, parts.end());
    if (options_.ui) {
      if (auto found = options_.ui->Find(file)) return std::move(*found);
    }
    return ErrorResponse(NotFound("no such path: " + raw_path));
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
    if (n == 3 && parts[2] == "revisions") {
      return m == "GET" ? ListWorkflowRevisions(parts[1]) : MethodNotAllowed("GET");
    }
    if (n == 3) return m == "GET" ? GetWorkflow(parts[1], parts[2]) : MethodNotAllowed("GET");
  }
  if (n == 2 && parts[0] == "executions") {
    return m == "GET" ? GetExecution(parts[1]) : MethodNotAllowed("GET");
  }
  if (n >= 1 && parts[0] == "jobs") {
    if (n == 1) {
      if (m == "POST") return StartJob(request.body);
      if (m == "GET") return ListJobs(query);
      return MethodNotAllowed("GET, POST");
    }
    if (n == 2) {
      if (m == "GET") return GetJob(parts[1]);
      if (m == "DELETE") {
        return CancelJob(parts[1], request.body);
      }
      return MethodNotAllowed("GET, DELETE");
    }
    if (n == 5 && parts[2] == "tasks" && parts[4] == "log") {
      return m == "GET" ? GetTaskLog(parts[1], parts[3]) : MethodNotAllowed("GET");
    }
  }
  return ErrorResponse(NotFound("no such path: " + raw_path));
}

HttpResponse Api::Health() {
  bool leader = jobs_.IsLeader();
  Status executor = options_.executor_health ? options_.executor_health() : OkStatus();
  Status ping = store_.Ping();
  const Status& problem = !ping.ok() ? ping : executor;  // the store's first
  // The same keys in every answer: a message is null when there is nothing wrong.
  auto status_of = [](const Status& status) { return status.ok() ? "ok" : "unavailable"; };
  auto message_of = [](const Status& status) {
    return status.ok() ? json() : json(status.error().message);
  };
  json out = {{"status", status_of(problem)},
              {"message", message_of(problem)},
              {"leader", leader},
              {"executor", {{"status", status_of(executor)}, {"message", message_of(executor)}}}};
  return Json(problem.ok() ? 200 : 503, out);
}

HttpResponse Api::CreateWorkflow(const std::string& body) { return StoreWorkflow(body, ""); }

HttpResponse Api::UpdateWorkflow(const std::string& name, const std::string& body) {
  return StoreWorkflow(body, name);
}

HttpResponse Api::StoreWorkflow(const std::string& body, const std::string& path_name) {
  auto workflow = ParseWorkflowDefinition(body, options_.limits);
  if (!workflow.ok()) return ErrorResponse(workflow.error());
  if (options_.check_resource) {
    std::set<std::string> checked;
    for (const State& state : workflow->states) {
      if (!checked.insert(state.resource).second) continue;
      auto known = options_.check_resource(state.resource);
      if (!known.ok()) {
        return ErrorResponse(
            Error{known.error().code, "state '" + state.name + "': " + known.error().message});
      }
    }
  }
  if (!path_name.empty() && workflow->name != path_name) {
    return ErrorResponse(Invalid("name '" + workflow->name + "' in the body differs from '" +
                                 path_name + "' in the path"));
  }
  workflow->id = NewUuid();
  workflow->created_at = clock_.Now();
  auto stored = path_name.empty() ? store_.CreateWorkflow(workflow.value())
                                  : store_.AddWorkflowRevision(workflow.value());
  if (!stored.ok()) return ErrorResponse(stored.error());
  HttpResponse response = Json(201, WorkflowToJson(stored.value()));
  // Names are of letters, digits, '-', '_' and '.' (IsValidWorkflowName): nothing to escape.
  response.headers["Location"] =
      "/workflows/" + stored->name + "/" + std::to_string(stored->revision);
  return response;
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

HttpResponse Api::ListWorkflowRevisions(const std::string& name) {
  auto revisions = store_.ListWorkflowRevisions(name);
  if (!revisions.ok()) return ErrorResponse(revisions.error());
  json out = json::array();
  for (const auto& w : revisions.value()) out.push_back(WorkflowToJson(w));
  return Json(200, out);
}

HttpResponse Api::StartJob(const std::string& body) {
  auto request = ParseStartJobRequest(body, options_.limits);
  if (!request.ok()) return ErrorResponse(request.error());
  auto workflow = store_.GetWorkflow(request->workflow_name, request->revision);
  if (!workflow.ok()) return ErrorResponse(workflow.error());
  auto job = jobs_.StartJob(workflow.value(), request->data_json);
  if (!job.ok()) return ErrorResponse(job.error());
  if (options_.metrics != nullptr) {
    options_.metrics->Add(metric::kJobsStarted, {{"workflow", job->workflow.name}});
  }
  HttpResponse response = Json(200, JobToJson(job.value(), JsonForm::kApi));
  response.headers["Location"] = "/jobs/" + job->id;
  return response;
}

HttpResponse Api::ListJobs(const std::map<std::string, std::string>& query) {
  int limit = kDefaultPageSize;
  if (auto l = query.find("limit"); l != query.end()) {
    int64_t parsed = 0;
    if (!ParseRevision(l->second, &parsed) || parsed < 1 || parsed > kDefaultPageSize) {
      return ErrorResponse(Invalid("'limit' must be an integer from 1 to 1000"));
    }
    limit = static_cast<int>(parsed);
  }
  auto filter = JobFilterOf(query);
  if (!filter.ok()) return ErrorResponse(filter.error());
  if (!filter->workflow_name.empty()) {
    auto workflow = store_.GetWorkflow(filter->workflow_name, -1);
    if (!workflow.ok()) return ErrorResponse(workflow.error());
  }
  auto token = query.find("pageToken");
  std::string next_token = token == query.end() ? "" : token->second;
  // Jobs are read a few at a time and the page ends early once the body reaches
  // max_list_bytes, so a listing of large jobs takes bounded memory.
  HttpResponse response;
  response.body = "[";
  int listed = 0;
  while (listed < limit) {
    auto chunk = store_.ListJobs(filter.value(), next_token, std::min(kListChunk, limit - listed));
    if (!chunk.ok()) return ErrorResponse(chunk.error());
    next_token = chunk->next_page_token;
    size_t taken = 0;
    for (const auto& job : chunk->jobs) {
      std::string text =
          JobToJson(job, JsonForm::kApi).dump(-1, ' ', false, json::error_handler_t::replace);
      if (listed > 0 && response.body.size() + text.size() + 2 > options_.max_list_bytes) break;
      response.body += (listed > 0 ? "," : "") + text;
      ++listed;
      ++taken;
    }
    if (taken < chunk->jobs.size()) {  // full: the next page starts after the last job listed
      chunk->jobs.resize(taken);
      CloseIfFull(chunk.value(), static_cast<int>(taken));
      next_token = chunk->next_page_token;
      break;
    }
    if (next_token.empty()) break;
  }
  response.body += "]";
  if (!next_token.empty() && listed > 0) response.headers["X-Next-Page-Token"] = next_token;
  return response;
}

HttpResponse Api::GetJob(const std::string& id) {
  if (auto kept = finished_jobs_.Find(id)) {
    HttpResponse response;
    response.body = *kept;
    return response;
  }
  auto job = store_.GetJob(id);
  if (!job.ok()) return ErrorResponse(job.error());
  HttpResponse response = Json(200, JobToJson(job.value(), JsonForm::kApi));
  if (FinishedJobCache::IsFinal(job.value())) finished_jobs_.Add(id, response.body);
  return response;
}

HttpResponse Api::ListJobDefinitions() {
  if (!options_.job_definitions) {
    return ErrorResponse(Error{ErrorCode::kUnimplemented, "no executor to list job definitions"});
  }
  auto definitions = options_.job_definitions();
  if (!definitions.ok()) return ErrorResponse(definitions.error());
  return Json(200, {{"jobDefinitions", definitions.value()}});
}

HttpResponse Api::Events(const HttpRequest& request,
                         const std::map<std::string, std::string>& query) {
  auto job = query.find("job");
  auto execution = query.find("execution");
  if (job != query.end() && execution != query.end()) {
    return ErrorResponse(
        Invalid("give one of the query parameters 'job' and 'execution', not both"));
  }
  if (execution != query.end()) {
    return ExecutionEventStream(execution->second, request.Header("Last-Event-ID"));
  }
  if (job == query.end()) {
    return ErrorResponse(Invalid("give one of the query parameters 'job' and 'execution'"));
  }
  if (job->second.empty()) return ErrorResponse(Invalid("query parameter 'job' is empty"));
  if (auto found = store_.GetJob(job->second); !found.ok()) return ErrorResponse(found.error());
  return EventStream(job_events_, job->second, StreamPosition{});
}

HttpResponse Api::ExecutionEventStream(const std::string& arn, const std::string& last_event_id) {
  if (arn.empty()) return ErrorResponse(Invalid("query parameter 'execution' is empty"));
  int64_t after = 0;
  if (!last_event_id.empty() && !ParseRevision(last_event_id, &after)) {
    return ErrorResponse(
        Invalid("header Last-Event-ID must be the id of a history event (an integer, 0 or more)"));
  }
  auto record = store_.GetRecord(kRecordExecution, arn);
  if (!record.ok()) return ErrorResponse(record.error());
  return EventStream(execution_events_, arn, StreamPosition{after, false});
}

HttpResponse Api::EventStream(EventSource& source, const std::string& key, StreamPosition from) {
  if (auto room = events_->CheckRoom(); !room.ok()) return ErrorResponse(room.error());
  HttpResponse response;
  response.content_type = "text/event-stream";
  response.headers["Cache-Control"] = "no-cache";
  response.stream = [events = events_.get(), &source, key,
                     from](std::shared_ptr<ResponseStream> stream) {
    events->Subscribe(source, key, from, std::move(stream));
  };
  return response;
}

HttpResponse Api::GetExecution(const std::string& arn) {
  // Executions of v1 jobs ("job:<id>") are read as jobs.
  if (arn.rfind("arn:", 0) != 0) return ErrorResponse(NotFound("no execution '" + arn + "'"));
  auto record = store_.GetRecord(kRecordExecution, arn);
  if (!record.ok()) return ErrorResponse(record.error());
  auto info = ExecutionInfoOf(record.value());
  if (!info.ok()) return ErrorResponse(info.error());
  // The first 20,000 events at most (bounded work on an I/O thread); the view says "truncated".
  std::vector<HistoryEvent> events;
  for (int64_t from = 1; events.size() < 20000;) {
    auto page = store_.ReadHistory(arn, from, 1000, false);
    if (!page.ok()) return ErrorResponse(page.error());
    if (page->empty()) break;
    from = page->back().id + 1;
    for (auto& event : page.value()) events.push_back(std::move(event));
  }
  return Json(200, ExecutionView(info.value(), events, 10000));
}

HttpResponse Api::CancelJob(const std::string& id, const std::string& body) {
  auto reason = ParseCancelReason(body, options_.limits);
  if (!reason.ok()) return ErrorResponse(reason.error());
  auto cancelled = jobs_.CancelJob(id, reason.value());
  if (!cancelled.ok()) return ErrorResponse(cancelled.error());
  return Json(200, JobToJson(cancelled.value(), JsonForm::kApi));
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
