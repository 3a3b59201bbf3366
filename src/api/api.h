// The v1 REST API as a plain function from request to response: routing, JSON in and out, error
// mapping. Requests for the Step Functions face (POST / with X-Amz-Target) go to sfn::SfnApi. No
// business logic (that is the engine's and the model's) and no sockets (http_server.h).
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/execution_events.h"
#include "api/finished_job_cache.h"
#include "api/http_message.h"
#include "api/job_events.h"
#include "api/static_files.h"
#include "api/sfn/sfn_api.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/result.h"
#include "engine/job_service.h"
#include "engine/execution_service.h"
#include "model/requests.h"
#include "store/store.h"

namespace wfm {

// Reads the captured output of an executor task id. Errors: kNotFound.
using LogReader = std::function<Result<std::string>(const std::string& task_id)>;

struct ApiOptions {
  RequestLimits limits;
  // A listing's body stays under this size: its page ends early (with X-Next-Page-Token).
  size_t max_list_bytes = 4 << 20;
  // Threads that run writes (which may call out, e.g. to check resources) off the I/O threads,
  // and how many writes may wait for them before more are refused (503). A write mostly waits for
  // the store's group commit, and the writes waiting together share one: many threads make
  // bigger groups, hence fewer fsyncs per write.
  int write_threads = 32;
  size_t max_queued_writes = 1000;
  // Checks a state's resource when a workflow is stored (Executor::CheckResource); may be empty.
  std::function<Status(const std::string&)> check_resource;
  // The executor's job definitions (Executor::ListJobDefinitions) for GET /job-definitions; may
  // be empty (then 501).
  std::function<Result<nlohmann::json>()> job_definitions;
  // Whether the executor can work (Executor::Health), shown by /_health; may be empty.
  std::function<Status()> executor_health;
  // The Step Functions face (POST / with X-Amz-Target, api/sfn/): the region and account of its
  // ARNs, and the engine that runs executions (null: those operations answer 503).
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  ExecutionService* executions = nullptr;
  // What GET /metrics renders (null: /metrics is 404); requests are counted in it too.
  Metrics* metrics = nullptr;
  // GET /events: how often the jobs and executions watched are read, and how many streams (of
  // both together) may be open.
  EventStreamOptions events;
  // The web UI's files, served under /ui/ (null: /ui/ is 404).
  std::shared_ptr<const StaticFiles> ui;
};

class Api {
 public:
  // `log_reader` may be empty (the executor keeps no logs). `openapi_yaml` is served as is.
  Api(Store& store, JobService& jobs, Clock& clock, LogReader log_reader, std::string openapi_yaml,
      ApiOptions options = {});
  ~Api();  // answers what is pending, then stops its threads

  // Answers one request on the calling thread. Never throws; every error is {"message": ...} with
  // its status. Thread-safe.
  HttpResponse Handle(const HttpRequest& request);
  // Answers one request through `respond`: reads on the calling thread (an I/O thread: they are
  // bounded and quick), writes on the API's own threads. Thread-safe.
  void HandleAsync(const HttpRequest& request, HttpResponder respond);

 private:
  // `respond`, counting the request's route, status and time in the metrics when it is called.
  HttpResponder Counted(const HttpRequest& request, HttpResponder respond);
  // Answers on the calling thread, catching what escapes.
  void Answer(const HttpRequest& request, const HttpResponder& respond);
  // The response, or nothing when `respond` will be called later.
  std::optional<HttpResponse> Route(const HttpRequest& request, const HttpResponder& respond);
  HttpResponse Health();
  // GET /workflows/{name}/revisions: every revision, newest first.
  HttpResponse ListWorkflowRevisions(const std::string& name);
  // GET /job-definitions: {"jobDefinitions": [...]} as the executor lists them.
  HttpResponse ListJobDefinitions();
  // GET /events?job=ID or ?execution=ARN: the Server-Sent Events of a job (job_events.h) or of a
  // Step Functions execution (execution_events.h, resumed after the Last-Event-ID header).
  HttpResponse Events(const HttpRequest& request, const std::map<std::string, std::string>& query);
  // GET /events?execution=ARN. `last_event_id`: the header's value ("" when absent).
  HttpResponse ExecutionEventStream(const std::string& arn, const std::string& last_event_id);
  // The streamed response that subscribes to `key` of `source` from `from`; 503 when too many
  // streams are open.
  HttpResponse EventStream(EventSource& source, const std::string& key, StreamPosition from);
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
  // GET /executions/{arn}: a Step Functions execution with every state it visited.
  HttpResponse GetExecution(const std::string& arn);
  // Cancels the job (stored at once) and answers it as stored.
  HttpResponse CancelJob(const std::string& id, const std::string& body);
  HttpResponse GetTaskLog(const std::string& job_id, const std::string& state);

  static constexpr size_t kFinishedJobCacheBytes = 64 << 20;

  Store& store_;
  JobService& jobs_;
  Clock& clock_;
  LogReader log_reader_;
  std::string openapi_yaml_;
  ApiOptions options_;
  std::atomic<size_t> queued_writes_{0};
  std::unique_ptr<sfn::SfnApi> sfn_;
  FinishedJobCache finished_jobs_{kFinishedJobCacheBytes};
  std::unique_ptr<boost::asio::thread_pool> writers_;
  JobEvents job_events_{store_};
  ExecutionEvents execution_events_{store_};
  std::unique_ptr<EventHub> events_;  // after the sources: stopped before they go
};

// The HTTP status for an error code (the one place this mapping lives).
int HttpStatusOf(ErrorCode code);
// {"message": ...} with the status of `error`.
HttpResponse ErrorResponse(const Error& error);

}  // namespace wfm
