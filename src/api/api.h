// The v1 REST API as a plain function from request to response: routing, JSON in and out, error
// mapping. No business logic (that is the engine's and the model's) and no sockets (http_server.h).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "api/http_message.h"
#include "core/clock.h"
#include "core/result.h"
#include "engine/engine.h"
#include "store/store.h"

namespace wfm {

// Reads the captured output of an executor task id. Errors: kNotFound.
using LogReader = std::function<Result<std::string>(const std::string& task_id)>;

class Api {
 public:
  // `log_reader` may be empty (the executor keeps no logs). `openapi_yaml` is served as is.
  Api(Store& store, Engine& engine, Clock& clock, LogReader log_reader, std::string openapi_yaml);

  // Answers one request. Never throws; every error is {"message": ...} with its status.
  // Thread-safe.
  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse Route(const HttpRequest& request);
  HttpResponse Health();
  HttpResponse CreateWorkflow(const std::string& body);
  HttpResponse UpdateWorkflow(const std::string& name, const std::string& body);
  // Validates and stores a workflow: a new one (path_name empty) or the next revision of
  // path_name, which must match the body's name.
  HttpResponse StoreWorkflow(const std::string& body, const std::string& path_name);
  HttpResponse GetWorkflow(const std::string& name, const std::string& revision);
  HttpResponse ListWorkflows();
  HttpResponse StartJob(const std::string& body);
  HttpResponse ListJobs(const std::map<std::string, std::string>& query);
  HttpResponse GetJob(const std::string& id);
  HttpResponse CancelJob(const std::string& id, const std::string& body);
  HttpResponse GetTaskLog(const std::string& job_id, const std::string& state);

  Store& store_;
  Engine& engine_;
  Clock& clock_;
  LogReader log_reader_;
  std::string openapi_yaml_;
};

// The HTTP status for an error code (the one place this mapping lives).
int HttpStatusOf(ErrorCode code);
// {"message": ...} with the status of `error`.
HttpResponse ErrorResponse(const Error& error);

}  // namespace wfm
